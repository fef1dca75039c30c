/**
 * Writes the bundle archive (tar.gz or zip, archiver 8) under one top folder, to
 * `<output>.tmp-<random>` first and renamed to `<output>` only once complete, so the final name
 * never holds a corrupt file. discard() removes the temporary file (second Ctrl-C, fatal error).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { TarArchive, ZipArchive, type Archiver } from 'archiver';

export type ArchiveFormat = 'tar.gz' | 'zip';

export interface BundleWriterOptions {
  output: string;
  format: ArchiveFormat;
  /** e.g. "ztunnel-bundle-2026-11-25T09-30-00Z"; every entry goes under it. */
  topFolder: string;
  /** Entry timestamps; the collection start, so a bundle's entries share one date. */
  date: Date;
}

export function formatForOutput(output: string): ArchiveFormat {
  return output.toLowerCase().endsWith('.zip') ? 'zip' : 'tar.gz';
}

export class BundleWriter {
  readonly tempPath: string;
  private readonly archive: Archiver;
  private readonly out: WriteStream;
  private readonly written: Promise<void>;
  private state = 'open' as 'open' | 'finished' | 'discarded';

  constructor(private readonly options: BundleWriterOptions) {
    this.tempPath = `${options.output}.tmp-${randomBytes(6).toString('hex')}`;
    this.archive = options.format === 'zip' ? new ZipArchive({ zlib: { level: 6 } }) : new TarArchive({ gzip: true });
    this.out = createWriteStream(this.tempPath, { mode: 0o600, flags: 'wx' });
    this.written = new Promise<void>((resolve, reject) => {
      this.out.on('close', resolve);
      this.out.on('error', reject);
      this.archive.on('error', reject);
    });
    this.written.catch(() => {});
    this.archive.pipe(this.out);
  }

  addBuffer(path: string, data: Buffer | string): void {
    this.archive.append(data, { name: this.entryName(path), date: this.options.date, mode: 0o644 });
  }

  /** The file is read when archiver reaches it; keep it on disk until finish() returns. */
  addFile(path: string, file: string): void {
    this.archive.append(createReadStream(file), { name: this.entryName(path), date: this.options.date, mode: 0o644 });
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
    return this.archive.pointer();
  }

  /** Stops writing and removes the temporary file; nothing is left under either name. */
  async discard(): Promise<void> {
    if (this.state === 'discarded') return;
    this.state = 'discarded';
    this.archive.abort();
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
