/**
 * Safe extraction of an untrusted archive into a private temporary directory, shared by the tar
 * and zip readers (tar.ts, zip.ts), which only translate their entries into ArchiveEntry values.
 *
 * Why a temporary directory rather than memory: bundles hold config dumps and logs of hundreds of
 * megabytes, and rules stream the logs; on disk, memory stays bounded whatever the bundle size,
 * and the extracted tree is read by the same DirectoryBundle code as an unpacked bundle.
 * Why it is safe: the directory comes from mkdtemp (mode 0700, a fresh random name); every entry
 * name is checked before anything is written (no absolute paths, drive letters, backslashes or
 * '..'), only regular files and directories are accepted (never symbolic links or devices, so no
 * path inside the directory can lead out of it), files are created with O_EXCL|O_NOFOLLOW, and bytes
 * are counted as they are inflated, so a bomb stops at the first chunk past a limit. The one link
 * accepted is a tar hard link whose target is a regular file an EARLIER entry of the same archive
 * put in the directory (collect stores identical files once that way): it is materialised as a
 * link to, or a copy of, that extracted file, so it can only ever name bytes the archive itself
 * supplied; it counts as an entry, and its target's size counts again toward the total (readers
 * will read it again). A link to anything else (absent, later, a directory, itself, another link,
 * outside the top folder, absolute or with '..') is refused. Duplicate entries
 * are refused rather than "later wins": a bundle never needs them, and two versions of one file
 * are a classic way to show different content to different tools. The directory's life (removed
 * on failure, on close(), or at exit) is open-archive.ts's concern.
 */
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BundleError, errorText } from '../errors.js';
import { BUNDLE_TOP_LEVEL } from './directory.js';
import { cannotExtract, WRITE_FLAGS, WriteBehind, writeWholeSync } from './write-behind.js';
import { ByteCap, formatBytes, formatBytesPair } from './limits.js';
import type { BundleLimits } from './source.js';

export type EntryKind =
  | 'file'
  | 'directory'
  | 'symlink'
  | 'hardlink'
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'socket'
  | 'unknown';

/** One archive member, as the format readers describe it. */
export interface ArchiveEntry {
  /** The name exactly as stored in the archive. */
  name: string;
  kind: EntryKind;
  /** What the archive header claims; used for an early refusal only, never trusted for the cap. */
  declaredSize?: number;
  /**
   * The content is exactly declaredSize bytes by construction (tar: the header's size is what the
   * reader hands over), so a small file can be buffered in bounded memory.
   */
  exactSize?: boolean;
  /** A hard link's target, the full entry name as stored (top folder included). */
  linkTarget?: string;
}

/**
 * Files up to this size with an exact declared size are buffered and written with synchronous
 * calls: three thread-pool round trips and a write stream per file made an archive of 100,000
 * tiny entries take about 40 s to extract; a sync open/write/close of a few KB costs microseconds.
 * Up to a few megabytes (a ztunnel config_dump of a 1,000-node cluster is about 6 MB) the one
 * buffer is still cheap, saves the write stream's round trips, and its bytes can be handed to
 * `onFile` (the analysis parses them while the rest of the archive is extracted).
 */
const BUFFERED_FILE_BYTES = 16 * 1024 * 1024;

/** Buffered files up to this size are written with synchronous calls (see writeBuffered). */
const SYNC_WRITE_BYTES = 64 * 1024;

const KIND_PROBLEMS: Record<Exclude<EntryKind, 'file' | 'directory' | 'hardlink'>, string> = {
  symlink: 'is a symbolic link',
  'character-device': 'is a character device',
  'block-device': 'is a block device',
  fifo: 'is a FIFO',
  socket: 'is a socket',
  unknown: 'has an unsupported entry type',
};


/**
 * Called, in archive order, with each regular file whose bytes extraction held in memory
 * (files up to BUFFERED_FILE_BYTES whose size the archive states exactly, i.e. tar entries), once
 * its write has begun. The buffer is reused once the write is done: copy what you keep (a string
 * decoded from it is a copy). It must not throw: it is an observer, given a chance to work on the
 * file while the rest of the archive is extracted; files it is not given (larger ones, zip
 * entries, hard links) are read from the bundle as usual. Extraction waits for a promise it
 * returns (extract-worker.ts: until the main thread has caught up). With `holdBuffers` (see
 * ExtractionTarget), `release` is given: the bytes then stay as they are until it is called.
 */
