/**
 * Worker thread of extractInWorker (extract.ts): extracts one archive with extractHere and tells
 * the main thread what it extracted. Files held in memory are copied and posted (transferred, so
 * the copy is not made twice) for the main thread's onFile; once more than the backlog budget is
 * posted and not acknowledged, extraction waits, so a slow reader bounds the memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BundleError, errorText } from '../errors.js';
import { extractHere, type ExtractRequest, type FromWorker, type ToWorker } from './extract.js';

const { request, backlogBytes, observe } = workerData as { request: ExtractRequest; backlogBytes: number; observe: boolean };
const port = parentPort!;
const stop = new AbortController();
let backlog = 0;
let room: (() => void) | undefined;

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') stop.abort();
  else {
    backlog -= message.bytes;
    if (backlog <= backlogBytes) {
      room?.();
      room = undefined;
    }
  }
});

async function post(path: string, bytes: Buffer): Promise<void> {
  const copy = new Uint8Array(bytes); // the target reuses `bytes` once written
  backlog += copy.byteLength;
  port.postMessage({ type: 'file', path, bytes: copy } satisfies FromWorker, [copy.buffer]);
  if (backlog > backlogBytes) await new Promise<void>((resolve) => (room = resolve));
}

try {
  const { files, sameAs } = await extractHere(request, { ...(observe ? { onFile: post } : {}), signal: stop.signal });
  port.postMessage({ type: 'done', files: [...files], sameAs: [...sameAs] } satisfies FromWorker);
} catch (err) {
  const message: FromWorker = err instanceof BundleError
    ? { type: 'error', file: err.file, problem: err.problem, message: err.message }
    : { type: 'error', message: errorText(err) };
  port.postMessage(message);
}
// The port would keep this thread alive: the work is done.
port.close();
