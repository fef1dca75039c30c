/**
 * Worker thread of extractInWorker (extract.ts): extracts one archive with extractHere and tells
 * the main thread what it extracted. Files held in memory are posted for the main thread's onFile
 * in shared memory (not copied: copying 300 MB was a fifth of this thread's work at 100 nodes);
 * a buffer is reused only once the main thread has acknowledged it, and once more than the backlog
 * budget is posted and not acknowledged, extraction waits, so a slow reader bounds the memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BundleError, errorText } from '../errors.js';
import { extractHere, type ExtractRequest, type FromWorker, type ToWorker } from './extract.js';

const { request, backlogBytes, observe } = workerData as { request: ExtractRequest; backlogBytes: number; observe: boolean };
const port = parentPort!;
const stop = new AbortController();
let backlog = 0;
let room: (() => void) | undefined;
let lastId = 0;
/** Buffers the main thread has not acknowledged yet, by message id. */
const held = new Map<number, () => void>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') stop.abort();
  else {
    held.get(message.id)?.();
    held.delete(message.id);
    backlog -= message.bytes;
    if (backlog <= backlogBytes) {
      room?.();
      room = undefined;
    }
  }
});

async function post(path: string, bytes: Buffer, release?: () => void): Promise<void> {
  const id = ++lastId;
  if (release) held.set(id, release);
  backlog += bytes.byteLength;
  port.postMessage({ type: 'file', id, path, bytes } satisfies FromWorker);
  if (backlog > backlogBytes) await new Promise<void>((resolve) => (room = resolve));
}

try {
  const { files, sameAs } = await extractHere(request, { ...(observe ? { onFile: post, holdBuffers: true } : {}), signal: stop.signal });
  port.postMessage({ type: 'done', files: [...files], sameAs: [...sameAs] } satisfies FromWorker);
} catch (err) {
  const message: FromWorker = err instanceof BundleError
    ? { type: 'error', file: err.file, problem: err.problem, message: err.message }
    : { type: 'error', message: errorText(err) };
  port.postMessage(message);
}
// The port would keep this thread alive: the work is done.
port.close();
