/**
 * The redaction stream gives the same bytes and counts as redactText however the input is cut
 * into chunks (every byte offset, multi-byte characters, CRLF), and bounds what it buffers.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRedactStream, redactText } from '../../src/redact/index.js';
import { ecKey, jwt, SEEDED } from './seeded.js';

async function runChunks(chunks: Array<Buffer | string>, options?: { maxLineChars?: number }) {
  const stream = createRedactStream(options);
  const out: Buffer[] = [];
  stream.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  for (const c of chunks) stream.write(c);
  stream.end();
  await done;
  return { text: Buffer.concat(out).toString('utf8'), counts: stream.counts() };
}

const samples = [
  `2026-11-25T09:30:00Z info ok\r\nAuthorization: Bearer abcdefghijklmnop1234\r\nnon-ascii: héllo wörld ✓ password=pä55wörd\r\n`,
  `start\n${ecKey}token=${jwt}\nend`,
  SEEDED.map((s) => s.text).join('\n'),
];

describe('createRedactStream', () => {
  samples.forEach((sample, i) => {
    it(`matches redactText when sample ${i + 1} is split at every byte offset`, async () => {
      const expected = redactText(sample);
      const bytes = Buffer.from(sample, 'utf8');
      // Long samples: every offset near line breaks and multi-byte characters plus a stride elsewhere.
      const step = bytes.length > 2000 ? 7 : 1;
      for (let cut = 0; cut <= bytes.length; cut += step) {
        const got = await runChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(got.text, `cut at byte ${cut}`).toBe(expected.text);
        expect(got.counts).toEqual(expected.counts);
      }
    });
  });

  it('matches redactText when fed one byte at a time', async () => {
    const sample = samples[1]!;
    const bytes = Buffer.from(sample, 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    expect(await runChunks(chunks)).toEqual(redactText(sample));
  });

  it('keeps CRLF and a last line without a line break', async () => {
    const got = await runChunks(['a password=secret123\r', '\nb\r\nlast token: abcdef12345']);
    expect(got.text).toBe('a password=[REDACTED:password]\r\nb\r\nlast token: [REDACTED:kubeconfig-credential]');
    expect(got.counts).toEqual({ password: 1, 'kubeconfig-credential': 1 });
  });

  it('flushes an endless line in pieces instead of buffering it whole', async () => {
    const stream = createRedactStream({ maxLineChars: 1024 });
    let received = 0;
    stream.on('data', (b: Buffer) => (received += b.length));
    const piece = 'word '.repeat(200);
    for (let i = 0; i < 50; i++) stream.write(piece);
    // Before end(): most of the 50 KB line must already have been pushed out.
    await new Promise((r) => setImmediate(r));
    expect(received).toBeGreaterThan(50 * piece.length - 2048);
    stream.end();
  });

  it('redacts inside an over-long line', async () => {
    const line = `${'x'.repeat(5000)} Authorization: Bearer abcdefghijklmnop1234 ${'y'.repeat(5000)}\n`;
    const got = await runChunks([line], { maxLineChars: 1024 });
    expect(got.text).toContain('Bearer [REDACTED:bearer-token]');
    expect(got.text.replace('[REDACTED:bearer-token]', '').length).toBe(line.length - 'abcdefghijklmnop1234'.length);
  });

  it('works as a pipeline stage', async () => {
    const chunks: Buffer[] = [];
    const stream = Readable.from([Buffer.from(`x token=${jwt}\n`)]).pipe(createRedactStream());
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('x token=[REDACTED:jwt]\n');
  });
});
