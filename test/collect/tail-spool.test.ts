/**
 * TailSpool keeps the last maxBytes of a stream on disk, cut at a line start, whatever the size
 * of the input and of its chunks; the sha256 it reports is that of the file it leaves.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TailSpool } from '../../src/collect/tail-spool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spool-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function spool(chunks: string[], maxBytes: number, name = 'out.log') {
  const s = new TailSpool(join(dir, name), maxBytes);
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c))), s);
  const result = await s.result();
  return { result, text: await readFile(result.file, 'utf8') };
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${String(i).padStart(5, '0')} ${'x'.repeat(i % 13)}\n`);

describe('TailSpool', () => {
  it('keeps a log smaller than the limit whole', async () => {
    const input = lines(20);
    const { result, text } = await spool(input, 1 << 20);
    expect(text).toBe(input.join(''));
    expect(result.droppedBytes).toBe(0);
    expect(result.sha256).toBe(createHash('sha256').update(input.join('')).digest('hex'));
  });

  it('keeps the tail of a long log, starting on a whole line, and removes its halves', async () => {
    const input = lines(5000);
    const all = input.join('');
    const { result, text } = await spool(input, 4096);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text.length).toBeGreaterThan(4096 - 40);
    expect(all.endsWith(text)).toBe(true);
    expect(text.startsWith('line ')).toBe(true);
    expect(result.bytes + result.droppedBytes).toBe(Buffer.byteLength(all));
    expect(await readdir(dir)).toEqual(['out.log']);
  });

  it('writes an empty file for an empty log', async () => {
    const { result, text } = await spool([], 100);
    expect(text).toBe('');
    expect(result.bytes).toBe(0);
  });

  it('for any chunking and limit, the output is a line-aligned suffix no longer than the limit', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('\n', 'abc\n', 'ü€\n')), { maxLength: 40 }), fc.integer({ min: 16, max: 2000 }), async (chunks, max) => {
        const { result } = await spool(chunks, max, `p${run++}.log`);
        const all = Buffer.from(chunks.join(''));
        const kept = await readFile(result.file);
        expect(kept.length).toBeLessThanOrEqual(max);
        expect(all.subarray(all.length - kept.length).equals(kept)).toBe(true);
        // Cut at a line start, unless the window holds no line break at all (then a raw fragment).
        if (result.droppedBytes > 0 && kept.includes(0x0a)) expect(all[all.length - kept.length - 1]).toBe(0x0a);
        if (all.length <= max) expect(kept.equals(all)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
