/**
 * Lines of a byte stream, for the scan: UTF-8 safe across chunks, CR of CRLF removed, and a
 * line longer than maxLineChars handed out in pieces so a GB-sized single-line file never sits
 * in memory whole. Lines come in batches, one per chunk read: an await per line costs more than
 * scanning a line whose inspection is already known (most lines of a bundle).
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number. Pieces of one over-long line share its number. */
  number: number;
  text: string;
}

export async function* readLines(stream: Readable, maxLineChars: number): AsyncGenerator<Line[]> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 1;
  const take = (final: boolean): Line[] => {
    const lines: Line[] = [];
    let at = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', at)) {
      const end = nl > at && pending.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      lines.push({ number, text: pending.slice(at, end) });
      number += 1;
      at = nl + 1;
    }
    pending = pending.slice(at);
    while (pending.length > maxLineChars) {
      lines.push({ number, text: pending.slice(0, maxLineChars) });
      pending = pending.slice(maxLineChars);
    }
    if (final && pending.length > 0) {
      lines.push({ number, text: pending });
      pending = '';
    }
    return lines;
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    const lines = take(false);
    if (lines.length > 0) yield lines;
  }
  pending += decoder.end();
  const last = take(true);
  if (last.length > 0) yield last;
}
