/**
 * A Writable that keeps only the last maxBytes of what is written, on disk, in bounded memory:
 * it fills one file, then the other, dropping the older one each time it switches. finish() then
 * joins the tail of the older file and the newer file into one output file, starting at a line
 * boundary when bytes were dropped, and hashes it on the way. Disk use stays under 3 x maxBytes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SpoolResult {
  file: string;
  bytes: number;
  sha256: string;
  /** Bytes written but not kept (the head of an over-long log). */
  droppedBytes: number;
}

/** Bytes gathered in memory before they are written. */
const FLUSH_BYTES = 256 * 1024;

export class TailSpool extends Writable {
  private readonly halves: [string, string];
  private current = 0;
  private handle: FileHandle | undefined;
  private currentBytes = 0;
  private rotated = false;
  private totalBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly basePath: string,
    private readonly maxBytes: number,
  ) {
    super();
    this.halves = [`${basePath}.a`, `${basePath}.b`];
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Log streams arrive in small frames: gather them, so the disk sees few large writes (one
    // write per frame cost a second of a 100-node collect).
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < FLUSH_BYTES) return callback();
    this.flush().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flush()
      .then(async () => {
        const handle = this.handle;
        this.handle = undefined;
        await handle?.close();
      })
      .then(() => callback(), callback);
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.append(data);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    // autoDestroy runs this after a normal finish too; the halves are only garbage when we stopped early.
    const stoppedEarly = !this.writableFinished;
    (handle ? handle.close() : Promise.resolve())
      .then(() => (stoppedEarly ? this.removeHalves() : undefined))
      .then(() => callback(error), () => callback(error));
  }

  private async append(chunk: Buffer): Promise<void> {
    this.totalBytes += chunk.length;
    let rest = chunk;
    while (rest.length > 0) {
      if (!this.handle) this.handle = await open(this.halves[this.current]!, 'w', 0o600);
      const room = this.maxBytes - this.currentBytes;
      if (room <= 0) {
        await this.handle.close();
        this.handle = undefined;
        this.current = 1 - this.current;
        this.currentBytes = 0;
        this.rotated = true;
        continue;
      }
      const piece = rest.subarray(0, room);
      await this.handle.write(piece);
      this.currentBytes += piece.length;
      rest = rest.subarray(piece.length);
    }
  }

  /** Joins the kept tail into `${basePath}` and removes the halves. Call after 'finish'. */
  async result(): Promise<SpoolResult> {
    const out = this.basePath;
    const hash = createHash('sha256');
    const sink = createWriteStream(out, { mode: 0o600 });
    let bytes = 0;
    const counted = new Writable({
      write(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        bytes += chunk.length;
        sink.write(chunk) ? cb() : sink.once('drain', () => cb());
      },
    });
    const newer = this.halves[this.current]!;
    const older = this.halves[1 - this.current]!;
    const newerBytes = this.totalBytes === 0 ? 0 : this.currentBytes;
    // The kept window is [cut, end of older) + newer; it starts after the first newline at or after the cut.
    let newerStart = 0;
    if (this.rotated) {
      const olderSize = (await stat(older)).size;
      const cut = Math.max(0, olderSize - (this.maxBytes - newerBytes));
      const lineStart = await lineStartAfter(older, cut);
      if (lineStart !== undefined) {
        if (lineStart < olderSize) await pipeline(createReadStream(older, { start: lineStart }), counted, { end: false });
      } else {
        // No line break in the older part: start at the newer part's first line, or, for one
        // endless line, keep the raw tail (a fragment beats an empty log).
        newerStart = (await lineStartAfter(newer, 1)) ?? 0;
        if (newerStart === 0 && cut < olderSize) await pipeline(createReadStream(older, { start: cut }), counted, { end: false });
      }
    }
    if (newerBytes > newerStart) await pipeline(createReadStream(newer, { start: newerStart }), counted, { end: false });
    await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await this.removeHalves();
    return { file: out, bytes, sha256: hash.digest('hex'), droppedBytes: this.totalBytes - bytes };
  }

  private async removeHalves(): Promise<void> {
    await Promise.all(this.halves.map((f) => rm(f, { force: true })));
  }
}

/**
 * The start of the first whole line at or after `from`: `from` itself when the byte before it is a
 * newline (or from is 0), else just past the next newline; undefined when there is none.
 */
async function lineStartAfter(file: string, from: number): Promise<number | undefined> {
  if (from === 0) return 0;
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let pos = from - 1; ; pos += buf.length) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) return undefined;
      const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (nl >= 0) return pos + nl + 1;
    }
  } finally {
    await handle.close();
  }
}
