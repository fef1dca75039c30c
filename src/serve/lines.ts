/**
 * Splits a byte stream into lines without ever holding more than one (capped) line in memory, and
 * finds a log line's own timestamp: a leading RFC 3339 token (ztunnel's plain format, Go's klog
 * style with timestamps) or the "time" field of a JSON line.
 */
import type { Readable } from 'node:stream';

/** A line longer than this is cut into pieces; later pieces count as continuation lines. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Yields each line with its trailing '\n' (the last one may lack it). A line that sits inside one
 * chunk is yielded as a view of that chunk, without copying; only lines spanning chunks are joined.
 */
export async function* splitLines(stream: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      const take = Math.min(end - start, maxLineBytes - pendingBytes);
      const piece = chunk.subarray(start, start + take);
      start += take;
      const complete = (start === end && newline !== -1) || pendingBytes + take >= maxLineBytes;
      if (!complete) {
        pending.push(piece);
        pendingBytes += take;
      } else if (pendingBytes === 0) {
        yield piece;
      } else {
        pending.push(piece);
        yield Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

const LEADING_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))[\s]/;
const JSON_TIME = /"(?:time|timestamp|ts)"\s*:\s*"(\d{4}-\d{2}-\d{2}T[^"]+)"/;

/** The line's timestamp token and its epoch milliseconds, or undefined when it has none. */
export function lineTimestamp(line: Buffer): { token: string; ms: number } | undefined {
  const first = line[0];
  const isDigit = first !== undefined && first >= 0x30 && first <= 0x39;
  // Most continuation lines start with neither a digit nor '{': skip decoding them at all.
  if (!isDigit && first !== 0x7b) return undefined;
  const head = line.subarray(0, isDigit ? 48 : 512).toString('latin1');
  const m = isDigit ? LEADING_TIME.exec(head) : JSON_TIME.exec(head);
  if (!m) return undefined;
  const ms = Date.parse(m[1]!);
  return Number.isFinite(ms) ? { token: m[1]!, ms } : undefined;
}
