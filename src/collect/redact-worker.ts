/**
 * Worker thread of RedactPool (redact-pool.ts): redacts large text bodies off the main thread, so
 * on a big cluster the redaction of one config_dump overlaps with fetching and archiving the next.
 * Answers { id, text?, counts }: text only when redaction changed something.
 */
import { parentPort } from 'node:worker_threads';
import { redactBody } from '../redact/index.js';

parentPort?.on('message', (message: { id: number; body: Uint8Array }) => {
  parentPort?.postMessage({ id: message.id, ...redactBody(Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength)) });
});
