/**
 * The one contract every collector shares: an ArtifactTask names its bundle path and what it asks
 * of the cluster, and run() returns the bytes (small artifacts, in memory) or a spool file (logs).
 * Throwing Skipped records a deliberate skip (CRD not installed, proxy not connected to this
 * istiod); throwing anything else records an error. The runner owns retries, timing and the manifest.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { FileHit } from '../scan/file-scan.js';
import type { KubeClient } from './kube-client.js';
import type { LargeBodyRedaction } from './redact-payload.js';

export type RedactionCounts = Record<string, number>;

export type Payload =
  /**
   * `sha256` of `data`, when the producer already has it (saves hashing megabytes twice); `scan`,
   * the leak scan's hits in `data` as a bundle file at this task's path, when the producer scanned
   * it (large bodies are scanned on a worker right after their redaction).
   */
  | { kind: 'bytes'; data: Buffer; httpStatus?: number; redactions?: RedactionCounts; sha256?: string; scan?: readonly FileHit[] }
  | { kind: 'file'; file: string; bytes: number; sha256: string; redactions?: RedactionCounts };

export class Skipped extends Error {
  constructor(
    readonly reason: string,
    readonly httpStatus?: number,
  ) {
    super(reason);
    this.name = 'Skipped';
  }
}

/** What every task may use; one instance per collection. */
export interface CollectContext {
  kc: KubeConfig;
  client: KubeClient;
  /** Per request (or, for logs, per silence between chunks). */
  timeoutMs: number;
  /** Largest in-memory response (lists, config dumps, metrics). */
  maxResponseBytes: number;
  maxLogBytes: number;
  sinceSeconds?: number;
  redact: boolean;
  /** Where large bodies are redacted (worker threads, memo of identical bodies); absent: in place. */
  largeBodies?: LargeBodyRedaction;
  /** Private 0700 directory for log spool files. */
  spoolDir: string;
  /** Aborted on interrupt: tasks stop and in-flight requests are cancelled. */
  signal: AbortSignal;
}

export interface ArtifactTask {
  /** Bundle path (bundle/paths.ts). */
  path: string;
  /** For the manifest and progress, e.g. "GET pod istio-system/ztunnel-x :15000/config_dump". */
  target: string;
  /** Whether a failure may be retried as a whole (false for tasks that retry inside). */
  retry?: boolean;
  run(ctx: CollectContext, attemptSignal: AbortSignal): Promise<Payload>;
}
