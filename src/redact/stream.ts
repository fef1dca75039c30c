/**
 * createRedactStream: the redaction choke-point for logs, which are streamed to disk and never held
 * whole. Input is split into lines across chunk boundaries (UTF-8 safe, CRLF kept), each line goes
 * through the same LineInspector as redactText, and counts() reports what was replaced.
 *
 * Memory is bounded: a partial line longer than maxLineChars (default 1 MiB) is redacted and
 * flushed as it is, cut at a space when there is one so a token is rarely split in two.
 */
import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';
import type { RedactionCounts } from './kinds.js';
import { LineInspector } from './lines.js';
import { redactLine } from './text.js';

export interface RedactStreamOptions {
  /** Longest partial line kept in memory before it is redacted and flushed. */
  maxLineChars?: number;
}

export type RedactStream = Transform & { counts(): RedactionCounts };

export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

export function createRedactStream(options: RedactStreamOptions = {}): RedactStream {
  const maxLineChars = Math.max(options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS, 16);
  const decoder = new StringDecoder('utf8');
  const inspector = new LineInspector();
  const counts: RedactionCounts = {};
  let pending = '';

  const emit = (stream: Transform, line: string, eol: string): void => {
    const redacted = redactLine(line, inspector, counts);
    if (redacted !== null) stream.push(redacted + eol);
  };

  const drainLines = (stream: Transform): void => {
    let at = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', at)) {
      const crlf = nl > at && pending[nl - 1] === '\r';
      emit(stream, pending.slice(at, crlf ? nl - 1 : nl), crlf ? '\r\n' : '\n');
      at = nl + 1;
    }
    pending = pending.slice(at);
    while (pending.length > maxLineChars) {
      const space = pending.lastIndexOf(' ', maxLineChars);
      const cut = space > maxLineChars / 2 ? space + 1 : maxLineChars;
      emit(stream, pending.slice(0, cut), '');
      pending = pending.slice(cut);
    }
  };

  const stream = new Transform({
    transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback) {
      pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
      drainLines(this);
      callback();
    },
    flush(callback: TransformCallback) {
      pending += decoder.end();
      drainLines(this);
      // A last line without a line break; a lone trailing '\r' stays a '\r'.
      if (pending.length > 0) emit(this, pending, '');
      pending = '';
      callback();
    },
  }) as RedactStream;
  stream.counts = () => ({ ...counts });
  return stream;
}
