/**
 * openBundle: the one entry point that turns a path typed by the user into a BundleSource. It
 * tells the kinds of bundle apart by what they are (a directory, or a file's magic bytes), not by
 * their extension, since bundles get renamed when they are attached to tickets.
 */
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BundleError } from '../errors.js';
import type { OnExtractedFile } from './archive.js';
import { openArchive } from './open-archive.js';
import type { ArchiveFormat } from './extract.js';
import { DirectoryBundle, findBundleRoot, scanDirectory } from './directory.js';
import { resolveLimits } from './limits.js';
import type { BundleLimits, BundleSource } from './source.js';

export interface OpenBundleOptions {
  /** Overrides of DEFAULT_LIMITS (source.ts). */
  limits?: Partial<BundleLimits>;
  /** Parent of the private directory an archive is extracted into (default: os.tmpdir()). */
  tempRoot?: string;
  /** Sees files of an archive as they are extracted (archive.ts); never called for a directory. */
  onFile?: OnExtractedFile;
  /** Stops extracting an archive early (the open then fails; a directory ignores it). */
  signal?: AbortSignal;
  /** Extract an archive on a worker thread (default: for large archives; see open-archive.ts). */
  inWorker?: boolean;
}


const NOT_A_BUNDLE = 'not a bundle: expected a directory, .tar.gz/.tgz or .zip';

/** Opens a bundle directory or archive. The caller must close() it (that removes extracted files). */
export async function openBundle(path: string, options: OpenBundleOptions = {}): Promise<BundleSource> {
  const limits = resolveLimits(options.limits);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleError(path, code === 'ENOENT' ? 'no such file or directory' : `cannot open: ${code ?? String(err)}`);
  }
  if (info.isDirectory()) {
    const root = await findBundleRoot(resolve(path));
    const { files, sameAs } = await scanDirectory(root, { limits, description: path });
    return new DirectoryBundle({ root, files, sameAs, description: path, limits });
  }
  const format = info.isFile() ? await sniffFormat(path) : undefined;
  if (format === undefined) throw new BundleError(path, NOT_A_BUNDLE);
  return openArchive({
    file: path,
    archive: path,
    format,
    limits,
    ...(options.tempRoot === undefined ? {} : { tempRoot: options.tempRoot }),
    ...(options.onFile === undefined ? {} : { onFile: options.onFile }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.inWorker === undefined ? {} : { inWorker: options.inWorker }),
  });
}

/** The archive format from the first bytes: gzip 1f 8b, zip "PK\3\4" (or an empty zip's "PK\5\6"), tar "ustar" at 257. */
async function sniffFormat(path: string): Promise<ArchiveFormat | undefined> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(512);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new BundleError(path, `cannot open: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return 'zip';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}
