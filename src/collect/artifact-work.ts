/**
 * The CPU-heavy work on one artifact, done on a worker thread (redact-pool.ts) or, where no worker
 * runs, on the calling thread with the same result: redaction of a large body and the leak scan
 * of the bytes that go into the archive (the redacted ones), or the scan of a log spool file.
 * Scanning right where the final bytes are made spares collect re-reading its own archive to scan
 * it afterwards. One FileScanner per thread, so the blocks every ztunnel's config dump repeats
 * are scanned once per thread.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { redactBody, type RedactionCounts } from '../redact/index.js';
import { FileScanner, type FileHit } from '../scan/file-scan.js';
import { FILE_CHUNK_BYTES } from '../scan/read-lines.js';
import { DEFAULT_MAX_HITS } from '../scan/scan.js';

/** A large body to finish: redacted when `redact`, scanned under `scanPath` when given. */
export interface BodyJob {
  body: Buffer;
  redact: boolean;
  /** The artifact's bundle path (it picks the scan's route); no scan without it. */
  scanPath?: string;
  /** Whether to hash the final bytes (the manifest's sha256). */
  hash?: boolean;
  /** Largest file the bundle reader reads whole (its maxTextBytes): the scan's route depends on it. */
  maxTextBytes: number;
}

/** A finished body: `text` only when redaction changed something; `hits` when it was scanned. */
export interface BodyResult {
  text?: string;
  counts: RedactionCounts;
  hits?: FileHit[];
  /** Hex sha256 of the final bytes (the text when there is one, else the body), when asked. */
  sha256?: string;
}

/** A file on disk (a log spool file) to scan under its bundle path. */
export interface FileJob {
  file: string;
  scanPath: string;
  maxTextBytes: number;
}

const scanners = new Map<number, FileScanner>();

/** This thread's scanner for one maxTextBytes (the same in every job of a collection). */
function scannerFor(maxTextBytes: number): FileScanner {
  let scanner = scanners.get(maxTextBytes);
  if (!scanner) scanners.set(maxTextBytes, (scanner = new FileScanner({ maxTextBytes })));
  return scanner;
}

export function finishBody(job: BodyJob): BodyResult {
  const redacted: BodyResult = job.redact ? redactBody(job.body) : { counts: {} };
  if (job.scanPath === undefined && !job.hash) return redacted;
  const final = redacted.text === undefined ? job.body : Buffer.from(redacted.text);
  return {
    ...redacted,
    ...(job.scanPath === undefined ? {} : { hits: scanBytes(job.scanPath, final, job.maxTextBytes) }),
    ...(job.hash ? { sha256: createHash('sha256').update(final).digest('hex') } : {}),
  };
}

/** The hits scanBundle would find in a bundle file of these bytes at this path. */
export function scanBytes(scanPath: string, bytes: Buffer, maxTextBytes: number): FileHit[] {
  return scannerFor(maxTextBytes).scanBytes(scanPath, bytes, DEFAULT_MAX_HITS);
}

/** The hits scanBundle would find in a bundle file with this file's bytes; synchronous reads. */
export function scanFile(job: FileJob): FileHit[] {
  const scanner = scannerFor(job.maxTextBytes);
  const fd = openSync(job.file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (scanner.readsWhole(job.scanPath, size)) {
      const bytes = readAll(fd, scanner.scratch(size), size);
      const found = scanner.scanJson(bytes, DEFAULT_MAX_HITS);
      if (found) return found;
    }
    return scanner.scanChunks(chunksOf(fd), DEFAULT_MAX_HITS);
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, into: Buffer, size: number): Buffer {
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, into, filled, size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return into.subarray(0, filled);
}

/** The file in the chunks a file stream reads. */
function* chunksOf(fd: number): Generator<Buffer> {
  const buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
  for (let position = 0; ; ) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) return;
    position += n;
    yield buffer.subarray(0, n);
  }
}
