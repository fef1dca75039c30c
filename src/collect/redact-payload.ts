/**
 * Redaction of in-memory artifacts before they are written: Kubernetes objects through
 * redactK8sObject (env values, config map data, annotations), everything else as text through
 * redactText. A response with nothing to redact is kept byte for byte, so the bundle stores what
 * the cluster returned; only a redacted Kubernetes object is re-serialized.
 */
import { createHash } from 'node:crypto';
import { redactK8sObject, redactText } from '../redact/index.js';
import type { Payload } from './artifact.js';
import { finishBody, type BodyJob } from './artifact-work.js';
import type { PooledRedaction, RedactPool } from './redact-pool.js';

export function redactedK8sJson(body: Buffer, enabled: boolean, httpStatus?: number): Payload {
  if (!enabled) return { kind: 'bytes', data: body, httpStatus };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON after all (a proxy's HTML error page): redact it as text.
    return redactedText(body, enabled, httpStatus);
  }
  const { value, counts } = redactK8sObject(parsed);
  const changed = Object.values(counts).some((n) => n > 0);
  const data = changed ? Buffer.from(JSON.stringify(value, null, 2) + '\n') : body;
  return { kind: 'bytes', data, httpStatus, redactions: counts };
}

export function redactedText(body: Buffer, enabled: boolean, httpStatus?: number): Payload {
  if (!enabled) return { kind: 'bytes', data: body, httpStatus };
  const original = body.toString('utf8');
  const { text, counts } = redactText(original);
  return { kind: 'bytes', data: text === original ? body : Buffer.from(text), httpStatus, redactions: counts };
}

/**
 * Where large bodies are redacted (and scanned): a worker pool, and a memo of recent identical
 * bodies. With `scan`, the leak scan of the bytes that go into the archive is done there too and
 * comes back with the payload (collect scans what it writes; see output-scan.ts).
 */
export interface LargeBodyRedaction {
  pool?: RedactPool;
  memo?: RedactionMemo;
  scan?: ScanSettings;
}

/** What the scan of the archive's files needs to find the hits a read of the archive would. */
export interface ScanSettings {
  /** The bundle reader's limit for whole-file reads (it picks the scan's route for large JSON). */
  maxTextBytes: number;
}

/** Bodies smaller than this are redacted in place: a worker round trip would cost more. */
export const LARGE_BODY_BYTES = 64 * 1024;

/**
 * redactedText for bodies that may be large (config dumps, debug views): same result, off the
 * main thread, which also hashes the final bytes for the manifest. `path` is the artifact's
 * bundle path, for the scan.
 */
export async function redactedLargeText(body: Buffer, enabled: boolean, httpStatus: number | undefined, via: LargeBodyRedaction, path?: string): Promise<Payload> {
  const scanPath = via.scan && path !== undefined ? path : undefined;
  if ((!enabled && scanPath === undefined) || body.length < LARGE_BODY_BYTES || (!via.pool && !via.memo)) return redactedText(body, enabled, httpStatus);
  // The scan's result depends on the route its path picks (large JSON block by block, else line by line).
  const key = via.memo?.keyFor(body, scanPath === undefined ? 'none' : scanPath.endsWith('.json') ? 'json' : 'lines');
  let pending = key === undefined ? undefined : via.memo?.get(key);
  if (!pending) {
    const job: BodyJob = { body, redact: enabled, hash: true, maxTextBytes: via.scan?.maxTextBytes ?? 0, ...(scanPath === undefined ? {} : { scanPath }) };
    pending = via.pool ? via.pool.finishBody(job) : Promise.resolve(finishBody(job));
    if (key !== undefined) via.memo?.set(key, pending);
  }
  const result = await pending;
  const data = result.text === undefined ? body : Buffer.from(result.text);
  return {
    kind: 'bytes',
    data,
    httpStatus,
    ...(enabled ? { redactions: { ...result.counts } } : {}),
    ...(result.sha256 !== undefined ? { sha256: result.sha256 } : {}),
    ...(result.hits ? { scan: result.hits } : {}),
  };
}

/** What identifies a body in the memo: its bytes (kept) when small enough, else their digest. */
export interface BodyKey {
  route: string;
  body?: Buffer;
  digest?: string;
}

/**
 * The redaction (and scan) of recently seen large bodies. istiod answers every ztunnel's
 * config_dump request with the same cluster state, so on a cluster of N nodes the same megabytes
 * arrive N times in a row; redaction and the scan are pure functions of the bytes, so they are
 * done once (requests for the same body in flight at once share one). A handful of entries
 * suffice for that, and keep the memory bounded whatever the cluster size. Bodies up to
 * maxBodyBytes are recognised by comparing bytes (a memcmp, where hashing them on the main thread
 * took half a second of a 100-node collect; the worker hashes each distinct body once); larger
 * ones by their sha256, so the memo never holds more than a few of them.
 */
export class RedactionMemo {
  private entries: { key: BodyKey; result: Promise<PooledRedaction> }[] = [];

  constructor(
    private readonly maxEntries = 4,
    private readonly maxBodyBytes = 16 * 1024 ** 2,
  ) {}

  keyFor(body: Buffer, route: string): BodyKey {
    return body.length <= this.maxBodyBytes ? { route, body } : { route, digest: createHash('sha256').update(body).digest('hex') };
  }

  get(key: BodyKey): Promise<PooledRedaction> | undefined {
    const i = this.entries.findIndex((e) => e.key.route === key.route && (key.body ? e.key.body?.equals(key.body) === true : e.key.digest === key.digest));
    if (i < 0) return undefined;
    // Most recently used last, so the oldest is evicted first.
    const [hit] = this.entries.splice(i, 1);
    this.entries.push(hit!);
    return hit!.result;
  }

  set(key: BodyKey, result: Promise<PooledRedaction>): void {
    this.entries.push({ key, result });
    if (this.entries.length > this.maxEntries) this.entries = this.entries.slice(-this.maxEntries);
  }
}
