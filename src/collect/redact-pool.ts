/**
 * Redaction of large bodies on worker threads. Redaction is most of collect's CPU time (a regex
 * scan of every line), and on one thread it caps the speed-up concurrency can give: fetching,
 * port-forward framing and gzip wait behind it. The pool runs it on up to (cores - 1) workers,
 * at least one. Where no worker can run (the worker script is not compiled, as under the test
 * runner from src/, or a worker fails), the body is redacted on the calling thread instead, with
 * the same result: redaction is a pure function of the text.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { redactBody, type RedactionCounts } from '../redact/index.js';

/** A redaction result: `text` only when redaction changed something. */
export interface PooledRedaction {
  text?: string;
  counts: RedactionCounts;
}

const inThread = (body: Buffer): PooledRedaction => redactBody(body);

const WORKER_URL = new URL('./redact-worker.js', import.meta.url);
const MAX_WORKERS = 4;

interface Pending {
  body: Buffer;
  resolve: (result: PooledRedaction) => void;
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

  /** Redacts a UTF-8 body. */
  redact(body: Buffer): Promise<PooledRedaction> {
    const slot = this.slot();
    if (!slot) return Promise.resolve(inThread(body));
    const id = ++this.nextId;
    return new Promise((resolve) => {
      slot.inFlight.set(id, { body, resolve });
      slot.worker.postMessage({ id, body });
    });
  }

  /** Stops the workers; anything still in flight is redacted on this thread. */
  async close(): Promise<void> {
    this.broken = true;
    const slots = this.slots.splice(0);
    for (const slot of slots) this.fallBack(slot);
    await Promise.all(slots.map((s) => s.worker.terminate()));
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
    worker.on('message', (m: { id: number; text?: string; counts: RedactionCounts }) => {
      const pending = slot.inFlight.get(m.id);
      if (!pending) return;
      slot.inFlight.delete(m.id);
      pending.resolve(m.text === undefined ? { counts: m.counts } : { text: m.text, counts: m.counts });
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

  private fallBack(slot: Slot): void {
    for (const pending of slot.inFlight.values()) pending.resolve(inThread(pending.body));
    slot.inFlight.clear();
  }
}
