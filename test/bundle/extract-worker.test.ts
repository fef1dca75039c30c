/**
 * Extraction on a worker thread (src/bundle/extract.ts, run from dist/ where the worker script
 * is) against extraction on this thread: the same files with the same bytes, the same hard links,
 * the same files shown to onFile in the same order, and an abort that stops the worker and leaves
 * nothing behind. (Hostile archives are refused alike on both: test/bundle/hostile.test.ts.)
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TarArchive } from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle, type OpenBundleOptions } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { ROOT } from '../support/cli.js';
import { entriesOf, makeTempRoot, removeTempRoot, writeTar } from './helpers.js';

type Open = (path: string, options: OpenBundleOptions) => Promise<BundleSource>;
const compiled = (await import(new URL('../../dist/bundle/open.js', import.meta.url).href)) as { openBundle: Open };

const TOP = 'ztunnel-bundle-2026-11-25T09-30-00Z';
let work: string;
let temp: string;
beforeEach(async () => {
  work = await makeTempRoot('extract-worker');
  temp = await makeTempRoot('extract-worker-dirs');
});
afterEach(async () => {
  await removeTempRoot(work);
  await removeTempRoot(temp);
});

/** Everything a reader can learn from a bundle, and what onFile saw. */
async function observe(open: Open, path: string, inWorker: boolean): Promise<unknown> {
  const seen: [string, string][] = [];
  const bundle = await open(path, { tempRoot: temp, inWorker, onFile: (file, bytes) => void seen.push([file, bytes.toString('latin1')]) });
  try {
    const files = await Promise.all(bundle.list().map(async (p) => [p, bundle.size(p), bundle.sameFileAs(p), (await bundle.readBytes(p)).toString('base64')]));
    return { files, seen };
  } finally {
    await bundle.close();
  }
}

describe('extraction on a worker thread', () => {
  it('gives the bundle and the onFile calls that extraction on this thread gives (the broken fixture, .tar.gz)', async () => {
    const path = join(work, 'broken.tar.gz');
    const archive = new TarArchive({ gzip: true });
    const done = pipeline(archive, createWriteStream(path));
    archive.directory(join(ROOT, 'fixtures/broken'), TOP);
    await archive.finalize();
    await done;
    const here = await observe(openBundle, path, false);
    expect((here as { seen: unknown[] }).seen.length).toBeGreaterThan(10);
    expect(await observe(compiled.openBundle, path, true)).toEqual(here);
    expect(await entriesOf(temp)).toEqual([]);
  });

  it('keeps hard links (a link to a file written on the thread pool) the same', async () => {
    const path = join(work, 'links.tgz');
    const dump = Buffer.from(Array.from({ length: 9000 }, (_, i) => `{"uid":"Kubernetes//Pod/default/app-${i}"},`).join(''));
    await writeTar(path, [
      { name: `${TOP}/`, type: 'directory' },
      { name: `${TOP}/istiod/i/debug/config_dump/z1.json`, content: dump },
      { name: `${TOP}/istiod/i/debug/config_dump/z2.json`, type: 'link', linkname: `${TOP}/istiod/i/debug/config_dump/z1.json` },
      { name: `${TOP}/ztunnel/z/ready.txt`, content: '200\nready\n' },
    ], { gzip: true });
    const here = await observe(openBundle, path, false);
    expect(await observe(compiled.openBundle, path, true)).toEqual(here);
  });

  it('stops when aborted, with no directory left', async () => {
    const path = join(work, 'aborted.tgz');
    await writeTar(path, [{ name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' }], { gzip: true });
    const stop = new AbortController();
    stop.abort();
    await expect(compiled.openBundle(path, { tempRoot: temp, inWorker: true, signal: stop.signal })).rejects.toThrow(`${path}: extraction stopped: the bundle is no longer needed`);
    expect(await entriesOf(temp)).toEqual([]);
  });
});
