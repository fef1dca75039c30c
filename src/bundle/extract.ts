/**
 * Runs an archive's extraction (archive.ts: checks and writes; tar.ts and zip.ts: the formats),
 * either on this thread or on a worker thread. Extraction of a large .tar.gz kept the main thread
 * busy for about 0.7 s per 100 nodes (stream plumbing, tar headers, writes) on top of the inflating
 * done on the thread pool, and analyze's parsing (onFile) had to share that thread with it; on a
 * worker, extraction and parsing run side by side on two cores. The worker runs the very same
 * ExtractionTarget; only the transport differs: files it holds in memory are shown to this thread
 * (in shared memory, not copied) for onFile, with at most WORKER_BACKLOG_BYTES not yet taken, and
 * errors come back as BundleError (file, problem) or a message, so both paths fail alike.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BundleError } from '../errors.js';
import { ExtractionTarget, type OnExtractedFile } from './archive.js';
import type { BundleLimits } from './source.js';
import { readTar } from './tar.js';

export type ArchiveFormat = 'gzip' | 'tar' | 'zip';

/** What to extract, and where: all of it plain data, so that it can be sent to a worker. */
export interface ExtractRequest {
  /** The archive file to read. */
  file: string;
  /** The archive path as the user typed it: the bundle's description and the prefix of every message. */
  archive: string;
  format: ArchiveFormat;
  limits: BundleLimits;
  /** The private directory to extract into (it exists and is empty). */
  dir: string;
}

export interface Extracted {
  files: Map<string, number>;
  sameAs: Map<string, string>;
}

export interface ExtractHooks {
  onFile?: OnExtractedFile;
  signal?: AbortSignal;
  /** See ExtractionTarget: buffers shared with another thread, held until onFile releases them. */
  holdBuffers?: boolean;
}

/** Bytes of files posted by the worker and not yet taken by onFile before the worker waits. */
const WORKER_BACKLOG_BYTES = 32 * 1024 * 1024;

const WORKER_URL = new URL('./extract-worker.js', import.meta.url);

/** Whether the worker script is there (it is in dist/; running from src/, e.g. under vitest, it is not). */
export function extractWorkerAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** Extracts on this thread. On failure, waits for the writes in flight, then throws. */
export async function extractHere(request: ExtractRequest, hooks: ExtractHooks = {}): Promise<Extracted> {
  const target = new ExtractionTarget({
    dir: request.dir, archive: request.archive, limits: request.limits,
    ...(hooks.onFile ? { onFile: hooks.onFile } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.holdBuffers ? { holdBuffers: true } : {}),
  });
  const common = { file: request.file, archive: request.archive, limits: request.limits };
  try {
    // unzipper (and its dependencies) load only for a zip: 50 ms of every analyze otherwise.
    if (request.format === 'zip') await (await import('./zip.js')).readZip(common, target);
    else await readTar({ ...common, gzip: request.format === 'gzip' }, target);
    await target.finish();
  } catch (err) {
    await target.abandon();
    throw err;
  }
  return { files: target.files, sameAs: target.sameAs };
}

/** Messages from the worker (extract-worker.ts). */
export type FromWorker =
  | { type: 'file'; id: number; path: string; bytes: Uint8Array }
  | { type: 'done'; files: [string, number][]; sameAs: [string, string][] }
  | { type: 'error'; file?: string; problem?: string; message: string };

/** Messages to the worker. */
export type ToWorker = { type: 'ack'; id: number; bytes: number } | { type: 'abort' };

/** Extracts on a worker thread; resolves once the worker is done and gone. */
export function extractInWorker(request: ExtractRequest, hooks: ExtractHooks = {}): Promise<Extracted> {
  return new Promise<Extracted>((resolve, reject) => {
    // Files are copied and posted only for an onFile that wants them (analyze); inspect, scan and
    // serve read the extracted directory afterwards.
    const worker = new Worker(WORKER_URL, { workerData: { request, backlogBytes: WORKER_BACKLOG_BYTES, observe: hooks.onFile !== undefined } });
    let outcome: { ok: Extracted } | { error: Error } | undefined;
    const abort = () => worker.postMessage({ type: 'abort' } satisfies ToWorker);
    hooks.signal?.addEventListener('abort', abort, { once: true });
    if (hooks.signal?.aborted) abort();
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'file') {
        const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
        hooks.onFile?.(message.path, bytes);
        worker.postMessage({ type: 'ack', id: message.id, bytes: bytes.length } satisfies ToWorker);
      } else if (message.type === 'done') {
        outcome ??= { ok: { files: new Map(message.files), sameAs: new Map(message.sameAs) } };
      } else {
        outcome ??= { error: message.file !== undefined && message.problem !== undefined ? new BundleError(message.file, message.problem) : new Error(message.message) };
      }
    });
    worker.on('error', (err) => {
      outcome ??= { error: err };
    });
    // Settled only once the worker has exited: no write of it can still land in the directory.
    worker.on('exit', (code) => {
      hooks.signal?.removeEventListener('abort', abort);
      if (outcome === undefined) reject(new Error(`the extraction worker stopped (exit code ${code})`));
      else if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.error);
    });
  });
}
