/**
 * Reads a .zip bundle through its central directory (unzipper's Open.file) and hands each entry
 * to an ExtractionTarget (archive.ts), which checks and writes it.
 *
 * unzipper builds its whole entry list before we see any of it, trusting the record count in the
 * end-of-central-directory record, so that count is checked here first, by the same rule unzipper
 * uses to find the record (the first signature in the file's last ZIP_TAIL bytes). Entry types
 * come from the Unix mode in the external attributes, whatever the "made by" host claims, so a
 * symlink cannot pass as a regular file. Every file's CRC-32 is checked, which unzipper skips.
 */
import { open } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import unzipper from 'unzipper';
import { BundleError, errorText } from '../errors.js';
import { entryLocation, type EntryKind, type ExtractionTarget } from './archive.js';
import type { BundleLimits } from './source.js';

/** How much of the file's end is searched for the end-of-central-directory record. */
const ZIP_TAIL = 1024;
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;

const MODE_KINDS: Record<number, EntryKind> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'symlink',
  0o020000: 'character-device',
  0o060000: 'block-device',
  0o010000: 'fifo',
  0o140000: 'socket',
};

const STORED = 0;
const DEFLATED = 8;

export interface ReadZipOptions {
  file: string;
  /** The archive path as the user typed it, for messages. */
  archive: string;
  limits: BundleLimits;
}

export async function readZip(options: ReadZipOptions, target: ExtractionTarget): Promise<void> {
  const tailSize = await checkEntryCount(options);
  let directory: unzipper.CentralDirectory;
  try {
    directory = await openCentralDirectory(options.file, { tailSize });
  } catch (err) {
    throw new BundleError(options.archive, `truncated or corrupt archive: ${errorText(err)}`);
  }
  if (directory.files.length > options.limits.maxEntries) throw tooMany(options);
  for (const file of directory.files) {
    const at = entryLocation(options.archive, file.path);
    if (file.flags & 0x1) throw new BundleError(at, 'is encrypted; bundles must not be');
    const kind = entryKind(file);
    if (kind === 'file' && file.compressionMethod !== STORED && file.compressionMethod !== DEFLATED) {
      throw new BundleError(at, `uses compression method ${file.compressionMethod}; only stored and deflate are supported`);
    }
    await target.add({ name: file.path, kind, declaredSize: file.uncompressedSize }, () => entryStream(file));
  }
}

/**
 * The entry's bytes behind a stream we control. unzipper re-emits inflate and read errors on its
 * entry stream with a bare emit(), possibly more than once and after a consumer has detached, which
 * would surface as an uncaught exception; a permanent listener turns the first into a normal
 * stream error and swallows the rest.
 */
function entryStream(file: unzipper.File): Readable {
  const raw = file.stream();
  const out = new CrcCheck(file);
  raw.on('error', (err: Error) => out.destroy(err));
  out.on('close', () => raw.unpipe(out));
  raw.pipe(out);
  return out;
}

/** Passes bytes through and fails at the end if their CRC-32 is not the one the directory records. */
class CrcCheck extends Transform {
  private crc = 0;

  constructor(private readonly file: unzipper.File) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // unzipper does not check the CRC, and a damaged deflate stream can still inflate to garbage.
    if (this.crc >>> 0 !== this.file.crc32 >>> 0) callback(new Error(`CRC mismatch in ${JSON.stringify(this.file.path)}`));
    else callback();
  }
}

// unzipper accepts options (tailSize among them) that its published types leave out.
const openCentralDirectory = unzipper.Open.file as (file: string, options: { tailSize: number }) => Promise<unzipper.CentralDirectory>;

function entryKind(file: unzipper.File): EntryKind {
  const mode = (file.externalFileAttributes >>> 16) & 0o170000;
  if (mode !== 0) return MODE_KINDS[mode] ?? 'unknown';
  return file.path.endsWith('/') ? 'directory' : 'file';
}

/**
 * Reads the entry count from the end-of-central-directory record (or its zip64 twin) and refuses
 * an archive that claims more than limits.maxEntries. Returns the tail size to give unzipper.
 */
async function checkEntryCount(options: ReadZipOptions): Promise<number> {
  const handle = await open(options.file, 'r');
  try {
    const size = (await handle.stat()).size;
    const tailSize = Math.min(size, ZIP_TAIL);
    const tail = await readAt(handle, size - tailSize, tailSize);
    const at = tail.indexOf(EOCD_SIGNATURE);
    if (at < 0 || at + 22 > tail.length) throw corrupt(options, 'no end of central directory record');
    const eocd = tail.subarray(at, at + 22);
    let records = eocd.readUInt16LE(10);
    const zip64 = eocd.readUInt16LE(4) === 0xffff || records === 0xffff || eocd.readUInt32LE(16) === 0xffffffff;
    if (zip64) {
      const locatorAt = size - tailSize + at - 20;
      if (locatorAt < 0) throw corrupt(options, 'zip64 locator missing');
      const locator = await readAt(handle, locatorAt, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw corrupt(options, 'bad zip64 locator');
      const recordAt = Number(locator.readBigUInt64LE(8));
      const record = await readAt(handle, recordAt, 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw corrupt(options, 'bad zip64 end of central directory');
      records = Number(record.readBigUInt64LE(32));
    }
    if (records > options.limits.maxEntries) throw tooMany(options);
    return tailSize;
  } finally {
    await handle.close();
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  if (!Number.isSafeInteger(position) || position < 0) return Buffer.alloc(0);
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function corrupt(options: ReadZipOptions, detail: string): BundleError {
  return new BundleError(options.archive, `truncated or corrupt archive: ${detail}`);
}

function tooMany(options: ReadZipOptions): BundleError {
  return new BundleError(options.archive, `holds more than ${options.limits.maxEntries} entries, over the limit`);
}
