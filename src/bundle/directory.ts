/**
 * A bundle that is a directory on disk: either one the user gave us (an unpacked bundle, or a
 * folder assembled by hand) or the private directory an archive was extracted into. The file list
 * is taken once, when the bundle is opened; only regular files count, and symbolic links are never
 * followed, so a directory cannot make us read outside it. Hard-linked files are regular files and
 * are read like any other: `tar -xzf` of a bundle whose identical files are link entries, an
 * extraction directory (archive.ts) and a synthetic bundle (src/synth) all hold them.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { BundleError } from '../errors.js';
import { decodeText, tooBigForTextMessage } from './limits.js';
import { MANIFEST } from './paths.js';
import type { BundleLimits, BundleSource } from './source.js';

/** Names that only appear at the top of a bundle: seeing one means "this is the bundle's root". */
export const BUNDLE_TOP_LEVEL: ReadonlySet<string> = new Set([MANIFEST, 'cluster', 'ztunnel', 'istiod', 'cni']);

/** Files up to this size are read whole by openStream (see there). */
const WHOLE_READ_BYTES = 1024 * 1024;

// O_NOFOLLOW: the last path component must not be a link, even if one appeared after the scan.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;

export interface DirectoryBundleOptions {
  /** Absolute path of the bundle's top folder. */
  root: string;
  /** Bundle path -> size in bytes, for every regular file. */
  files: ReadonlyMap<string, number>;
  /** Bundle path -> an earlier bundle path that is the same file (hard links). */
  sameAs?: ReadonlyMap<string, string>;
  description: string;
  limits: BundleLimits;
  /** Runs once, on the first close(): e.g. removes an extraction directory. */
  onClose?: () => Promise<void>;
}

export class DirectoryBundle implements BundleSource {
  readonly description: string;
  private readonly root: string;
  private readonly files: ReadonlyMap<string, number>;
  private readonly sameAs: ReadonlyMap<string, string>;
  private readonly sorted: readonly string[];
  private readonly limits: BundleLimits;
  private onClose: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(options: DirectoryBundleOptions) {
    this.root = options.root;
    this.files = options.files;
    this.sameAs = options.sameAs ?? new Map();
    this.sorted = Object.freeze([...options.files.keys()].sort());
    this.description = options.description;
    this.limits = options.limits;
    this.onClose = options.onClose;
  }

