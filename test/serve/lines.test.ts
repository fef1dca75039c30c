/**
 * Line splitting and timestamp detection for replayed logs: lines survive any chunking, an endless
 * line is cut into bounded pieces, and timestamps come from the plain, legacy and JSON formats.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineTimestamp, splitLines } from '../../src/serve/lines.js';

async function collect(chunks: Buffer[], max?: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const line of splitLines(Readable.from(chunks), max)) out.push(line);
  return out;
}

describe('splitLines', () => {
  it('reassembles the same lines however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.stringMatching(/^[a-z \t]{0,20}$/), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), async (lines, sizes) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const bytes = Buffer.from(text);
        const chunks: Buffer[] = [];
        for (let i = 0, k = 0; i < bytes.length; k++) {
          const n = sizes[k % sizes.length]!;
          chunks.push(bytes.subarray(i, i + n));
          i += n;
        }
        const got = await collect(chunks);
        expect(got.map((b) => b.toString())).toEqual(lines.map((l) => `${l}\n`));
      }),
    );
  });

  it('keeps a last line without a newline', async () => {
    expect((await collect([Buffer.from('a\nb')])).map(String)).toEqual(['a\n', 'b']);
  });

  it('cuts a line longer than the cap into pieces no longer than the cap', async () => {
    const long = Buffer.alloc(10_000, 'x');
    const pieces = await collect([long, Buffer.from('\nshort\n')], 4096);
    expect(pieces.map((p) => p.length)).toEqual([4096, 4096, 1809, 6]);
    expect(Buffer.concat(pieces).length).toBe(10_007);
  });
});

describe('lineTimestamp', () => {
  it.each([
    ['2025-01-27T18:19:02.032823Z\twarn\tstate\ttimed out waiting', '2025-01-27T18:19:02.032823Z'],
    ['2023-12-14T19:28:45.690169Z  WARN xds{id=10}: ztunnel::xds', '2023-12-14T19:28:45.690169Z'],
    ['2024-05-04T09:59:05+02:00 info x', '2024-05-04T09:59:05+02:00'],
    ['{"level":"info","time":"2026-08-11T10:45:04.121633Z","scope":"ztunnel::state"}', '2026-08-11T10:45:04.121633Z'],
  ])('finds the time of %s', (line, token) => {
    expect(lineTimestamp(Buffer.from(line))).toEqual({ token, ms: Date.parse(token) });
  });

  it.each(['  proxy: true', 'ztunnel-xxxxx 2024-11-10T13:54:13.762966Z error', '2024-13-45T99:00:00Z info', ''])('finds none in %j', (line) => {
    expect(lineTimestamp(Buffer.from(line))).toBeUndefined();
  });
});
