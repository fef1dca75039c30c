/**
 * WriteBehind (src/bundle/write-behind.ts): files written on the thread pool while extraction
 * goes on. Every file lands with its exact bytes, no more than maxInFlight writes run at once, a
 * finished write's buffer is reused, a failure surfaces as a BundleError naming the entry on the
 * next call, and nothing is left running after abandon().
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteBehind } from '../../src/bundle/write-behind.js';
import { makeTempRoot, removeTempRoot } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempRoot('write-behind');
});
afterEach(async () => {
  await removeTempRoot(dir);
});

/** Realistic content of `size` bytes that differs per file. */
function content(i: number, size: number): Buffer {
  const line = `{"uid":"Kubernetes//Pod/default/app-${i}","node":"node-${i % 7}"},\n`;
  return Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size));
}

describe('WriteBehind', () => {
  it('writes every file with its exact bytes, at most maxInFlight at a time, reusing buffers', async () => {
    const writes = new WriteBehind({ maxInFlight: 2 });
    const expected = new Map<string, Buffer>();
    const sizes = [300_000, 120_000, 500_000, 70_000, 300_000, 90_000];
    const buffers = new Set<ArrayBuffer>();
    for (const [i, size] of sizes.entries()) {
      const data = writes.buffer(size);
      content(i, size).copy(data);
      buffers.add(data.buffer as ArrayBuffer);
      const file = join(dir, `f${i}.json`);
      expected.set(file, Buffer.from(data));
      await writes.start(file, data, `archive: f${i}.json`);
      expect((writes as unknown as { inFlight: Map<string, unknown> }).inFlight.size).toBeLessThanOrEqual(2);
    }
    await writes.drain();
    for (const [file, bytes] of expected) expect((await readFile(file)).equals(bytes)).toBe(true);
    // Six files, at most two written while a third is filled: buffers came back and were reused.
    expect(buffers.size).toBeLessThan(sizes.length);
  });

  it('does not reuse a buffer, written or not, while it is held (shared with another thread)', async () => {
    const writes = new WriteBehind({ shared: true });
    const first = writes.buffer(100_000);
    expect(first.buffer).toBeInstanceOf(SharedArrayBuffer);
    content(1, 100_000).copy(first);
    const release = writes.hold(first);
    await writes.start(join(dir, 'a.json'), first, 'archive: a.json');
    await writes.drain();
    // Written, but still held: the next file gets another buffer.
    const second = writes.buffer(100_000);
    expect(second.buffer).not.toBe(first.buffer);
    release();
    release(); // twice is harmless
    // Released: its allocation is spare again.
    expect(writes.buffer(90_000).buffer).toBe(first.buffer);
    expect((await readFile(join(dir, 'a.json'))).equals(content(1, 100_000))).toBe(true);
  });

  it('settles one file before it is linked to', async () => {
    const writes = new WriteBehind();
    const data = writes.buffer(200_000);
    content(1, 200_000).copy(data);
    const file = join(dir, 'target.json');
    await writes.start(file, data, 'archive: target.json');
    await writes.settle(file);
    expect((await readFile(file)).length).toBe(200_000);
  });

  it('reports a failed write as a BundleError naming the entry, on the next call, and abandons cleanly', async () => {
    const writes = new WriteBehind({ maxInFlight: 4 });
    const existing = join(dir, 'exists.json');
    await writeFile(existing, 'x'); // O_EXCL: an existing file is never overwritten
    const data = writes.buffer(100_000);
    await writes.start(existing, data, 'bundle.tgz: top/exists.json');
    await expect(writes.drain()).rejects.toThrow('bundle.tgz: top/exists.json: cannot extract: EEXIST');
    await expect(writes.start(join(dir, 'next.json'), writes.buffer(10), 'bundle.tgz: top/next.json')).rejects.toThrow(/EEXIST/);
    await writes.abandon();
    expect(await readFile(existing, 'utf8')).toBe('x');
  });
});
