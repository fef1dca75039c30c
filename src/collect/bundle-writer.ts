/**
 * Writes the bundle archive (tar.gz or zip, archiver 8) under one top folder, to
 * `<output>.tmp-<random>` first and renamed to `<output>` only once complete, so the final name
 * never holds a corrupt file. discard() removes the temporary file (second Ctrl-C, fatal error).
 * In a tar.gz, an artifact whose bytes (by the sha256 the caller computed for the manifest) equal
 * an earlier one's is stored once: as a tar hard-link entry naming the first copy, which `tar -xzf`
 * and our reader both turn back into a file. istiod's per-ztunnel config dumps are usually
 * identical, and were about half of a large bundle's bytes. Zip has no such entry: full copies.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createGzip, type Gzip } from 'node:zlib';
import { TarArchive, ZipArchive, type Archiver } from 'archiver';
import type { FileHit } from '../scan/file-scan.js';
import type { OutputScan } from './output-scan.js';

export type ArchiveFormat = 'tar.gz' | 'zip';

export interface BundleWriterOptions {
  output: string;
  format: ArchiveFormat;
  /** e.g. "ztunnel-bundle-2026-11-25T09-30-00Z"; every entry goes under it. */
  topFolder: string;
  /** Entry timestamps; the collection start, so a bundle's entries share one date. */
  date: Date;
  /** Sees every entry as it is handed to the archive (collect's leak scan of what it writes). */
  scan?: OutputScan;
}

export function formatForOutput(output: string): ArchiveFormat {
  return output.toLowerCase().endsWith('.zip') ? 'zip' : 'tar.gz';
}

/**
 * Uncompressed bytes that may wait for compression before waitForRoom() holds the caller back.
 * archiver accepts entries without backpressure, so when the cluster answers faster than gzip
 * compresses, every response would otherwise pile up in memory (a 1,000-node bundle is ~15 GB).
 */
export const DEFAULT_MAX_BACKLOG_BYTES = 64 * 1024 ** 2;

/** What the caller knows of an entry's content: the sha256 lets an identical later entry be a link. */
export interface EntryContent {
  /** Hex sha256 of the bytes, as recorded in the manifest; without it the entry is always a copy. */
  sha256?: string;
  /** The leak scan's hits in these bytes, when the producer scanned them (for options.scan). */
  hits?: readonly FileHit[];
}

/** archiver hands the entry data to tar-stream as the header; its types leave out hard links. */
type LinkEntryData = { name: string; type: 'link'; linkname: string; date: Date; mode: number };

export class BundleWriter {
  readonly tempPath: string;
  private readonly archive: Archiver;
  private readonly out: WriteStream;
  private readonly written: Promise<void>;
  private state = 'open' as 'open' | 'finished' | 'discarded';
  /** tar.gz only: our own gzip stage, so the bytes it has consumed can be counted. */
  private readonly gzip: Gzip | undefined;
  private appendedBytes = 0;
  /** zip only: bytes of entries archiver has processed, in the order they were appended. */
  private processedBytes = 0;
  private readonly pendingSizes: number[] = [];
  private waiters: (() => void)[] = [];
  private readonly maxBacklogBytes: number;
  /** tar.gz only: sha256 -> full entry name of the first entry with those bytes. */
  private readonly firstCopies: Map<string, string> | undefined;

  constructor(private readonly options: BundleWriterOptions & { maxBacklogBytes?: number }) {
    this.tempPath = `${options.output}.tmp-${randomBytes(6).toString('hex')}`;
    this.maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
    // Same bytes as TarArchive({ gzip: true }), which pipes its tar stream through zlib.createGzip().
    this.archive = options.format === 'zip' ? new ZipArchive({ zlib: { level: 6 } }) : new TarArchive({ gzip: false });
    this.gzip = options.format === 'zip' ? undefined : createGzip();
    this.firstCopies = options.format === 'zip' ? undefined : new Map();
    this.out = createWriteStream(this.tempPath, { mode: 0o600, flags: 'wx' });
    this.written = new Promise<void>((resolve, reject) => {
      this.out.on('close', resolve);
      this.out.on('error', reject);
      this.archive.on('error', reject);
      this.gzip?.on('error', reject);
    });
    this.written.catch(() => {});
    // Whatever ends the writing (done, failed, discarded) must not leave a task waiting for room.
    this.written.finally(() => this.wake(true)).catch(() => {});
    if (this.gzip) {
      this.gzip.on('data', () => this.wake(false));
      this.archive.pipe(this.gzip).pipe(this.out);
    } else {
      this.archive.on('entry', () => {
        this.processedBytes += this.pendingSizes.shift() ?? 0;
        this.wake(false);
      });
      this.archive.pipe(this.out);
    }
  }

