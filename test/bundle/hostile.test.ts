/**
 * Hostile archives, generated here: path traversal, absolute and Windows paths, links, devices,
 * too many entries, compression bombs, truncation, duplicates. Each must be refused with a
 * one-line BundleError naming the archive (and the entry), write nothing outside the private
 * extraction directory, and leave no extraction directory behind. The hostile archives are also
 * opened with the compiled reader on a worker thread (extract.ts), which must refuse them alike.
 */
import { createWriteStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createDeflateRaw, createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle, type OpenBundleOptions } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import type { BundleLimits } from '../../src/bundle/source.js';
import { BundleError } from '../../src/errors.js';
import { entriesOf, makeTempRoot, removeTempRoot, writeTar, zeros, zipBytes, type TarEntrySpec, type ZipEntrySpec } from './helpers.js';

const TOP = 'ztunnel-bundle-2026-11-25T09-30-00Z';
const MB = 1024 * 1024;
const BOMB_BYTES = 200 * MB;
/** Small limits, so that bombs trip them early. */
const SMALL: Partial<BundleLimits> = { maxFileBytes: 10 * MB, maxTotalBytes: 12 * MB, maxEntries: 20 };

let work: string;
let temp: string;
/** A file outside the extraction directory that links in the archives point at. */
let outside: string;

beforeEach(async () => {
  work = await makeTempRoot('hostile-work');
  temp = await makeTempRoot('hostile-extract');
  outside = join(work, 'outside.txt');
  await writeFile(outside, 'original');
});
afterEach(async () => {
  await removeTempRoot(work);
  await removeTempRoot(temp);
});

interface HostileCase {
  name: string;
  file: string;
  write: (path: string) => Promise<void>;
  /** The message after "<archive>: ". */
  problem: string | RegExp;
}

type Open = (path: string, options: OpenBundleOptions) => Promise<BundleSource>;

/** The compiled reader, extracting on a worker thread (dist/bundle/extract-worker.js). */
const compiled = (await import(new URL('../../dist/bundle/open.js', import.meta.url).href)) as { openBundle: Open };
const compiledErrors = (await import(new URL('../../dist/errors.js', import.meta.url).href)) as { BundleError: typeof BundleError };
const inWorker: Open = (path, options) => compiled.openBundle(path, { ...options, inWorker: true });

