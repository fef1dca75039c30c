/**
 * Worker thread of RedactPool (redact-pool.ts): redacts and scans large artifacts off the main
 * thread, so on a big cluster the work on one config_dump overlaps with fetching and archiving
 * the next. Answers { id, result } or, when the job threw, { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { runRequest, type WorkAnswer, type WorkRequest } from './redact-pool.js';

parentPort?.on('message', (message: WorkRequest) => {
  if (message.op === 'body') {
    // Structured cloning hands the Buffer over as a plain Uint8Array.
    const body = message.job.body as Uint8Array;
    message.job.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  let answer: WorkAnswer;
  try {
    answer = { id: message.id, result: runRequest(message) };
  } catch (err) {
    answer = { id: message.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(answer);
});