export type OnExtractedFile = (path: string, bytes: Buffer, release?: () => void) => void | Promise<void>;

/**
 * Where entries land: checks each one (name, type, top folder, duplicates, limits) and writes
 * regular files under the extraction directory, at their bundle path (top folder stripped).
 */
export class ExtractionTarget {
  /** Bundle path -> size, for every file written (hard links included). */
  readonly files = new Map<string, number>();
  /** Bundle paths that were hard-link entries: never the target of another link. */
  private readonly links = new Set<string>();
  /** Hard link -> the earlier bundle path it names (DirectoryBundle.sameFileAs). */
  readonly sameAs = new Map<string, string>();
  private readonly kinds = new Map<string, 'file' | 'directory'>();
  /** Absolute directories already created under the extraction directory. */
  private readonly madeDirs = new Set<string>();
  private readonly dir: string;
  private readonly archive: string;
  private readonly limits: BundleLimits;
  /** undefined until the first entry decides; null when entries sit directly at the archive root. */
  private topFolder: string | null | undefined;
  private entryCount = 0;
  private totalBytes = 0;
  private linkedBytes = 0;
  private readonly onFile: OnExtractedFile | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly writes: WriteBehind;
  private readonly holdBuffers: boolean;

  /**
   * `holdBuffers`: the buffers shown to onFile are shared memory (SharedArrayBuffer) and are not
   * reused before onFile's `release` is called, so that a worker thread can hand them to the main
   * thread without copying them (extract-worker.ts).
   */
  constructor(options: { dir: string; archive: string; limits: BundleLimits; onFile?: OnExtractedFile; signal?: AbortSignal; holdBuffers?: boolean }) {
    this.dir = options.dir;
    this.archive = options.archive;
    this.limits = options.limits;
    this.onFile = options.onFile;
    this.signal = options.signal;
    this.holdBuffers = options.holdBuffers ?? false;
    this.writes = new WriteBehind({ shared: this.holdBuffers });
  }

  /** Checks and places one entry; `content` is only opened for a regular file that passed every check. */
  async add(entry: ArchiveEntry, content: () => Readable): Promise<void> {
    if (this.signal?.aborted) throw new BundleError(this.archive, 'extraction stopped: the bundle is no longer needed');
    this.entryCount++;
    if (this.entryCount > this.limits.maxEntries) {
      throw new BundleError(this.archive, `holds more than ${this.limits.maxEntries} entries, over the limit`);
    }
    const at = entryLocation(this.archive, entry.name);
    const segments = entryNameSegments(entry.name, at);
    if (entry.kind === 'hardlink') {
      await this.addHardLink(segments, entry.linkTarget, at);
      return;
    }
    if (entry.kind !== 'file' && entry.kind !== 'directory') {
      throw new BundleError(at, `${KIND_PROBLEMS[entry.kind]}; a bundle may hold only regular files and directories`);
    }
    if (segments.length === 0) {
      if (entry.kind === 'directory') return; // "./" alone: the archive root itself
      throw new BundleError(at, 'is a file without a name');
    }
    const path = this.bundlePath(segments, entry.kind, at);
    if (path === '') return; // the top folder's own entry
    this.claim(path, entry.kind, at);
    if (entry.kind === 'directory') {
      await this.mkdir(join(this.dir, ...path.split('/')), at);
      return;
    }
    if (entry.declaredSize !== undefined && entry.declaredSize > this.limits.maxFileBytes) {
      const [claimed, limit] = formatBytesPair(entry.declaredSize, this.limits.maxFileBytes);
      throw new BundleError(at, `declares ${claimed}, over the ${limit} per-file limit`);
    }
    const buffered = entry.exactSize === true && entry.declaredSize !== undefined && entry.declaredSize <= BUFFERED_FILE_BYTES;
    if (!buffered) {
      this.files.set(path, await this.write(path, content, at));
      return;
    }
    const onFile = this.onFile;
    await this.writeBuffered(path, content, entry.declaredSize!, at, onFile && ((bytes) => (this.holdBuffers ? onFile(path, bytes, this.writes.hold(bytes)) : onFile(path, bytes))));
    this.files.set(path, entry.declaredSize!);
  }