/** Opens the archive, expects the refusal, then checks nothing was left or written anywhere. */
async function expectRefused(c: HostileCase, open: Open = openBundle): Promise<BundleError> {
  const path = join(work, c.file);
  await c.write(path);
  const error = await open(path, { tempRoot: temp, limits: SMALL }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(open === openBundle ? BundleError : compiledErrors.BundleError);
  const bundleError = error as BundleError;
  expect(bundleError.message.startsWith(`${path}: `)).toBe(true);
  const problem = bundleError.message.slice(path.length + 2);
  if (typeof c.problem === 'string') expect(problem).toBe(c.problem);
  else expect(problem).toMatch(c.problem);
  expect(bundleError.message).not.toMatch(/[\n\r]/);
  // No extraction directory left behind, nothing new next to the archive, the link target untouched.
  expect(await entriesOf(temp)).toEqual([]);
  expect(await entriesOf(work)).toEqual([c.file, 'outside.txt'].sort());
  expect(await readFile(outside, 'utf8')).toBe('original');
  return bundleError;
}

const tgz = (entries: (dir: { outside: string }) => TarEntrySpec[]) => (path: string) => writeTar(path, entries({ outside }), { gzip: true });
const zip = (entries: (dir: { outside: string }) => ZipEntrySpec[], options = {}) => (path: string) => writeFile(path, zipBytes(entries({ outside }), options));
const topDir: TarEntrySpec = { name: `${TOP}/`, type: 'directory' };

const tarCases: HostileCase[] = [
  {
    name: 'a ../ entry first',
    file: 'b.tgz',
    write: tgz(() => [{ name: '../outside.txt', content: 'pwned' }]),
    problem: "../outside.txt: has a '..' segment, which would leave the bundle",
  },
  {
    name: 'a ../ entry climbing out of the top folder',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/../../../outside.txt`, content: 'pwned' }]),
    problem: `${TOP}/cluster/../../../outside.txt: has a '..' segment, which would leave the bundle`,
  },
  {
    name: 'an absolute path',
    file: 'b.tgz',
    write: tgz(({ outside }) => [{ name: outside, content: 'pwned' }]),
    problem: /^\/.*outside\.txt: is an absolute path$/,
  },
  {
    name: 'a symlink pointing outside, then a file written through it',
    file: 'b.tgz',
    write: tgz(({ outside }) => [topDir, { name: `${TOP}/cluster/pods.json`, type: 'symlink', linkname: outside }, { name: `${TOP}/cluster/pods.json`, content: 'pwned' }]),
    problem: `${TOP}/cluster/pods.json: is a symbolic link; a bundle may hold only regular files and directories`,
  },
  // Hard links: only one to a regular file an earlier entry extracted is accepted (archive.test.ts).
  {
    name: 'a hard link to an absolute path outside',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: '/etc/passwd' }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "/etc/passwd": the target is an absolute path`,
  },
  {
    name: 'a hard link to the file outside the extraction directory',
    file: 'b.tgz',
    write: tgz(({ outside }) => [topDir, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: outside }]),
    problem: /^ztunnel-bundle-[^:]+\/cluster\/nodes\.json: is a hard link to "\/.*outside\.txt": the target is an absolute path$/,
  },
  {
    name: "a hard link climbing out with '..'",
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a.json`, content: '{}' }, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: `${TOP}/../../outside.txt` }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "${TOP}/../../outside.txt": the target has a '..' segment, which would leave the bundle`,
  },
  {
    name: 'a hard link to a file in another top folder',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a.json`, content: '{}' }, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: 'elsewhere/a.json' }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "elsewhere/a.json", outside the archive's top folder "${TOP}/"`,
  },
  {
    name: 'a hard link to a bundle path without the top folder',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a.json`, content: '{}' }, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: 'a.json' }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "a.json", outside the archive's top folder "${TOP}/"`,
  },
  {
    name: 'a hard link to a file that no entry holds',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: `${TOP}/cluster/pods.json` }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "${TOP}/cluster/pods.json", which no earlier entry of the archive holds as a regular file`,
  },
  {
    name: 'a hard link to a file that comes later in the archive',
    file: 'b.tgz',
    write: tgz(() => [
      topDir,
      { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: `${TOP}/cluster/pods.json` },
      { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' },
    ]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to "${TOP}/cluster/pods.json", which no earlier entry of the archive holds as a regular file`,
  },
  {
    name: 'a hard link to a directory',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/`, type: 'directory' }, { name: `${TOP}/nodes.json`, type: 'link', linkname: `${TOP}/cluster/` }]),
    problem: `${TOP}/nodes.json: is a hard link to "${TOP}/cluster/", which is a directory`,
  },
  {
    name: 'a hard link to the top folder itself',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/nodes.json`, type: 'link', linkname: TOP }]),
    problem: `${TOP}/nodes.json: is a hard link to "${TOP}", outside the archive's top folder "${TOP}/"`,
  },
  {
    name: 'a hard link to itself',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: `${TOP}/cluster/nodes.json` }]),
    problem: `${TOP}/cluster/nodes.json: is a hard link to itself`,
  },
  {
    name: 'a hard link to another hard link',
    file: 'b.tgz',
    write: tgz(() => [
      topDir,
      { name: `${TOP}/a.json`, content: '{}' },
      { name: `${TOP}/b.json`, type: 'link', linkname: `${TOP}/a.json` },
      { name: `${TOP}/c.json`, type: 'link', linkname: `${TOP}/b.json` },
    ]),
    problem: `${TOP}/c.json: is a hard link to "${TOP}/b.json", which is itself a hard link (links must name the first copy)`,
  },
  {
    name: 'a hard link without a target',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a.json`, content: '{}' }, { name: `${TOP}/b.json`, type: 'link' }]),
    problem: `${TOP}/b.json: is a hard link without a target`,
  },
  {
    name: 'a hard link over an earlier file (a second version of it)',
    file: 'b.tgz',
    write: tgz(() => [
      topDir,
      { name: `${TOP}/a.json`, content: '{"v":1}' },
      { name: `${TOP}/b.json`, content: '{"v":2}' },
      { name: `${TOP}/a.json`, type: 'link', linkname: `${TOP}/b.json` },
    ]),
    problem: `${TOP}/a.json: duplicate entry: an earlier entry has the same path`,
  },
  {
    name: 'hard links that each cost nothing but together name more than the total limit',
    file: 'b.tgz',
    write: tgz(() => [
      topDir,
      { name: `${TOP}/big.log`, content: Buffer.alloc(5 * MB, 'a') },
      { name: `${TOP}/copy-1.log`, type: 'link', linkname: `${TOP}/big.log` },
      { name: `${TOP}/copy-2.log`, type: 'link', linkname: `${TOP}/big.log` },
      { name: `${TOP}/copy-3.log`, type: 'link', linkname: `${TOP}/big.log` },
    ]),
    problem: `${TOP}/copy-3.log: the archive's hard links name more than 12 MB in all, over the limit for a whole bundle`,
  },
  {
    name: 'more hard links than the entry limit',
    file: 'b.tgz',
    write: tgz(() => [
      topDir,
      { name: `${TOP}/a.json`, content: '{}' },
      ...Array.from({ length: 20 }, (_, i) => ({ name: `${TOP}/link-${i}.json`, type: 'link' as const, linkname: `${TOP}/a.json` })),
    ]),
    problem: 'holds more than 20 entries, over the limit',
  },
  {
    name: 'a hard link with a .. name',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a.json`, content: '{}' }, { name: `${TOP}/../b.json`, type: 'link', linkname: `${TOP}/a.json` }]),
    problem: `${TOP}/../b.json: has a '..' segment, which would leave the bundle`,
  },
  {
    name: 'a character device',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/dev/null`, type: 'character-device' }]),
    problem: `${TOP}/dev/null: is a character device; a bundle may hold only regular files and directories`,
  },
  {
    name: 'a block device',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/dev/sda`, type: 'block-device' }]),
    problem: `${TOP}/dev/sda: is a block device; a bundle may hold only regular files and directories`,
  },
  {
    name: 'a FIFO',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/pipe`, type: 'fifo' }]),
    problem: `${TOP}/pipe: is a FIFO; a bundle may hold only regular files and directories`,
  },
  {
    name: 'a Windows drive path',
    file: 'b.tgz',
    write: tgz(() => [{ name: 'C:/Windows/evil.txt', content: 'x' }]),
    problem: 'C:/Windows/evil.txt: is a Windows drive path',
  },
  {
    name: 'a backslash path',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}\\..\\outside.txt`, content: 'x' }]),
    problem: `${TOP}\\..\\outside.txt: has a backslash in its name (a Windows path)`,
  },
  {
    name: 'an entry outside the single top folder',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/pods.json`, content: '{}' }, { name: 'other/evil.sh', content: 'x' }]),
    problem: `other/evil.sh: is outside the archive's top folder "${TOP}/"`,
  },
  {
    name: 'a name with a newline (the message stays on one line)',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/a\nb.json`, content: '{}' }]),
    problem: `${TOP}/a\\x0ab.json: has control characters in its name`,
  },
  {
    name: 'the same file twice',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' }, { name: `${TOP}/cluster/pods.json`, content: '{"items":[1]}' }]),
    problem: `${TOP}/cluster/pods.json: duplicate entry: an earlier entry has the same path`,
  },
  {
    name: 'a directory under a path that was a file',
    file: 'b.tgz',
    write: tgz(() => [topDir, { name: `${TOP}/cluster`, content: 'x' }, { name: `${TOP}/cluster/pods.json`, content: '{}' }]),
    problem: `${TOP}/cluster/pods.json: is inside "cluster", which an earlier entry made a file`,
  },
  {
    name: 'too many entries',
    file: 'b.tgz',
    write: tgz(() => Array.from({ length: 30 }, (_, i) => ({ name: `${TOP}/ztunnel/ztunnel-${i}/ready.txt`, content: '200\n' }))),
    problem: 'holds more than 20 entries, over the limit',
  },
];

const zipCases: HostileCase[] = [
  {
    name: 'a ../ entry',
    file: 'b.zip',
    write: zip(() => [{ name: `${TOP}/../../outside.txt`, content: 'pwned' }]),
    problem: `${TOP}/../../outside.txt: has a '..' segment, which would leave the bundle`,
  },
  {
    name: 'an absolute path',
    file: 'b.zip',
    write: zip(({ outside }) => [{ name: outside, content: 'pwned' }]),
    problem: /^\/.*outside\.txt: is an absolute path$/,
  },
  {
    name: 'a backslash path',
    file: 'b.zip',
    write: zip(() => [{ name: '..\\outside.txt', content: 'pwned' }]),
    problem: '..\\outside.txt: has a backslash in its name (a Windows path)',
  },
  {
    name: 'a symlink (Unix mode in the external attributes)',
    file: 'b.zip',
    write: zip(({ outside }) => [{ name: `${TOP}/cluster/pods.json`, content: outside, mode: 0o120777 }]),
    problem: `${TOP}/cluster/pods.json: is a symbolic link; a bundle may hold only regular files and directories`,
  },
  {
    name: 'a character device',
    file: 'b.zip',
    write: zip(() => [{ name: `${TOP}/dev/null`, mode: 0o020666 }]),
    problem: `${TOP}/dev/null: is a character device; a bundle may hold only regular files and directories`,
  },
  {
    name: 'an encrypted entry',
    file: 'b.zip',
    write: zip(() => [{ name: `${TOP}/cluster/pods.json`, content: 'xxxxxxxxxxxxxxxxxxx', flags: 0x1 }]),
    problem: `${TOP}/cluster/pods.json: is encrypted; bundles must not be`,
  },
  {
    name: 'too many entries',
    file: 'b.zip',
    write: zip(() => Array.from({ length: 30 }, (_, i) => ({ name: `${TOP}/ztunnel/ztunnel-${i}/ready.txt`, content: '200\n' }))),
    problem: 'holds more than 20 entries, over the limit',
  },
  {
    name: 'an end record claiming 65,000 entries',
    file: 'b.zip',
    write: zip(() => [{ name: `${TOP}/cluster/pods.json`, content: '{}' }], { recordCount: 65000 }),
    problem: 'holds more than 20 entries, over the limit',
  },
  {
    name: 'the same file twice',
    file: 'b.zip',
    write: zip(() => [
      { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' },
      { name: `${TOP}/cluster/pods.json`, content: '{"items":[1]}' },
    ]),
    problem: `${TOP}/cluster/pods.json: duplicate entry: an earlier entry has the same path`,
  },
];

describe('hostile .tar.gz', () => {
  it.each(tarCases)('refuses $name', async (c) => {
    await expectRefused(c);
  });
});

describe('hostile .zip', () => {
  it.each(zipCases)('refuses $name', async (c) => {
    await expectRefused(c);
  });
});

describe('hostile archives extracted on a worker thread', () => {
  it.each([...tarCases, ...zipCases])('refuses $name', async (c) => {
    await expectRefused(c, inWorker);
  });
});

/** 200 MB of zeros, deflated as a stream (about 200 KB). */
async function deflatedZeros(): Promise<Buffer> {
  return buffer(zeros(BOMB_BYTES).pipe(createDeflateRaw({ level: 9 })));
}

describe('compression bombs', () => {
  it.each([['on this thread', openBundle], ['on a worker thread', inWorker]] as const)('stops a .tar.gz holding a 200 MB file of zeros at the per-file limit, %s', async (_, open) => {
    const started = Date.now();
    const error = await expectRefused({
      name: 'gzip bomb',
      file: 'bomb.tgz',
      write: async (path) => {
        await writeTar(path, [topDir, { name: `${TOP}/ztunnel/z/ztunnel.log`, stream: () => zeros(BOMB_BYTES), size: BOMB_BYTES }], { gzip: true });
        expect((await stat(path)).size).toBeLessThan(MB);
      },
      problem: `${TOP}/ztunnel/z/ztunnel.log: declares 200 MB, over the 10 MB per-file limit`,
    }, open);
    expect(error.file).toContain('ztunnel.log');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('counts inflated bytes, not the sizes a zip header claims', async () => {
    const deflated = await deflatedZeros();
    const started = Date.now();
    await expectRefused({
      name: 'zip bomb with a lying size',
      file: 'bomb.zip',
      write: (path) => writeLyingZip(path, deflated),
      problem: `${TOP}/ztunnel/z/ztunnel.log: expands past the 10 MB per-file limit`,
    });
    // Stopping at the cap means inflating about 10 MB, not 200 MB.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops inflating a 200 MB .tar.gz entry at the total limit when the per-file limit allows it', async () => {
    const path = join(work, 'bomb.tgz');
    await writeTar(path, [topDir, { name: `${TOP}/ztunnel/z/ztunnel.log`, stream: () => zeros(BOMB_BYTES), size: BOMB_BYTES }], { gzip: true });
    const started = Date.now();
    const limits = { maxFileBytes: 300 * MB, maxTotalBytes: 12 * MB };
    await expect(openBundle(path, { tempRoot: temp, limits })).rejects.toThrow(
      new BundleError(`${path}: ${TOP}/ztunnel/z/ztunnel.log`, 'the archive expands past the 12 MB limit for a whole bundle'),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await entriesOf(temp)).toEqual([]);
  });

  it('stops several files that each pass but together exceed the total limit', async () => {
    await expectRefused({
      name: 'total',
      file: 'many.tgz',
      write: tgz(() => [topDir, ...[1, 2, 3].map((i) => ({ name: `${TOP}/ztunnel/z${i}/ztunnel.log`, content: Buffer.alloc(5 * MB) }))]),
      problem: `${TOP}/ztunnel/z3/ztunnel.log: the archive expands past the 12 MB limit for a whole bundle`,
    });
  });

  it('stops a .tar.gz padded with 200 MB of zero blocks at the raw stream cap', async () => {
    const started = Date.now();
    await expectRefused({
      name: 'padding bomb',
      file: 'padding.tgz',
      write: async (path) => {
        // One small entry, then (after the end-of-archive marker) 200 MB of zeros that tar-stream skips.
        const pack = tarStream.pack();
        pack.entry({ name: `${TOP}/cluster/pods.json` }, '{}');
        pack.finalize();
        const tar = await buffer(pack as unknown as Readable);
        await pipeline(Readable.from(concatStreams(tar, zeros(BOMB_BYTES))), createGzip(), createWriteStream(path));
      },
      problem: /^the archive expands past 14\.\d MB \(its 12 MB limit plus tar headers\)$/,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

async function writeLyingZip(path: string, deflated: Buffer): Promise<void> {
  // zipBytes deflates what it is given; here the data is already deflated, so patch a stored
  // entry's header into a deflate one around the prepared bytes.
  const bytes = zipBytes([{ name: `${TOP}/ztunnel/z/ztunnel.log`, content: deflated, declaredSize: 100 }]);
  bytes.writeUInt16LE(8, 8); // local header: compression method
  const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bytes.writeUInt16LE(8, central + 10); // central directory: compression method
  await writeFile(path, bytes);
}

async function* concatStreams(head: Buffer, tail: Readable): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of tail) yield chunk as Buffer;
}

describe('damaged archives and non-archives', () => {
  async function realisticTgz(path: string): Promise<void> {
    // Varied text so the compressed stream is long enough to cut in the middle of an entry.
    const log = Array.from({ length: 20000 }, (_, i) => `2026-11-25T09:30:00.${i}Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.${i % 250}.${i % 7}:${40000 + i}\n`).join('');
    await writeTar(path, [topDir, { name: `${TOP}/ztunnel/z/ztunnel.log`, content: log }, { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' }], { gzip: true });
  }

  it.each([['on this thread', openBundle], ['on a worker thread', inWorker]] as const)('refuses a .tar.gz cut in half, %s', async (_, open) => {
    await expectRefused({
      name: 'truncated tgz',
      file: 'cut.tgz',
      write: async (path) => {
        await realisticTgz(path);
        const bytes = await readFile(path);
        await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      },
      problem: /^truncated or corrupt archive: unexpected end of (archive inside this entry|file)$/,
    }, open);
  });

  it('refuses a .zip cut in half', async () => {
    await expectRefused({
      name: 'truncated zip',
      file: 'cut.zip',
      write: async (path) => {
        const bytes = zipBytes([{ name: `${TOP}/cluster/pods.json`, content: '{"items":[]}'.repeat(500), deflate: true }, { name: `${TOP}/manifest.json`, content: '{}' }]);
        await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      },
      problem: 'truncated or corrupt archive: no end of central directory record',
    });
  });

  it('refuses a zip whose entry data is corrupt', async () => {
    await expectRefused({
      name: 'corrupt deflate',
      file: 'corrupt.zip',
      write: async (path) => {
        const bytes = zipBytes([{ name: `${TOP}/cluster/pods.json`, content: '{"items":[]}'.repeat(500), deflate: true }]);
        bytes.fill(0xff, 40 + TOP.length + 20, 40 + TOP.length + 60);
        await writeFile(path, bytes);
      },
      problem: /^truncated or corrupt archive: /,
    });
  });

  it('refuses a stored zip entry whose bytes do not match its CRC', async () => {
    await expectRefused({
      name: 'crc mismatch',
      file: 'crc.zip',
      write: async (path) => {
        const bytes = zipBytes([{ name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' }]);
        const at = bytes.indexOf(Buffer.from('{"items":[]}'));
        bytes.write('{"items":[9]', at); // same length, different bytes: only the CRC can tell
        await writeFile(path, bytes);
      },
      problem: `truncated or corrupt archive: CRC mismatch in "${TOP}/cluster/pods.json"`,
    });
  });

  it('refuses a file that is no archive, even named .tar.gz', async () => {
    await expectRefused({
      name: 'not an archive',
      file: 'bundle.tar.gz',
      write: (path) => writeFile(path, '{"kind":"PodList","items":[]}\n'),
      problem: 'not a bundle: expected a directory, .tar.gz/.tgz or .zip',
    });
  });
});
