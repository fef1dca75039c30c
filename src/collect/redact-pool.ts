/**
 * Redaction and leak scan of large artifacts on worker threads (artifact-work.ts). Both are a regex
 * pass over every line, most of collect's CPU time, and on one thread they cap the speed-up
 * concurrency can give: fetching, port-forward framing and gzip wait behind them. The pool runs
 * them on up to (cores - 1) workers, at least one. Where no worker can run (the worker script is
 * not compiled, as under the test runner from src/, or a worker fails), the job runs on the
 * calling thread instead, with the same result: both are pure functions of the bytes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileHit } from '../scan/file-scan.js';
import { finishBody, scanFile, type BodyJob, type BodyResult, type FileJob } from './artifact-work.js';

/** A redaction result: `text` only when redaction changed something; `hits` when it was scanned. */
export type PooledRedaction = BodyResult;

/** What a worker is asked (redact-worker.ts). */
export type WorkRequest = { id: number; op: 'body'; job: BodyJob } | { id: number; op: 'file'; job: FileJob };
/** What a worker answers: the job's result, or the message of what it threw. */
export type WorkAnswer = { id: number; result: BodyResult | FileHit[] } | { id: number; error: string };

/** Runs a request on this thread. */
export function runRequest(request: WorkRequest): BodyResult | FileHit[] {
  return request.op === 'body' ? finishBody(request.job) : scanFile(request.job);
}

const WORKER_URL = new URL('./redact-worker.js', import.meta.url);
const MAX_WORKERS = 4;

interface Pending {
  request: WorkRequest;
  resolve: (result: BodyResult | FileHit[]) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

export class RedactPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private broken = false;

  constructor(private readonly size = Math.min(MAX_WORKERS, Math.max(1, availableParallelism() - 1))) {}

  /** Redacts (when job.redact) and scans (when job.scanPath) a UTF-8 body. */
  finishBody(job: BodyJob): Promise<BodyResult> {
    return this.run({ id: ++this.nextId, op: 'body', job }) as Promise<BodyResult>;
  }

  /** Scans a file on disk as the bundle file `job.scanPath`. */
  scanFile(job: FileJob): Promise<FileHit[]> {
    return this.run({ id: ++this.nextId, op: 'file', job }) as Promise<FileHit[]>;
  }

  /**
   * Stops the workers; a body still in flight is finished on this thread (a task may wait for
   * it). A file scan still in flight is dropped (rejected): its only reader, the scan of the
   * output, has its result by the time the pool closes, or no use for it (a discarded bundle).
   */
  async close(): Promise<void> {
    this.broken = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) this.fallBack(slot, { dropFileScans: true });
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(request: WorkRequest): Promise<BodyResult | FileHit[]> {
    const slot = this.slot();
    if (!slot) return inThread(request);
    return new Promise((resolve, reject) => {
      slot.inFlight.set(request.id, { request, resolve, reject });
      slot.worker.postMessage(request);
    });
  }

  private slot(): Slot | undefined {
    if (this.broken) return undefined;
    if (this.slots.length < this.size) {
      const started = this.start();
      if (started) return started;
    }
    // The least busy worker.
    return this.slots.reduce<Slot | undefined>((best, s) => (!best || s.inFlight.size < best.inFlight.size ? s : best), undefined);
  }

  private start(): Slot | undefined {
    if (!existsSync(fileURLToPath(WORKER_URL))) {
      this.broken = this.slots.length === 0;
      return undefined;
    }
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL);
    } catch {
      this.broken = this.slots.length === 0;
      return undefined;
    }
    // Never keep the process alive for an idle worker.
    worker.unref();
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on('message', (m: WorkAnswer) => {
      const pending = slot.inFlight.get(m.id);
      if (!pending) return;
      slot.inFlight.delete(m.id);
      if ('error' in m) pending.reject(new Error(m.error));
      else pending.resolve(m.result);
    });
    const fail = () => {
      const i = this.slots.indexOf(slot);
      if (i !== -1) this.slots.splice(i, 1);
      if (this.slots.length === 0) this.broken = true;
      this.fallBack(slot);
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.slots.push(slot);
    return slot;
  }

  private fallBack(slot: Slot, options: { dropFileScans?: boolean } = {}): void {
    for (const pending of slot.inFlight.values()) {
      if (options.dropFileScans && pending.request.op === 'file') pending.reject(new Error('the scan was dropped: the collection ended'));
      else inThread(pending.request).then(pending.resolve, pending.reject);
    }
    slot.inFlight.clear();
  }
}

function inThread(request: WorkRequest): Promise<BodyResult | FileHit[]> {
  try {
    return Promise.resolve(runRequest(request));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
