/**
 * openArchive: extracts an untrusted archive into a private temporary directory (mkdtemp: mode
 * 0700, a fresh random name) and returns it as a DirectoryBundle that owns the directory. The
 * checks and writes of every entry are ExtractionTarget's (archive.ts, where the safety rules are
 * explained); extract.ts runs them here or on a worker thread. On any failure the directory is
 * removed before the error reaches the caller; close() removes it otherwise, and a process exit
 * hook removes any directory still open.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleError, errorText } from '../errors.js';
import type { OnExtractedFile } from './archive.js';
import { DirectoryBundle } from './directory.js';
import { extractHere, extractInWorker, extractWorkerAvailable, type ArchiveFormat, type ExtractHooks, type ExtractRequest } from './extract.js';
import type { BundleLimits } from './source.js';

/** Prefix of our extraction directories, so a leftover one is recognisable in /tmp. */
export const TEMP_PREFIX = 'ztunnel-bundle-';

export interface OpenArchiveOptions {
  /** The archive file to read. */
  file: string;
  /** The archive path as the user typed it: the bundle's description and the prefix of every message. */
  archive: string;
  format: ArchiveFormat;
  limits: BundleLimits;
  /** Parent of the private extraction directory (default: os.tmpdir()). */
  tempRoot?: string;
  /** See OnExtractedFile. */
  onFile?: OnExtractedFile;
  /** Stops the extraction at the next entry (the caller no longer wants the bundle). */
  signal?: AbortSignal;
  /** Extract on a worker thread (extract.ts); default: for archives of 4 MiB and more, when the worker script is there. */
  inWorker?: boolean;
}

/** Archives from this size on are extracted on a worker thread by default (a worker costs ~30 ms to start). */
const WORKER_MIN_ARCHIVE_BYTES = 4 * 1024 * 1024;

/** Extracts an archive and returns it as a bundle that owns (and on close removes) its directory. */
export async function openArchive(options: OpenArchiveOptions): Promise<DirectoryBundle> {
  const parent = options.tempRoot ?? tmpdir();
  let dir: string;
  try {
    dir = await mkdtemp(join(parent, TEMP_PREFIX));
  } catch (err) {
    throw new BundleError(parent, `cannot create a temporary directory to extract ${options.archive}: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`);
  }
  trackTempDir(dir);
  const remove = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    liveTempDirs.delete(dir);
  };
  const request: ExtractRequest = { file: options.file, archive: options.archive, format: options.format, limits: options.limits, dir };
  const hooks: ExtractHooks = {
    ...(options.onFile ? { onFile: options.onFile } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    const inWorker = options.inWorker ?? (extractWorkerAvailable() && (await stat(options.file)).size >= WORKER_MIN_ARCHIVE_BYTES);
    const { files, sameAs } = inWorker ? await extractInWorker(request, hooks) : await extractHere(request, hooks);
    return new DirectoryBundle({ root: dir, files, sameAs, description: options.archive, limits: options.limits, onClose: remove });
  } catch (err) {
    await remove();
    if (err instanceof BundleError) throw err;
    throw new BundleError(options.archive, `truncated or corrupt archive: ${oneLine(errorText(err))}`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const liveTempDirs = new Set<string>();
let exitHookInstalled = false;

/** Remembers an extraction directory so that an exit without close() still removes it. */
function trackTempDir(dir: string): void {
  liveTempDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const leftover of liveTempDirs) rmSync(leftover, { recursive: true, force: true });
  });
}
