/**
 * manifest.json: what `collect` tried, and how each attempt went. Written by the collector,
 * read (optionally) by the analyzer. Schema: schemas/manifest.schema.json.
 */

export type ArtifactStatus = 'ok' | 'error' | 'skipped';

export interface ArtifactRecord {
  /** Bundle path, as built by bundle/paths.ts. */
  path: string;
  /** What was asked of the cluster, e.g. "GET pod istio-system/ztunnel-6hvcw :15000/config_dump". */
  target: string;
  status: ArtifactStatus;
  /** Error text for status error, reason for status skipped. */
  error?: string;
  /** e.g. 403, 404, 500; absent when no HTTP status was received. */
  httpStatus?: number;
  bytes?: number;
  sha256?: string;
  startedAt?: string;
  durationMs?: number;
  /** Redacted values in this file, by kind (e.g. { "bearer-token": 2 }). */
  redactions?: Record<string, number>;
}

export interface Manifest {
  schemaVersion: '1';
  tool: { name: string; version: string };
  /** When collection started (RFC 3339, UTC). Rules judge expiry against this, not the analysis time. */
  collectedAt: string;
  completedAt?: string;
  /** complete: every artifact ok or deliberately skipped; partial: some failed; interrupted: stopped early. */
  status: 'complete' | 'partial' | 'interrupted';
  cluster?: { context?: string; kubernetesVersion?: string };
  options?: Record<string, unknown>;
  artifacts: ArtifactRecord[];
}
