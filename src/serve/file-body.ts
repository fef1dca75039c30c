/**
 * A recorded file sent as a response body, byte for byte. A collect of 100 ztunnels reads half a
 * gigabyte of dumps from serve; through a read stream that is 64 KiB chunks, each a fresh buffer
 * and a thread-pool round trip, most of serve's CPU. A file up to WHOLE_BODY_BYTES is instead read
 * at once into a buffer kept for the next response (fresh buffers of megabytes made the garbage
 * collector run far more often) and written in megabyte slices; the tunnel copies each slice into
 * its own message, and the buffer goes back to the pool once the response has finished. Larger
 * files are streamed.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BundleSource } from '../bundle/source.js';

const WHOLE_BODY_BYTES = 64 * 1024 ** 2;
const SLICE_BYTES = 1024 * 1024;
/** Buffers kept between responses; one per response in flight beyond that is dropped after use. */
const MAX_IDLE_BUFFERS = 4;

const idle: Buffer[] = [];

function take(size: number): Buffer {
  const i = idle.findIndex((b) => b.length >= size);
  if (i >= 0) return idle.splice(i, 1)[0]!;
  // Rounded up to a megabyte, so that dumps that differ by a few bytes share buffers.
  return Buffer.allocUnsafeSlow(Math.max(SLICE_BYTES, Math.ceil(size / SLICE_BYTES) * SLICE_BYTES));
}

function give(buffer: Buffer): void {
  idle.push(buffer);
  // The smallest go first: a large buffer serves every size.
  if (idle.length > MAX_IDLE_BUFFERS) idle.sort((a, b) => b.length - a.length).pop();
}

/** Sends the file (whose headers are written) as the body of `res`; rejects as pipeline does. */
export async function sendFileBody(bundle: BundleSource, file: string, size: number, res: ServerResponse): Promise<void> {
  if (size > WHOLE_BODY_BYTES) return pipeline(bundle.openStream(file), res);
  const scratch = take(size);
  try {
    const bytes = await bundle.readBytes(file, { maxBytes: WHOLE_BODY_BYTES, scratch });
    const parts: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += SLICE_BYTES) parts.push(bytes.subarray(at, at + SLICE_BYTES));
    await pipeline(Readable.from(parts, { objectMode: false }), res);
  } finally {
    // Written or dropped by now: the tunnel copied every slice it sent, and an aborted response holds none.
    give(scratch);
  }
}