  /** Returns 'link' when the entry was stored as a hard link to an earlier identical one. */
  addBuffer(path: string, data: Buffer | string, content: EntryContent = {}): 'copy' | 'link' {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const stored = this.addLinkIfSeen(path, bytes, content.sha256) ? 'link' : 'copy';
    if (stored === 'copy') {
      this.queued(bytes);
      this.archive.append(data, { name: this.entryName(path), date: this.options.date, mode: 0o644 });
    }
    this.options.scan?.add(path, { data }, { ...content, stored });
    return stored;
  }

  /**
   * The file is read when archiver reaches it; keep it on disk until finish() returns. `bytes` is
   * its size, for the backlog; a file stored as a link is never read.
   */
  addFile(path: string, file: string, content: EntryContent & { bytes?: number } = {}): 'copy' | 'link' {
    const bytes = content.bytes ?? 0;
    const stored = this.addLinkIfSeen(path, bytes, content.sha256) ? 'link' : 'copy';
    if (stored === 'copy') {
      this.queued(bytes);
      this.archive.append(createReadStream(file), { name: this.entryName(path), date: this.options.date, mode: 0o644 });
    }
    this.options.scan?.add(path, { file, bytes }, { ...content, stored });
    return stored;
  }

  /**
   * tar.gz: appends a hard-link entry when an earlier entry had these exact bytes, else remembers
   * this one as their first copy. Empty files stay copies: a link would save nothing. The link's
   * name is the target's full entry name, top folder included, as GNU tar writes and expects it.
   */
  private addLinkIfSeen(path: string, bytes: number, sha256: string | undefined): boolean {
    if (!this.firstCopies || sha256 === undefined || bytes === 0) return false;
    const first = this.firstCopies.get(sha256);
    if (!first) {
      this.firstCopies.set(sha256, this.entryName(path));
      return false;
    }
    // A header with no data: nothing waits for compression, so the backlog is unchanged.
    const link: LinkEntryData = { name: this.entryName(path), type: 'link', linkname: first, date: this.options.date, mode: 0o644 };
    this.archive.append(Buffer.alloc(0), link as unknown as Parameters<Archiver['append']>[1]);
    return true;
  }

  /** Uncompressed bytes handed to the archive and not yet compressed. */
  backlogBytes(): number {
    const consumed = this.gzip ? this.gzip.bytesWritten : this.processedBytes;
    return Math.max(0, this.appendedBytes - consumed);
  }

  /**
   * Resolves once the backlog is under the limit (at once if it is, or if writing has ended), and
   * so is the scan's (options.scan).
   */
  async waitForRoom(): Promise<void> {
    if (this.state === 'open' && this.backlogBytes() > this.maxBacklogBytes) await new Promise<void>((resolve) => this.waiters.push(resolve));
    await this.options.scan?.waitForRoom();
  }

  private queued(bytes: number): void {
    this.appendedBytes += bytes;
    if (!this.gzip) this.pendingSizes.push(bytes);
  }

  private wake(all: boolean): void {
    if (this.waiters.length === 0 || (!all && this.backlogBytes() > this.maxBacklogBytes)) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** Finishes the archive and renames it to the output name; returns the bytes written. */
  async finish(): Promise<number> {
    if (this.state !== 'open') throw new Error(`bundle writer already ${this.state}`);
    this.state = 'finished';
    await this.archive.finalize();
    await this.written;
    // A second Ctrl-C during finalize discards; the rename must not resurrect the file.
    if (this.state !== 'finished') throw new Error('bundle discarded while finishing');
    await rename(this.tempPath, this.options.output);
    return this.out.bytesWritten;
  }

  /** Stops writing and removes the temporary file; nothing is left under either name. */
  async discard(): Promise<void> {
    if (this.state === 'discarded') return;
    this.state = 'discarded';
    this.wake(true);
    try {
      this.archive.abort();
    } catch {
      // archiver 8 cannot unpipe an uncompressed tar engine (tar-stream has no unpipe); abort()
      // has already stopped its queues by then, and destroying the streams below ends the rest.
    }
    this.gzip?.destroy();
    // The file is opened asynchronously: wait for the stream to close, or rm could run before the open.
    const closed = this.out.closed ? Promise.resolve() : new Promise<void>((resolve) => this.out.once('close', () => resolve()));
    this.out.destroy();
    await closed;
    await rm(this.tempPath, { force: true });
  }

  private entryName(path: string): string {
    return `${this.options.topFolder}/${path}`;
  }
}
