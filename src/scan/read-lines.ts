/**
 * Lines of a byte stream, for the scan: UTF-8 safe across chunks, CR of CRLF removed, and a
 * line longer than maxLineChars handed out in pieces so a GB-sized single-line file never sits
 * in memory whole. Lines come in batches, one per chunk read: an await per line costs more than
 * scanning a line whose inspection is already known (most lines of a bundle). LineSplitter is the
 * synchronous core, so bytes already in memory (collect scanning what it writes) are cut into the
 * very lines a stream of the same bytes gives.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number. Pieces of one over-long line share its number. */
  number: number;
  text: string;
}

/**
 * Chunk size when bytes in memory are cut into lines: what a file stream reads at a time (fs
 * streams' 64 KiB), so an over-long line is cut into the same pieces as when a bundle file is
 * streamed. Only lines over maxLineChars depend on where chunks end.
 */
export const FILE_CHUNK_BYTES = 64 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private number = 1;

  constructor(private readonly maxLineChars: number) {}

  /** The lines completed by this chunk. */
  push(chunk: Buffer | string): Line[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    return this.take(false);
  }

  /** The last lines, at the end of the input. */
  end(): Line[] {
    this.pending += this.decoder.end();
    return this.take(true);
  }

  private take(final: boolean): Line[] {
    const lines: Line[] = [];
    let at = 0;
    const pending = this.pending;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', at)) {
      const end = nl > at && pending.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
      lines.push({ number: this.number, text: pending.slice(at, end) });
      this.number += 1;
      at = nl + 1;
    }
    this.pending = pending.slice(at);
    while (this.pending.length > this.maxLineChars) {
      lines.push({ number: this.number, text: this.pending.slice(0, this.maxLineChars) });
      this.pending = this.pending.slice(this.maxLineChars);
    }
    if (final && this.pending.length > 0) {
      lines.push({ number: this.number, text: this.pending });
      this.pending = '';
    }
    return lines;
  }
}

export async function* readLines(stream: Readable, maxLineChars: number): AsyncGenerator<Line[]> {
  const splitter = new LineSplitter(maxLineChars);
  for await (const chunk of stream) {
    const lines = splitter.push(chunk as Buffer | string);
    if (lines.length > 0) yield lines;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}

/** Lines of chunks read synchronously (bytes in memory, a file read with readSync), in batches. */
export function* linesOfChunks(chunks: Iterable<Buffer>, maxLineChars: number): Generator<Line[]> {
  const splitter = new LineSplitter(maxLineChars);
  for (const chunk of chunks) {
    const lines = splitter.push(chunk);
    if (lines.length > 0) yield lines;
  }
  const last = splitter.end();
  if (last.length > 0) yield last;
}

/** Bytes in memory in the chunks a file stream of them reads. */
export function* chunksOfBytes(bytes: Buffer): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += FILE_CHUNK_BYTES) yield bytes.subarray(at, Math.min(bytes.length, at + FILE_CHUNK_BYTES));
}
