/**
 * The scan of one file, wherever its bytes are: a bundle being scanned (scan.ts), or collect
 * scanning each artifact as it writes it (src/collect/output-scan.ts). Both must find the same
 * hits in the same order, so the choice of route lives here: a large JSON file is read whole and
 * scanned block by block (json-blocks.ts), anything else line by line as a stream would give it.
 * One FileScanner serves one scan of many files: it remembers the blocks already scanned.
 */
import type { Readable } from 'node:stream';
import type { SecretKind } from '../redact/kinds.js';
import { DEFAULT_LIMITS } from '../bundle/source.js';
import { DEFAULT_ENTROPY, type EntropyOptions } from './entropy.js';
import { BlockMemo, MIN_BLOCK_FILE_BYTES, scanJsonBlocks } from './json-blocks.js';
import { LineScanner, type LineHit } from './lines.js';
import { chunksOfBytes, linesOfChunks, readLines, type Line } from './read-lines.js';

/** A hit inside one file. */
export interface FileHit {
  /** 1-based line number. */
  line: number;
  kind: SecretKind;
  /** The line around the hit, every secret on it masked. */
  excerpt: string;
}

export interface FileScannerOptions {
  /** High-entropy check settings, or false to check known formats only. */
  entropy?: EntropyOptions | false;
  /** Longest piece of a line looked at at once (default 1 MiB). */
  maxLineChars?: number;
  /**
   * Largest file read whole (the bundle reader's limit for whole-file reads): a larger JSON file
   * is streamed line by line instead, as scanBundle does when readBytes refuses it.
   */
  maxTextBytes?: number;
}

export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

export class FileScanner {
  private readonly blocks = new BlockMemo();
  /** Reused to read large JSON files whole. */
  private scratchBuffer = Buffer.allocUnsafeSlow(0);
  private readonly entropy: EntropyOptions | false;
  private readonly maxLineChars: number;
  private readonly maxTextBytes: number;

  constructor(options: FileScannerOptions = {}) {
    this.entropy = options.entropy ?? DEFAULT_ENTROPY;
    this.maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
    this.maxTextBytes = options.maxTextBytes ?? DEFAULT_LIMITS.maxTextBytes;
  }

  /** Whether the file is read whole and scanned block by block (a large JSON file). */
  readsWhole(path: string, size: number): boolean {
    return path.endsWith('.json') && size >= MIN_BLOCK_FILE_BYTES && size <= this.maxTextBytes;
  }

  /** A buffer of at least `size` bytes to read a file into; valid until the next call. */
  scratch(size: number): Buffer {
    if (size > this.scratchBuffer.length) this.scratchBuffer = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.scratchBuffer.length));
    return this.scratchBuffer;
  }

  /**
   * Hits of a large JSON file read whole, at most `limit`; undefined when the bytes are not
   * plainly a JSON object (the file is then scanned line by line, from the start).
   */
  scanJson(bytes: Buffer, limit: number): FileHit[] | undefined {
    const found: FileHit[] = [];
    const sink = (line: number, hit: LineHit): boolean => {
      found.push({ line, kind: hit.kind, excerpt: hit.excerpt });
      return found.length < limit;
    };
    return scanJsonBlocks(bytes, this.lineScanner(), this.blocks, this.maxLineChars, sink) ? found : undefined;
  }

  /** Hits of a file whose bytes are all in memory, at most `limit`: the hits scanBundle finds in it. */
  scanBytes(path: string, bytes: Buffer, limit: number): FileHit[] {
    if (this.readsWhole(path, bytes.length)) {
      const found = this.scanJson(bytes, limit);
      if (found) return found;
    }
    return this.scanChunks(chunksOfBytes(bytes), limit);
  }

  /** Hits of a file read synchronously in chunks, line by line, at most `limit`. */
  scanChunks(chunks: Iterable<Buffer>, limit: number): FileHit[] {
    const scanner = this.lineScanner();
    const found: FileHit[] = [];
    for (const lines of linesOfChunks(chunks, this.maxLineChars)) {
      if (scanLines(scanner, lines, found, limit)) break;
    }
    return found;
  }

  /** Hits of a file streamed line by line, at most `limit`. Errors of the stream are thrown as they are. */
  async scanStream(stream: Readable, limit: number): Promise<FileHit[]> {
    const scanner = this.lineScanner();
    const found: FileHit[] = [];
    for await (const lines of readLines(stream, this.maxLineChars)) {
      if (scanLines(scanner, lines, found, limit)) break;
    }
    return found;
  }

  /** A fresh line scanner: the multi-line state starts over with every file. */
  private lineScanner(): LineScanner {
    return new LineScanner({ entropy: this.entropy });
  }
}

/** Scans a batch of lines into `found`; true once it holds `limit` hits. */
function scanLines(scanner: LineScanner, lines: readonly Line[], found: FileHit[], limit: number): boolean {
  for (const line of lines) {
    for (const hit of scanner.scanLine(line.text)) {
      found.push({ line: line.number, kind: hit.kind, excerpt: hit.excerpt });
      if (found.length >= limit) return true;
    }
  }
  return false;
}
