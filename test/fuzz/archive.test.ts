/**
 * Mutation fuzzing of the archive reader: a small valid .tar.gz and .zip of a real-format bundle
 * (written here from our sample bundle), with bytes flipped, inserted, deleted, truncated, spliced
 * or repeated (for the .tar.gz: either its gzip bytes or the tar inside), opened through openBundle. Each must open (and then read back) or be refused with a
 * one-line BundleError, within the budget; and no extraction directory may be left in the private
 * temp root either way. A mutated gzip header or deflate stream must never inflate past the caps.
 */
import { mkdir, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarArchive, ZipArchive } from 'archiver';
import fc from 'fast-check';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleLimits } from '../../src/bundle/source.js';
import { makeTempRoot, removeTempRoot, sampleBundle, writeTree } from '../bundle/helpers.js';
import { expectOnlyBundleErrorAsync, mutatedBytes, printCounts, FUZZ_TEST_TIMEOUT_MS } from './mutate.js';

const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1500) / 2);
const LIMITS: Partial<BundleLimits> = { maxFileBytes: 4 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024, maxEntries: 64 };

let work: string;
let extractRoot: string;
const valid: { tgz: Buffer[]; zip: Buffer[] } = { tgz: [], zip: [] };

async function archiveOf(kind: 'tgz' | 'zip', dir: string, out: string): Promise<Buffer> {
  const archive = kind === 'tgz' ? new TarArchive({ gzip: true }) : new ZipArchive();
  const done = pipeline(archive, createWriteStream(out));
  archive.directory(dir, 'ztunnel-bundle-2026-11-25T09-30-00Z');
  await archive.finalize();
  await done;
  return readFile(out);
}

beforeAll(async () => {
  work = await makeTempRoot('fuzz-archive');
  extractRoot = join(work, 'extract');
  await mkdir(extractRoot);
  const tree = join(work, 'tree');
  await writeTree(tree, sampleBundle());
  for (const kind of ['tgz', 'zip'] as const) valid[kind].push(await archiveOf(kind, tree, join(work, `seed.${kind}`)));
});

afterAll(async () => {
  printCounts('fuzz: archive reader');
  await removeTempRoot(work);
});

interface Variant {
  name: string;
  ext: 'tgz' | 'zip';
  inputs: () => fc.Arbitrary<Buffer>;
  /** Whether some inputs must still open: false where a checksum catches nearly every mutation. */
  someOpen: boolean;
}

const variants: Variant[] = [
  // The gzip layer: its CRC-32 and length trailer catch nearly every change, so this mostly
  // exercises refusal and clean-up on a stream that fails at any point.
  { name: '.tar.gz with its gzip bytes mutated', ext: 'tgz', inputs: () => mutatedBytes(valid.tgz), someOpen: false },
  // The tar layer: headers, checksums, sizes and padding mutated, then gzipped again.
  { name: '.tar.gz with its tar bytes mutated', ext: 'tgz', inputs: () => mutatedBytes(valid.tgz.map((b) => gunzipSync(b))).map((tar) => gzipSync(tar)), someOpen: true },
  { name: '.zip with its bytes mutated', ext: 'zip', inputs: () => mutatedBytes(valid.zip), someOpen: true },
];

describe.each(variants)('openBundle on a $name', (variant) => {
  it('opens and reads back, or refuses with a one-line BundleError; never hangs or leaves an extraction dir', async () => {
    let n = 0;
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(variant.inputs(), async (bytes) => {
        const path = join(work, `input-${n++}.${variant.ext}`);
        await writeFile(path, bytes);
        const label = `openBundle(${variant.name})`;
        await expectOnlyBundleErrorAsync(label, async () => {
          const bundle = await openBundle(path, { tempRoot: extractRoot, limits: LIMITS });
          opened++;
          try {
            for (const file of bundle.list()) {
              expect(bundle.size(file)!).toBeLessThanOrEqual(LIMITS.maxFileBytes!);
              await bundle.readText(file);
            }
          } finally {
            await bundle.close();
          }
        }, () => writeFile(join(tmpdir(), `zb-fuzz-hang.${variant.ext}`), bytes));
        expect(await readdir(extractRoot)).toEqual([]);
        await rm(path);
      }),
      { numRuns: RUNS },
    );
    // Some mutations are harmless (a flipped byte in a modification time), so the success path
    // is exercised too.
    if (variant.someOpen) expect(opened).toBeGreaterThan(0);
  }, FUZZ_TEST_TIMEOUT_MS);
});
