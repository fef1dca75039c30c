/**
 * Timestamp arithmetic for the generator. All times derive from the spec's fixed collectedAt;
 * nothing reads the wall clock, so generated bundles are reproducible byte for byte.
 */

/** RFC 3339 seconds precision (`2026-11-25T09:30:00Z`), as Kubernetes prints times. */
export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + Math.round(seconds * 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch of an RFC 3339 time. */
export function toMillis(iso: string): number {
  return Date.parse(iso);
}

/** Microsecond-precision UTC timestamp as ztunnel and istiod print it (`…T09:20:01.123456Z`). */
export function microTimestamp(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString(); // …T09:20:01.123Z
  const extra = String(Math.floor(micros % 1000)).padStart(3, '0');
  return `${base.slice(0, -1)}${extra}Z`;
}

/** Milliseconds precision (`…T09:20:01.123Z`), as used by some istiod debug fields. */
export function millisTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