  /**
   * A hard link: accepted only to a regular file an earlier entry extracted, and placed as a link
   * to that file (a copy where the file system refuses links). Its target's size counts toward a
   * budget of its own, as large as the total limit: links take no room on disk (copies at most
   * double it), and readers that know the file (sameFileAs) do not read it twice, so counting them
   * in the total would refuse a 1,000-node bundle whose istiod dumps are all one file; but names
   * for the same bytes still cannot multiply without bound.
   */
  private async addHardLink(segments: string[], linkTarget: string | undefined, at: string): Promise<void> {
    if (segments.length === 0) throw new BundleError(at, 'is a hard link without a name');
    const path = this.bundlePath(segments, 'file', at);
    if (linkTarget === undefined || linkTarget === '') throw new BundleError(at, 'is a hard link without a target');
    const target = this.linkTargetPath(linkTarget, at);
    if (target === path) throw new BundleError(at, 'is a hard link to itself');
    const shown = `"${displayName(linkTarget)}"`;
    if (this.kinds.get(target) === 'directory') throw new BundleError(at, `is a hard link to ${shown}, which is a directory`);
    if (this.links.has(target)) throw new BundleError(at, `is a hard link to ${shown}, which is itself a hard link (links must name the first copy)`);
    const size = this.files.get(target);
    if (size === undefined) throw new BundleError(at, `is a hard link to ${shown}, which no earlier entry of the archive holds as a regular file`);
    this.claim(path, 'file', at);
    this.countLinked(size, at);
    const absolute = join(this.dir, ...path.split('/'));
    await this.mkdir(dirname(absolute), at);
    const source = join(this.dir, ...target.split('/'));
    await this.writes.settle(source);
    try {
      await link(source, absolute);
    } catch {
      // Some file systems (FAT, certain network mounts) have no hard links: a copy reads the same.
      try {
        await copyFile(source, absolute, constants.COPYFILE_EXCL);
      } catch (err) {
        throw cannotExtract(at, err);
      }
    }
    this.links.add(path);
    this.sameAs.set(path, target);
    this.files.set(path, size);
  }

  /** The bundle path a hard link names, under the same name checks and top-folder rule as any entry. */
  private linkTargetPath(linkTarget: string, at: string): string {
    const shown = `"${displayName(linkTarget)}"`;
    let segments: string[];
    try {
      segments = entryNameSegments(linkTarget, at);
    } catch (err) {
      // "is an absolute path" would describe the link entry itself; say it is about the target.
      const problem = err instanceof BundleError ? err.problem : errorText(err);
      throw new BundleError(at, `is a hard link to ${shown}: the target ${problem}`);
    }
    if (this.topFolder === null) return segments.join('/');
    if (segments[0] !== this.topFolder || segments.length === 1) {
      throw new BundleError(at, `is a hard link to ${shown}, outside the archive's top folder "${this.topFolder}/"`);
    }
    return segments.slice(1).join('/');
  }

  /** Applies the single-top-folder rule and returns the path relative to the bundle root. */
  private bundlePath(segments: string[], kind: 'file' | 'directory', at: string): string {
    if (this.topFolder === undefined) {
      // The first entry decides: a file at the root, or a bundle name such as cluster/ or
      // manifest.json, means an archive made without a top folder.
      const first = segments[0]!;
      const rootless = (segments.length === 1 && kind === 'file') || BUNDLE_TOP_LEVEL.has(first);
      this.topFolder = rootless ? null : first;
    }
    if (this.topFolder === null) return segments.join('/');
    if (segments[0] !== this.topFolder || (segments.length === 1 && kind === 'file')) {
      throw new BundleError(at, `is outside the archive's top folder "${this.topFolder}/"`);
    }
    return segments.slice(1).join('/');
  }

