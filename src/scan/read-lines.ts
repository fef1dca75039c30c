/**
 * Lines of a byte stream, for the scan: UTF-8 safe across chunks, CR of CRLF removed, and a
 * line longer than maxLineChars handed out in pieces so a GB-sized single-line file never sits
 * in memory whole.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number. Pieces of one over-long line share its number. */
  number: number;
  text: string;
}

export async function* readLines(stream: Readable, maxLineChars: number): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let number = 1;
  const take = function* (final: boolean): Generator<Line> {
    let at = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', at)) {
      const end = nl > at && pending[nl - 1] === '\r' ? nl - 1 : nl;
      yield { number, text: pending.slice(at, end) };
      number += 1;
      at = nl + 1;
    }
    pending = pending.slice(at);
    while (pending.length > maxLineChars) {
      yield { number, text: pending.slice(0, maxLineChars) };
      pending = pending.slice(maxLineChars);
    }
    if (final && pending.length > 0) {
      yield { number, text: pending };
      pending = '';
    }
  };
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    yield* take(false);
  }
  pending += decoder.end();
  yield* take(true);
}