  list(): readonly string[] {
    return this.sorted;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  size(path: string): number | undefined {
    return this.files.get(path);
  }

  sameFileAs(path: string): string | undefined {
    return this.sameAs.get(path);
  }

  async readText(path: string, options: { maxBytes?: number } = {}): Promise<string> {
    return decodeText(await this.readBytes(path, options));
  }

  async readBytes(path: string, options: { maxBytes?: number; scratch?: Buffer } = {}): Promise<Buffer> {
    const absolute = this.locate(path);
    const maxBytes = options.maxBytes ?? this.limits.maxTextBytes;
    const listedSize = this.files.get(path) ?? 0;
    if (listedSize > maxBytes) throw new BundleError(path, tooBigForTextMessage(listedSize, maxBytes));
    // Synchronous calls: a bundle's files are read one after the other and parsed at once, so the
    // main thread has nothing else to do meanwhile; three thread-pool round trips per file (open,
    // fstat, read) left it idle for 0.5 s of a 100-node analysis.
    let fd: number;
    try {
      fd = openSync(absolute, READ_FLAGS);
    } catch (err) {
      throw readError(path, err);
    }
    try {
      // The file may have changed since the scan: judge the size of what we actually opened.
      const stat = fstatSync(fd);
      if (!stat.isFile()) throw new BundleError(path, 'is no longer a regular file');
      if (stat.size > maxBytes) throw new BundleError(path, tooBigForTextMessage(stat.size, maxBytes));
      const { scratch } = options;
      return readUpTo(fd, scratch !== undefined && scratch.length >= stat.size ? scratch : Buffer.allocUnsafe(stat.size), stat.size);
    } catch (err) {
      throw readError(path, err);
    } finally {
      closeSync(fd);
    }
  }

  openStream(path: string): Readable {
    const absolute = this.locate(path);
    // Errors from fs become BundleErrors naming the bundle path, like everything else we throw.
    let fd: number;
    try {
      fd = openSync(absolute, READ_FLAGS);
    } catch (err) {
      throw readError(path, err);
    }
    // A small file (most logs of a bundle) is read at once, synchronously: a read stream costs
    // thread-pool round trips (open, reads, close) per file, with the main thread idle meanwhile.
    let size: number;
    try {
      size = fstatSync(fd).size;
    } catch (err) {
      closeSync(fd);
      throw readError(path, err);
    }
    if (size <= WHOLE_READ_BYTES) {
      try {
        const bytes = readUpTo(fd, Buffer.allocUnsafe(size), size);
        return Readable.from(bytes.length === 0 ? [] : [bytes], { objectMode: false });
      } catch (err) {
        throw readError(path, err);
      } finally {
        closeSync(fd);
      }
    }
    const out = new PassThrough();
    const file = createReadStream('', { fd });
    file.on('error', (err) => out.destroy(readError(path, err)));
    out.on('close', () => file.destroy());
    file.pipe(out);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const onClose = this.onClose;
    this.onClose = undefined;
    await onClose?.();
  }

  private locate(path: string): string {
    if (this.closed) throw new BundleError(path, `cannot read: the bundle ${this.description} was closed`);
    if (!this.files.has(path)) throw new BundleError(path, 'not in the bundle');
    return join(this.root, ...path.split('/'));
  }
}

/**
 * The first `size` bytes of an open file, read into `into`: to the end of what fstat saw (the file
 * may have grown since; a bundle's files do not change while read) or to an early end (it shrank).
 */
function readUpTo(fd: number, into: Buffer, size: number): Buffer {
  let filled = 0;
  while (filled < size) {
    const bytesRead = readSync(fd, into, filled, size - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return into.subarray(0, filled);
}

function readError(path: string, err: unknown): BundleError {
  if (err instanceof BundleError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP') return new BundleError(path, 'is a symbolic link, which bundles may not contain');
  return new BundleError(path, `cannot read: ${code ?? String(err)}`);
}

/**
 * The bundle's top folder inside `dir`: its only subdirectory when that is all it holds (a user
 * extracted the tarball into a folder), else `dir` itself. Hidden files (.DS_Store) do not count;
 * any other file does, so a hand-assembled folder with a config_dump.json and a logs/ folder stays
 * as it is.
 */
export async function findBundleRoot(dir: string): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const only = entries.length === 1 ? entries[0] : undefined;
  if (only && only.isDirectory() && !BUNDLE_TOP_LEVEL.has(only.name)) return join(dir, only.name);
  return dir;
}

/**
 * Every regular file under `root`, with its size, and which files are hard links of an earlier one
 * (same device and inode; "earlier" in sorted path order). Links, sockets and devices are left out
 * (never followed); the walk stops with a BundleError once it passes limits.maxEntries, so a
 * hostile tree cannot exhaust memory.
 */
export async function scanDirectory(
  root: string,
  options: { limits: BundleLimits; description: string },
): Promise<{ files: Map<string, number>; sameAs: Map<string, string> }> {
  const files = new Map<string, number>();
  const inodes = new Map<string, string[]>();
  let seen = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    let entries;
    try {
      entries = await readdir(join(root, relative), { withFileTypes: true });
    } catch (err) {
      throw new BundleError(relative || options.description, `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    for (const entry of entries) {
      seen++;
      if (seen > options.limits.maxEntries) {
        throw new BundleError(options.description, `holds more than ${options.limits.maxEntries} entries, over the limit`);
      }
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const info = await lstat(join(root, path), { bigint: true });
        files.set(path, Number(info.size));
        if (info.nlink > 1n) {
          const key = `${info.dev}:${info.ino}`;
          const group = inodes.get(key);
          if (group) group.push(path);
          else inodes.set(key, [path]);
        }
      }
    }
  }
  const sameAs = new Map<string, string>();
  for (const paths of inodes.values()) {
    const [first, ...others] = paths.sort();
    for (const other of others) sameAs.set(other, first!);
  }
  return { files, sameAs };
}