  /** Refuses duplicates and file/directory clashes (a file "a" and an entry "a/b"). */
  private claim(path: string, kind: 'file' | 'directory', at: string): void {
    const existing = this.kinds.get(path);
    if (existing === 'file') throw new BundleError(at, 'duplicate entry: an earlier entry has the same path');
    if (existing === 'directory' && kind === 'file') throw new BundleError(at, 'is a file, but an earlier entry made it a directory');
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (this.kinds.get(parent) === 'file') throw new BundleError(at, `is inside "${parent}", which an earlier entry made a file`);
      this.kinds.set(parent, 'directory');
    }
    this.kinds.set(path, kind);
  }

  private async mkdir(absolute: string, at: string): Promise<void> {
    // Remembered, because a recursive mkdir of an existing directory still costs syscalls and an
    // internal EEXIST error: with 100,000 small files in one folder that was most of the extraction time.
    if (this.madeDirs.has(absolute)) return;
    try {
      await mkdir(absolute, { recursive: true, mode: 0o700 });
      this.madeDirs.add(absolute);
    } catch (err) {
      throw cannotExtract(at, err);
    }
  }

  /** Streams one file to disk through the per-file and whole-archive byte caps; returns its size. */
  private async write(path: string, openContent: () => Readable, at: string): Promise<number> {
    const absolute = join(this.dir, ...path.split('/'));
    await this.mkdir(dirname(absolute), at);
    let handle;
    try {
      handle = await open(absolute, WRITE_FLAGS, 0o600);
    } catch (err) {
      throw cannotExtract(at, err);
    }
    // Opened only now, right before the pipeline takes it: a stream that starts flowing (zip
    // entries do) must not end or fail while nobody listens.
    const content = openContent();
    const cap = new ByteCap(
      this.limits.maxFileBytes,
      () => new BundleError(at, `expands past the ${formatBytes(this.limits.maxFileBytes)} per-file limit`),
      (n) => this.countTotal(n, at),
    );
    try {
      await pipeline(content, cap, handle.createWriteStream());
    } catch (err) {
      if (err instanceof BundleError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      // Write failures (disk full) are ours to report as such; anything else is the archive's.
      if (code && /^E[A-Z]+$/.test(code)) throw new BundleError(at, `cannot extract: ${code}`);
      throw err;
    } finally {
      await handle.close().catch(() => {});
    }
    return cap.bytes;
  }

  /**
   * A file of known, bounded size: its bytes gathered in memory (under the same caps), then
   * written, and shown to `observe` (onFile). Small files are written with synchronous calls (the
   * thread-pool round trips would cost more than the write); larger ones on the thread pool, while
   * the next entries are read (write-behind.ts).
   */
  private async writeBuffered(path: string, openContent: () => Readable, size: number, at: string, observe?: (bytes: Buffer) => void | Promise<void>): Promise<void> {
    const absolute = join(this.dir, ...path.split('/'));
    await this.mkdir(dirname(absolute), at);
    const data = this.writes.buffer(size);
    let received = 0;
    for await (const chunk of openContent() as AsyncIterable<Buffer>) {
      if (received + chunk.length > size) throw new BundleError(at, `holds more bytes than the ${size} its header declares`);
      this.countTotal(chunk.length, at);
      chunk.copy(data, received);
      received += chunk.length;
    }
    // The stream can end early when the archive is cut inside this entry.
    if (received !== size) throw new Error('unexpected end of archive inside this entry');
    if (size <= SYNC_WRITE_BYTES) writeWholeSync(absolute, data, at);
    else await this.writes.start(absolute, data, at);
    await observe?.(data);
  }

  /** Waits for the files still being written; throws if one could not be. */
  async finish(): Promise<void> {
    await this.writes.drain();
  }

  /** Waits for the writes still running, whatever their outcome, before the directory is removed. */
  async abandon(): Promise<void> {
    await this.writes.abandon();
  }

  private countTotal(bytes: number, at: string): void {
    this.totalBytes += bytes;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      throw new BundleError(at, `the archive expands past the ${formatBytes(this.limits.maxTotalBytes)} limit for a whole bundle`);
    }
  }

  private countLinked(bytes: number, at: string): void {
    this.linkedBytes += bytes;
    if (this.linkedBytes > this.limits.maxTotalBytes) {
      throw new BundleError(at, `the archive's hard links name more than ${formatBytes(this.limits.maxTotalBytes)} in all, over the limit for a whole bundle`);
    }
  }
}

/** Splits an entry name into safe segments, or refuses it. Empty and "." segments are dropped. */
export function entryNameSegments(name: string, at: string): string[] {
  if (name.includes('\0')) throw new BundleError(at, 'has a NUL byte in its name');
  // eslint-disable-next-line no-control-regex
  if (/[\x01-\x1f\x7f]/.test(name)) throw new BundleError(at, 'has control characters in its name');
  if (name.includes('\\')) throw new BundleError(at, 'has a backslash in its name (a Windows path)');
  if (/^[A-Za-z]:/.test(name)) throw new BundleError(at, 'is a Windows drive path');
  if (name.startsWith('/')) throw new BundleError(at, 'is an absolute path');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new BundleError(at, "has a '..' segment, which would leave the bundle");
  return segments;
}

/** "<archive>: <entry>", the `file` of every BundleError about one entry. */
export function entryLocation(archive: string, name: string): string {
  return `${archive}: ${displayName(name)}`;
}

/** An entry name made safe for a one-line message: control characters escaped, length capped. */
function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = name.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
