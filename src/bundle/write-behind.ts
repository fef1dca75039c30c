/**
 * Writes extracted files on the thread pool while the next entries are read. Awaiting each
 * file's open, write and close before reading the next entry made extraction a chain of thread-pool
 * round trips (the main thread idle half the time on a 100-node bundle); with a few writes in
 * flight, inflating, writing and parsing overlap. Each write owns its buffer until it completes
 * (the buffers are then reused, once nothing else holds them), so memory stays bounded: at most
 * `maxInFlight` buffers are written while one more is filled, plus those held.
 *
 * A failed write is remembered and thrown by the next call (start, settle or drain): the
 * extraction then stops, and `abandon` waits for the writes still running before the caller
 * removes their directory.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { BundleError, errorText } from '../errors.js';

/** New files only (never an existing one), never through a symbolic link. */
export const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export interface WriteBehindOptions {
  maxInFlight?: number;
  /**
   * Buffers over SharedArrayBuffers, so that a worker thread can show them to the main thread
   * without copying (extract-worker.ts); such a buffer is reused only once every hold() on it is
   * released.
   */
  shared?: boolean;
}

export class WriteBehind {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly spare: Buffer[] = [];
  /** Uses of a buffer (its write, holds) not yet over, by its allocation; at 0 it is spare again. */
  private readonly uses = new Map<ArrayBufferLike, number>();
  private readonly maxInFlight: number;
  private readonly shared: boolean;
  private failure: unknown;

  constructor(options: WriteBehindOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 4;
    this.shared = options.shared ?? false;
  }

  /** A buffer of exactly `size` bytes to fill, then hand to start(); reuses a finished write's. */
  buffer(size: number): Buffer {
    const index = this.spare.findIndex((b) => b.length >= size);
    const found = index >= 0 ? this.spare.splice(index, 1)[0]! : this.allocate(size);
    return found.subarray(0, size);
  }

  /**
   * Keeps `data` (from buffer()) from being reused until the returned function is called, e.g.
   * while another thread reads it.
   */
  hold(data: Buffer): () => void {
    this.use(data.buffer, 1);
    let released = false;
    return () => {
      if (!released) this.use(data.buffer, -1);
      released = true;
    };
  }

  private allocate(size: number): Buffer {
    return this.shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafeSlow(size);
  }

  private use(allocation: ArrayBufferLike, delta: number): void {
    const left = (this.uses.get(allocation) ?? 0) + delta;
    if (left > 0) {
      this.uses.set(allocation, left);
      return;
    }
    this.uses.delete(allocation);
    // The whole allocation goes back, not the view (buffer() allocates unpooled buffers, each its
    // own ArrayBuffer): the next file may be larger.
    this.spare.push(Buffer.from(allocation));
  }

  /**
   * Starts writing `data` (from buffer()) to a new file at `absolute` (created exclusively, mode
   * 0600, never through a link), waiting first while `maxInFlight` writes are running.
   * `at` names the entry in a failure's message.
   */
  async start(absolute: string, data: Buffer, at: string): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.maxInFlight) {
      await Promise.race(this.inFlight.values());
      this.throwIfFailed();
    }
    this.use(data.buffer, 1);
    const write = writeFile(absolute, data, at).then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    ).finally(() => {
      this.inFlight.delete(absolute);
      this.use(data.buffer, -1);
    });
    this.inFlight.set(absolute, write);
  }

  /** Waits until the file at `absolute` (if being written) is complete, e.g. before linking to it. */
  async settle(absolute: string): Promise<void> {
    await this.inFlight.get(absolute);
    this.throwIfFailed();
  }

  /** Waits for every write; throws the first failure. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight.values());
    this.throwIfFailed();
  }

  /** Waits for every write, whatever their outcome (before their directory is removed). */
  async abandon(): Promise<void> {
    await Promise.all(this.inFlight.values());
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

async function writeFile(absolute: string, data: Buffer, at: string): Promise<void> {
  let handle;
  try {
    handle = await open(absolute, WRITE_FLAGS, 0o600);
    for (let written = 0; written < data.length; ) written += (await handle.write(data, written, data.length - written)).bytesWritten;
  } catch (err) {
    throw cannotExtract(at, err);
  } finally {
    await handle?.close().catch(() => {});
  }
}

/** The same as a write done here, with synchronous calls: for small files, where the round trips would cost more. */
export function writeWholeSync(absolute: string, data: Buffer, at: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(absolute, WRITE_FLAGS, 0o600);
    for (let written = 0; written < data.length; ) written += writeSync(fd, data, written, data.length - written);
  } catch (err) {
    throw cannotExtract(at, err);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The one-line error for a file or directory the extraction could not write. */
export function cannotExtract(at: string, err: unknown): BundleError {
  return new BundleError(at, `cannot extract: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`);
}
