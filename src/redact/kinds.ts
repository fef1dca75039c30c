/**
 * The redaction vocabulary: every kind of secret we know, and the marker that replaces one.
 * The same kinds key the counts in manifest.json (ArtifactRecord.redactions) and name the hits of
 * `scan`, so a user can match what was removed with what is still found. docs/redaction.md
 * describes each kind.
 */

export const SECRET_KINDS = [
  'private-key',
  'jwt',
  'bearer-token',
  'basic-auth',
  'basic-auth-url',
  'password',
  'aws-access-key',
  'aws-secret-key',
  'gcp-api-key',
  'github-token',
  'gitlab-token',
  'slack-token',
  'kubeconfig-credential',
  'secret-env',
  'secret-data',
  'generic-secret',
  /** scan only: a long random-looking string that matches no known format. Never redacted. */
  'high-entropy',
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export type RedactionCounts = Record<string, number>;

export const MARKER_PREFIX = '[REDACTED:';

/** What replaces a secret value: no quotes or backslashes, so JSON strings stay valid. */
export function marker(kind: SecretKind): string {
  return `${MARKER_PREFIX}${kind}]`;
}

export function isMarker(value: string): boolean {
  return value.startsWith(MARKER_PREFIX);
}

export function addCount(counts: RedactionCounts, kind: string, by = 1): void {
  counts[kind] = (counts[kind] ?? 0) + by;
}

export function mergeCounts(into: RedactionCounts, from: RedactionCounts): void {
  for (const [kind, n] of Object.entries(from)) addCount(into, kind, n);
}
