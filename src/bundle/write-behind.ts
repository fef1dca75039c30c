/**
 * Writes extracted files on the thread pool while the next entries are read. Awaiting each
 * file's open, write and close before reading the next entry made extraction a chain of thread-pool
 * round trips (the main thread idle half the time on a 100-node bundle); with a few writes in
 * flight, inflating, writing and parsing overlap. Each write owns its buffer until it completes
 * (the buffers are then reused), so memory stays bounded: at most `maxInFlight` buffers are
 * written while one more is filled.
 *
 * A failed write is remembered and thrown by the next call (start, settle or drain): the
 * extraction then stops, and `abandon` waits for the writes still running before the caller
 * removes their directory.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BundleError, errorText } from '../errors.js';

/** New files only (never an existing one), never through a symbolic link. */
export const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export class WriteBehind {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly spare: Buffer[] = [];
  private failure: unknown;

  constructor(private readonly maxInFlight = 4) {}

  /** A buffer of exactly `size` bytes to fill, then hand to start(); reuses a finished write's. */
  buffer(size: number): Buffer {
    const index = this.spare.findIndex((b) => b.length >= size);
    const found = index >= 0 ? this.spare.splice(index, 1)[0]! : Buffer.allocUnsafeSlow(size);
    return found.subarray(0, size);
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
    const write = writeFile(absolute, data, at).then(
      () => undefined,
      (err: unknown) => {
        this.failure ??= err;
      },
    ).finally(() => {
      this.inFlight.delete(absolute);
      // The whole allocation goes back, not the view (buffer() allocates unpooled buffers, each
      // its own ArrayBuffer): the next file may be larger.
      this.spare.push(Buffer.from(data.buffer));
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
    throw new BundleError(at, `cannot extract: ${(err as NodeJS.ErrnoException).code ?? errorText(err)}`);
  } finally {
    await handle?.close().catch(() => {});
  }
}
