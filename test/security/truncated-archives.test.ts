/**
 * Every prefix of a small valid .tar.gz and .zip bundle, opened through openBundle: each must
 * open or be refused with a one-line BundleError, settle within a deadline, and leave no
 * extraction directory. Exhaustive over cut points, so it pins the hang fuzzing found (a .tar.gz
 * cut inside an entry's data left openBundle waiting for ever) wherever the cut falls.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TarArchive, ZipArchive } from 'archiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { BundleError } from '../../src/errors.js';
import { makeTempRoot, removeTempRoot, sampleBundle, writeTree } from '../bundle/helpers.js';
import { withDeadline } from '../fuzz/mutate.js';

let work: string;
let extractRoot: string;

beforeAll(async () => {
  work = await makeTempRoot('sec-truncated');
  extractRoot = join(work, 'extract');
  await mkdir(extractRoot);
  await writeTree(join(work, 'tree'), sampleBundle());
});
afterAll(async () => {
  await removeTempRoot(work);
});

async function archiveBytes(kind: 'tgz' | 'zip'): Promise<Buffer> {
  const out = join(work, `whole.${kind}`);
  const archive = kind === 'tgz' ? new TarArchive({ gzip: true }) : new ZipArchive();
  const done = pipeline(archive, createWriteStream(out));
  archive.directory(join(work, 'tree'), 'ztunnel-bundle-2026-11-25T09-30-00Z');
  await archive.finalize();
  await done;
  return readFile(out);
}

describe.each(['tgz', 'zip'] as const)('every prefix of a valid .%s', (kind) => {
  it('opens or is refused with a one-line BundleError, never hangs, leaves nothing behind', async () => {
    const whole = await archiveBytes(kind);
    const outcomes = { opened: 0, refused: 0 };
    for (let cut = 0; cut <= whole.length; cut++) {
      const path = join(work, `cut.${kind}`);
      await writeFile(path, whole.subarray(0, cut));
      try {
        const bundle = await withDeadline(openBundle(path, { tempRoot: extractRoot }), 5000, `openBundle of the first ${cut} of ${whole.length} bytes`);
        outcomes.opened++;
        await bundle.close();
      } catch (err) {
        expect(err, `cut at ${cut}`).toBeInstanceOf(BundleError);
        expect((err as BundleError).message).not.toMatch(/[\n\r]/);
        outcomes.refused++;
      }
      expect(await readdir(extractRoot), `cut at ${cut}`).toEqual([]);
    }
    // Only the whole archive opens (a zip's central directory is at its end; a .tar.gz's gzip
    // trailer checks length and CRC), every shorter prefix is refused.
    expect(outcomes).toEqual({ opened: 1, refused: whole.length });
  }, 120_000);
});
