/**
 * FileScanner.scanBytes, the scan collect runs on an artifact's bytes as it writes them, finds
 * exactly what scanBundle finds in a bundle file of those bytes: same hits, same order, same cut
 * at the limit. Random files mix healthy lines, seeded secrets (multi-line keys too), random-looking
 * strings, CRLF and lone CR, multi-byte and invalid UTF-8 across the 64 KiB chunks bytes are cut
 * into, with and without a last line break, as logs and as large JSON (the block route).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryBundle } from '../../src/bundle/memory.js';
import { FileScanner } from '../../src/scan/file-scan.js';
import { scanBundle } from '../../src/scan/scan.js';
import { SEEDED } from '../redact/seeded.js';

const PIECES: Buffer[] = [
  '2026-11-25T09:30:00.028709Z info access connection complete src.addr=10.244.1.12:60059 bytes_sent=175\n',
  'upstream said: 9fK2xQ7vLm3RtB8wZp1NcY6sHd4JgE0uVa5Ti+Ok (retrying)\n',
  'crlf line with Zp1NcY6sHd4JgE0uVa5Ti+Ok9fK2xQ7vLm3RtB8w\r\n',
  'lone carriage return\rstill the same line\n',
  'multi-byte: é 😀 ü — and more\n',
  ...SEEDED.map((s) => `${s.text}\n`),
  '\n',
  'no line break at all',
].map((p) => Buffer.from(p));
PIECES.push(Buffer.from([0x62, 0x61, 0x64, 0xff, 0xe2, 0x82, 0x0a]), Buffer.from([0xe2, 0x82]), Buffer.from([0xac, 0x41, 0x0a]));

/** A file of pieces, repeated so it crosses chunk boundaries at varying offsets. */
const fileBytes = fc.record({
  pieces: fc.array(fc.integer({ min: 0, max: PIECES.length - 1 }), { minLength: 1, maxLength: 60 }),
  repeat: fc.integer({ min: 1, max: 400 }),
  limit: fc.integer({ min: 1, max: 3000 }),
});

function bytesOf(pieces: number[], repeat: number): Buffer {
  const one = Buffer.concat(pieces.map((i) => PIECES[i]!));
  return Buffer.concat(Array.from({ length: repeat }, () => one));
}

/** A large JSON object whose members hold the text's lines as strings (the block route). */
function jsonOf(text: Buffer): Buffer {
  const lines = text.toString('utf8').split('\n');
  const section = (name: string) => `  "${name}": [\n${lines.map((l) => `    ${JSON.stringify(l)}`).join(',\n')}\n  ]`;
  return Buffer.from(`{\n${section('workloads')},\n  "version": "1.28",\n${section('services')}\n}\n`);
}

async function scanBundleHits(path: string, bytes: Buffer, limit: number) {
  return (await scanBundle(new MemoryBundle({ [path]: bytes }), { maxHits: limit })).map(({ file: _file, ...hit }) => hit);
}

describe('FileScanner.scanBytes finds what scanBundle finds in the same file', () => {
  it('logs: line by line, across 64 KiB chunks', async () => {
    const scanner = new FileScanner();
    await fc.assert(
      fc.asyncProperty(fileBytes, async ({ pieces, repeat, limit }) => {
        const bytes = bytesOf(pieces, repeat);
        expect(scanner.scanBytes('ztunnel/ztunnel-x/ztunnel.log', bytes, limit)).toEqual(await scanBundleHits('ztunnel/ztunnel-x/ztunnel.log', bytes, limit));
      }),
      { numRuns: 60 },
    );
  });

  it('large JSON: block by block, blocks repeated from file to file', async () => {
    const scanner = new FileScanner();
    let blockRoute = 0;
    await fc.assert(
      fc.asyncProperty(fileBytes, async ({ pieces, repeat, limit }) => {
        const bytes = jsonOf(bytesOf(pieces, repeat));
        if (bytes.length >= 256 * 1024) blockRoute++;
        // Twice: the second scan of the same sections takes the remembered blocks.
        for (let i = 0; i < 2; i++) {
          expect(scanner.scanBytes('ztunnel/ztunnel-x/config_dump.json', bytes, limit)).toEqual(await scanBundleHits('ztunnel/ztunnel-x/config_dump.json', bytes, limit));
        }
      }),
      { numRuns: 40 },
    );
    expect(blockRoute).toBeGreaterThan(5);
  });

  it('finds the seeded secrets at all (the comparison above is not between two empty lists)', () => {
    const bytes = bytesOf(PIECES.map((_, i) => i), 3);
    const hits = new FileScanner().scanBytes('a.log', bytes, 10_000);
    expect(new Set(hits.map((h) => h.kind)).size).toBeGreaterThan(5);
    expect(hits.some((h) => h.kind === 'high-entropy')).toBe(true);
  });
});
