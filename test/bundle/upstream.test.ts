/**
 * Real upstream data through the archive readers: istioctl's ztunnel config_dump test fixture and
 * real ztunnel log lines, read in place from ../shared/upstream, packed into a .tar.gz and a .zip
 * at their bundle paths, must come back byte for byte (readText and openStream).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { TarArchive, ZipArchive, type Archiver } from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { entriesOf, makeTempRoot, removeTempRoot } from './helpers.js';

const upstream = fileURLToPath(new URL('../../../shared/upstream/', import.meta.url));
const dumpPath = join(upstream, 'istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json');
const logPath = join(upstream, 'ztunnel-log-samples.txt');
const present = existsSync(dumpPath) && existsSync(logPath);

const TOP = 'ztunnel-bundle-2026-11-25T09-30-00Z';
const DUMP = 'ztunnel/ztunnel-6hvcw/config_dump.json';
const LOG = 'ztunnel/ztunnel-6hvcw/ztunnel.log';

describe.skipIf(!present)('upstream data in archives (skipped: ../shared not present)', () => {
  let work: string;
  beforeEach(async () => {
    work = await makeTempRoot('upstream');
  });
  afterEach(async () => {
    await removeTempRoot(work);
  });

  it.each([
    { file: 'bundle.tar.gz', make: (): Archiver => new TarArchive({ gzip: true }) },
    { file: 'bundle.zip', make: (): Archiver => new ZipArchive() },
  ])('reads istioctl dump.json and real ztunnel logs back unchanged from $file', async ({ file, make }) => {
    const path = join(work, file);
    const archive = make();
    const done = pipeline(archive, createWriteStream(path));
    archive.file(dumpPath, { name: `${TOP}/${DUMP}` });
    archive.file(logPath, { name: `${TOP}/${LOG}` });
    await archive.finalize();
    await done;

    const temp = await makeTempRoot('upstream-extract');
    try {
      const bundle = await openBundle(path, { tempRoot: temp });
      expect(bundle.list()).toEqual([DUMP, LOG]);
      const original = await readFile(dumpPath, 'utf8');
      const dumpText = await bundle.readText(DUMP);
      expect(dumpText).toBe(original.replace(/^\uFEFF/, ''));
      expect(Object.keys(JSON.parse(dumpText))).toContain('workloads');
      expect((await buffer(bundle.openStream(LOG))).equals(await readFile(logPath))).toBe(true);
      await bundle.close();
      expect(await entriesOf(temp)).toEqual([]);
    } finally {
      await removeTempRoot(temp);
    }
  });
});
