/**
 * Splits a byte stream into lines without ever holding more than one (capped) line in memory, and
 * finds a log line's own timestamp: a leading RFC 3339 token (ztunnel's plain format, Go's klog
 * style with timestamps) or the "time" field of a JSON line.
 */
import type { Readable } from 'node:stream';

/** A line longer than this is cut into pieces; later pieces count as continuation lines. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Yields each line with its trailing '\n' (the last one may lack it). */
export async function* splitLines(stream: Readable, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline + 1;
      const room = maxLineBytes - pendingBytes;
      const take = Math.min(end - start, room);
      pending.push(chunk.subarray(start, start + take));
      pendingBytes += take;
      start += take;
      const complete = start === end && newline !== -1;
      if (complete || pendingBytes >= maxLineBytes) {
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
  const head = line.subarray(0, 512).toString('latin1');
  const m = LEADING_TIME.exec(head) ?? (head.startsWith('{') ? JSON_TIME.exec(head) : null);
  if (!m) return undefined;
  const ms = Date.parse(m[1]!);
  return Number.isFinite(ms) ? { token: m[1]!, ms } : undefined;
}
