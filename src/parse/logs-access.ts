/**
 * Builds an AccessEvent from the fields of a ztunnel access-log line (upstream-formats.md §4.3),
 * the same way for the plain, spaced, legacy and JSON formats. Field values arrive quoted or bare
 * depending on the ztunnel version (`dst.hbone_addr` changed), so every value is read as text or
 * number regardless of how it was written.
 */
import type { AccessDestination, AccessEvent, AccessMessage, AccessSource, FieldValue, LogLevel } from './logs-types.js';

const ACCESS_MESSAGES = new Set<string>(['connection complete', 'connection opened', 'connection failed']);

export function isAccessMessage(message: string): message is AccessMessage {
  return ACCESS_MESSAGES.has(message);
}

function text(value: FieldValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  return s === '' ? undefined : s;
}

function count(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, 'µs': 1e-3, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"10002ms"` -> 10002; other Rust duration units too (`1.5s`, `250µs`). */
export function durationToMs(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{1,15}(?:\.\d{1,15})?)(ns|µs|us|ms|s|m|h)$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

/** Splits `10.0.0.1:80` / `[fd00::1]:80` into ip and port; a bare address has no port. */
export function splitAddress(addr: string): { ip?: string; port?: number } {
  if (addr.startsWith('[')) {
    const close = addr.indexOf(']');
    if (close === -1) return {};
    const port = count(addr.slice(close + 2));
    const ip = addr.slice(1, close);
    return port === undefined ? { ip } : { ip, port };
  }
  const colon = addr.lastIndexOf(':');
  if (colon === -1 || addr.indexOf(':') !== colon) return addr ? { ip: addr } : {};
  const ip = addr.slice(0, colon);
  const port = count(addr.slice(colon + 1));
  const result: { ip?: string; port?: number } = {};
  if (ip) result.ip = ip;
  if (port !== undefined) result.port = port;
  return result;
}

/** Copies fields into `out` under the given keys, skipping absent ones. Keys are precomputed: no string building per line. */
function pick<T extends object>(fields: Record<string, FieldValue>, names: ReadonlyArray<readonly [string, keyof T]>, out: T): T {
  for (const [name, key] of names) {
    const value = text(fields[name]);
    if (value !== undefined) (out as Record<keyof T, string>)[key] = value;
  }
  return out;
}

const SOURCE_FIELDS = [['src.workload', 'workload'], ['src.namespace', 'namespace'], ['src.identity', 'identity'], ['src.cluster', 'cluster']] as const;
const DEST_FIELDS = [
  ['dst.hbone_addr', 'hboneAddr'],
  ['dst.service', 'service'],
  ['dst.workload', 'workload'],
  ['dst.namespace', 'namespace'],
  ['dst.identity', 'identity'],
  ['dst.cluster', 'cluster'],
] as const;

function source(fields: Record<string, FieldValue>): AccessSource {
  const src: AccessSource = {};
  const addr = text(fields['src.addr']);
  if (addr !== undefined) {
    src.addr = addr;
    const { ip, port } = splitAddress(addr);
    if (ip !== undefined) src.ip = ip;
    if (port !== undefined) src.port = port;
  }
  return pick(fields, SOURCE_FIELDS, src);
}

function destination(fields: Record<string, FieldValue>): AccessDestination {
  const dst: AccessDestination = {};
  const addr = text(fields['dst.addr']);
  if (addr !== undefined) dst.addr = addr;
  return pick(fields, DEST_FIELDS, dst);
}

export interface AccessParts {
  time?: string;
  level: LogLevel;
  message: AccessMessage;
  fields: Record<string, FieldValue>;
}

/** The access event for parsed parts; `where` says which line it came from. */
export function buildAccessEvent(parts: AccessParts, where: { line: number; raw: string; pod?: string }): AccessEvent {
  const { fields } = parts;
  const direction = fields.direction;
  const event: AccessEvent = {
    kind: 'access',
    line: where.line,
    ...(parts.time ? { time: parts.time } : {}),
    level: parts.level,
    message: parts.message,
    ...(direction === 'inbound' || direction === 'outbound' ? { direction } : {}),
    src: source(fields),
    dst: destination(fields),
    raw: where.raw,
  };
  const bytesSent = count(fields.bytes_sent);
  if (bytesSent !== undefined) event.bytesSent = bytesSent;
  const bytesRecv = count(fields.bytes_recv);
  if (bytesRecv !== undefined) event.bytesRecv = bytesRecv;
  const durationMs = durationToMs(fields.duration);
  if (durationMs !== undefined) event.durationMs = durationMs;
  const error = text(fields.error);
  if (error !== undefined) event.error = error;
  if (where.pod) event.pod = where.pod;
  return event;
}
