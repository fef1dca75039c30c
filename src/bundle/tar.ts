/**
 * Reads a .tar.gz/.tgz (or plain .tar) bundle with tar-stream, one entry at a time, handing each
 * to an ExtractionTarget (archive.ts) that checks and writes it. Besides the per-file and total
 * caps the target applies to file contents, the raw tar stream coming out of gunzip is capped too:
 * tar-stream silently skips zero blocks and header-only records, so without that cap a small
 * .tar.gz of padding could inflate for ever. Hard-link entries (how collect stores a file identical
 * to an earlier one) are passed on with their target name; the target decides whether to accept them.
 */
import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import tarStream from 'tar-stream';
import { BundleError } from '../errors.js';
import type { EntryKind, ExtractionTarget } from './archive.js';
import { ByteCap, formatBytes } from './limits.js';
import type { BundleLimits } from './source.js';

/**
 * Bytes per read and per inflated chunk. zlib inflates on the thread pool, one chunk per round
 * trip; at the default 16 KiB the main thread mostly waits for those round trips (a 100-node bundle
 * took 2.2 s to extract, 0.9 s with 1 MiB chunks, the time `gzip -dc` takes). The caps still stop a
 * bomb within one chunk of its limit.
 */
const CHUNK_BYTES = 1024 * 1024;

/**
 * How far gunzip may inflate ahead of the entries being written and parsed: with one chunk, the
 * thread pool and the main thread took turns (the main thread idle half the extraction); with a
 * few chunks queued, inflating overlaps the main thread's work (onFile parsing, see archive.ts).
 */
const READ_AHEAD_BYTES = 8 * CHUNK_BYTES;

/** Room for headers and padding per entry: a header, a pax or GNU long-name record, and padding. */
const TAR_OVERHEAD_PER_ENTRY = 4096;

const KINDS: Record<string, EntryKind> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'character-device',
  'block-device': 'block-device',
  fifo: 'fifo',
};

export interface ReadTarOptions {
  file: string;
  gzip: boolean;
  /** The archive path as the user typed it, for messages. */
  archive: string;
  limits: BundleLimits;
}

export async function readTar(options: ReadTarOptions, target: ExtractionTarget): Promise<void> {
  const { limits } = options;
  // Plus two chunks: the raw stream runs up to a chunk ahead of the entries, and the entry caps,
  // which name the file, should be the ones to speak whenever they can.
  const rawLimit = limits.maxTotalBytes + (limits.maxEntries + 2) * TAR_OVERHEAD_PER_ENTRY + 2 * CHUNK_BYTES;
  const rawCap = new ByteCap(
    rawLimit,
    () => new BundleError(options.archive, `the archive expands past ${formatBytes(rawLimit)} (its ${formatBytes(limits.maxTotalBytes)} limit plus tar headers)`),
  );
  const extract = tarStream.extract();
  const stages: NodeJS.ReadWriteStream[] = options.gzip ? [createGunzip({ chunkSize: CHUNK_BYTES, readableHighWaterMark: READ_AHEAD_BYTES } as ZlibOptions), rawCap] : [rawCap];
  const done = pipeline([createReadStream(options.file, { highWaterMark: CHUNK_BYTES }), ...stages, extract]);
  // Observed below; this keeps an early failure from being reported as unhandled meanwhile.
  done.catch(() => {});
  try {
    for await (const entry of extract as AsyncIterable<Readable & { header: tarStream.Header }>) {
      const { header } = entry;
      const kind = KINDS[header.type ?? ''] ?? 'unknown';
      await target.add(
        { name: header.name, kind, declaredSize: header.size ?? 0, exactSize: true, ...(kind === 'hardlink' ? { linkTarget: header.linkname ?? '' } : {}) },
        () => liveEntry(entry),
      );
      entry.resume(); // directories carry no data, but the stream must still be drained
    }
  } catch (err) {
    extract.destroy();
    const pipelineError = await done.then(
      () => undefined,
      (e: unknown) => e,
    );
    // Prefer our own refusal (a cap, a bad entry) over the "premature close" it caused upstream.
    throw err instanceof BundleError || !(pipelineError instanceof BundleError) ? err : pipelineError;
  }
  await done;
}

/**
 * The entry, or a stream that fails at once if the archive already ended inside it: the target
 * opens content only after creating the file, and by then a truncated .tar.gz may have destroyed
 * the entry, which a pipeline would then wait on for ever (found by fuzzing).
 */
function liveEntry(entry: Readable): Readable {
  if (!entry.destroyed) return entry;
  const failed = new PassThrough();
  failed.destroy(new Error('unexpected end of archive inside this entry'));
  return failed;
}
