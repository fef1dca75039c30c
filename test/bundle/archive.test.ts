/**
 * openBundle on well-formed archives: .tar.gz written by archiver (as `collect` will write them),
 * .zip by archiver, a plain .tar, an archive without a top folder, an extension that lies,
 * hard-link entries to an earlier file (how collect and `tar -czf` store identical files once), and
 * the cleanup of the private extraction directory on close().
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, link, lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { TarArchive, ZipArchive, type Archiver } from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { entriesOf, makeTempRoot, removeTempRoot, sampleBundle, writeTar } from './helpers.js';

const TOP = 'ztunnel-bundle-2026-11-25T09-30-00Z';
const hasSystemTar = spawnSync('tar', ['--version']).status === 0;
let work: string;
let temp: string;

beforeEach(async () => {
  work = await makeTempRoot('archive-work');
  temp = await makeTempRoot('archive-extract');
});
afterEach(async () => {
  await removeTempRoot(work);
  await removeTempRoot(temp);
});

async function writeWithArchiver(file: string, archive: Archiver, files: Record<string, string>, prefix: string): Promise<void> {
  const done = pipeline(archive, createWriteStream(file));
  if (prefix) archive.append('', { name: `${prefix}/`, type: 'directory' });
  for (const [path, content] of Object.entries(files)) archive.append(content, { name: prefix ? `${prefix}/${path}` : path });
  await archive.finalize();
  await done;
}

const formats = [
  { label: 'tar.gz', file: 'bundle.tar.gz', make: () => new TarArchive({ gzip: true }) },
  { label: 'zip', file: 'bundle.zip', make: () => new ZipArchive() },
] as const;

describe.each(formats)('a $label bundle written by archiver', ({ file, make }) => {
  it('lists the files under the top folder with the folder stripped, and reads them back', async () => {
    const files = sampleBundle();
    const path = join(work, file);
    await writeWithArchiver(path, make(), files, TOP);
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.description).toBe(path);
    expect(bundle.list()).toEqual(Object.keys(files).sort());
    for (const [name, content] of Object.entries(files)) {
      expect(bundle.size(name)).toBe(Buffer.byteLength(content));
      expect(await bundle.readText(name)).toBe(content);
    }
    expect(await text(bundle.openStream('ztunnel/ztunnel-6hvcw/ztunnel.log'))).toBe(files['ztunnel/ztunnel-6hvcw/ztunnel.log']);
    // One private directory while open, none after close.
    const [extracted] = await entriesOf(temp);
    expect(extracted).toMatch(/^ztunnel-bundle-/);
    await bundle.close();
    expect(await entriesOf(temp)).toEqual([]);
    await bundle.close();
  });

  it('accepts an archive whose entries sit directly at the root', async () => {
    const files = sampleBundle();
    const path = join(work, file);
    await writeWithArchiver(path, make(), files, '');
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual(Object.keys(files).sort());
    await bundle.close();
  });

  it('recognises the format by its magic bytes, whatever the extension', async () => {
    const path = join(work, file);
    await writeWithArchiver(path, make(), { 'cluster/pods.json': '{"items":[]}' }, TOP);
    const renamed = join(work, 'attachment.bin');
    await copyFile(path, renamed);
    const bundle = await openBundle(renamed, { tempRoot: temp });
    expect(await bundle.readText('cluster/pods.json')).toBe('{"items":[]}');
    await bundle.close();
  });
});

describe('tar specifics', () => {
  it('reads a plain (uncompressed) tar', async () => {
    const path = join(work, 'bundle.tar');
    await writeTar(path, [{ name: `${TOP}/`, type: 'directory' }, { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' }], { gzip: false });
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual(['cluster/pods.json']);
    await bundle.close();
  });

  it('reads a tar made with `tar -C dir .` ("./" prefixes) as a rootless bundle', async () => {
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [{ name: './', type: 'directory' }, { name: './manifest.json', content: '{}' }, { name: './cluster/pods.json', content: '{}' }], { gzip: true });
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual(['cluster/pods.json', 'manifest.json']);
    await bundle.close();
  });

  it('keeps long names (pax/GNU records) intact', async () => {
    const pod = `ztunnel-${'x'.repeat(120)}`;
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [{ name: `${TOP}/ztunnel/${pod}/config_dump.json`, content: '{"workloads":[]}' }], { gzip: true });
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual([`ztunnel/${pod}/config_dump.json`]);
    await bundle.close();
  });

  it('keeps an empty file and a nested empty directory out of the way of the listing', async () => {
    const path = join(work, 'bundle.tgz');
    await writeTar(
      path,
      [
        { name: `${TOP}/`, type: 'directory' },
        { name: `${TOP}/cni/`, type: 'directory' },
        { name: `${TOP}/ztunnel/z/ztunnel.previous.log`, content: '' },
      ],
      { gzip: true },
    );
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual(['ztunnel/z/ztunnel.previous.log']);
    expect(bundle.size('ztunnel/z/ztunnel.previous.log')).toBe(0);
    expect(await bundle.readText('ztunnel/z/ztunnel.previous.log')).toBe('');
    await bundle.close();
  });
});

describe('hard-link entries (a file identical to an earlier one, stored once)', () => {
  const dump = JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/istio.workload.Address', workload: { uid: 'Kubernetes//Pod/default/sleep-1' } }] });
  const first = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json';
  const second = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-bbbbb.json';

  it('materialises a link to an earlier file as that file, in the listing, sizes and content', async () => {
    const path = join(work, 'bundle.tar.gz');
    const archive = new TarArchive({ gzip: true });
    const done = pipeline(archive, createWriteStream(path));
    archive.append(dump, { name: `${TOP}/${first}` });
    archive.append(Buffer.alloc(0), { name: `${TOP}/${second}`, type: 'link', linkname: `${TOP}/${first}` } as unknown as Parameters<Archiver['append']>[1]);
    archive.append('{}', { name: `${TOP}/manifest.json` });
    await archive.finalize();
    await done;
    const bundle = await openBundle(path, { tempRoot: temp });
    try {
      expect(bundle.list()).toEqual([first, second, 'manifest.json']);
      expect(bundle.sameFileAs(second)).toBe(first);
      expect(bundle.sameFileAs(first)).toBeUndefined();
      expect(bundle.sameFileAs('manifest.json')).toBeUndefined();
      expect(bundle.size(second)).toBe(Buffer.byteLength(dump));
      expect(await bundle.readText(second)).toBe(dump);
      expect(await text(bundle.openStream(second))).toBe(dump);
      // Inside the private directory: one file under two names, not a symbolic link.
      const [dir] = await entriesOf(temp);
      const info = await lstat(join(temp, dir!, ...second.split('/')));
      expect(info.isFile()).toBe(true);
      expect(info.nlink).toBe(2);
    } finally {
      await bundle.close();
    }
    expect(await entriesOf(temp)).toEqual([]);
  });

  it('counts what links name apart from the total: a bundle of one big file named three times fits', async () => {
    const path = join(work, 'bundle.tgz');
    const big = 'x'.repeat(5 * 1024 ** 2);
    await writeTar(path, [
      { name: `${TOP}/${first}`, content: big },
      { name: `${TOP}/${second}`, type: 'link', linkname: `${TOP}/${first}` },
      { name: `${TOP}/${first}.2`, type: 'link', linkname: `${TOP}/${first}` },
      { name: `${TOP}/cluster/pods.json`, content: 'y'.repeat(4 * 1024 ** 2) },
    ], { gzip: true });
    // 9 MiB stored, 10 MiB named by links: each under a 10 MiB total, their sum is not.
    const bundle = await openBundle(path, { tempRoot: temp, limits: { maxTotalBytes: 10 * 1024 ** 2 } });
    expect(bundle.list()).toEqual(['cluster/pods.json', first, `${first}.2`, second]);
    expect([bundle.sameFileAs(second), bundle.sameFileAs(`${first}.2`), bundle.sameFileAs('cluster/pods.json')]).toEqual([first, first, undefined]);
    await bundle.close();
  });

  it('accepts links in a rootless archive ("./" names, as `tar -C dir .` writes them)', async () => {
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [
      { name: './', type: 'directory' },
      { name: `./${first}`, content: dump },
      { name: `./${second}`, type: 'link', linkname: `./${first}` },
    ], { gzip: true });
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual([first, second]);
    expect(await bundle.readText(second)).toBe(dump);
    await bundle.close();
  });

  it('keeps link targets longer than a tar header holds (pax linkpath)', async () => {
    const pod = `ztunnel-${'x'.repeat(120)}`;
    const long = `istiod/istiod-1/debug/config_dump/${pod}.json`;
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [
      { name: `${TOP}/${long}`, content: dump },
      { name: `${TOP}/${long}.copy`, type: 'link', linkname: `${TOP}/${long}` },
    ], { gzip: true });
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual([long, `${long}.copy`]);
    expect(await bundle.readText(`${long}.copy`)).toBe(dump);
    await bundle.close();
  });

  describe.skipIf(!hasSystemTar)('made by the system tar (skipped: no `tar` on PATH)', () => {
    it('reads a directory with hard-linked files packed by `tar -czf` as link entries', async () => {
      const dir = join(work, TOP);
      await mkdir(join(dir, 'istiod/istiod-7d9f8-xk2lp/debug/config_dump'), { recursive: true });
      await writeFile(join(dir, first), dump);
      await link(join(dir, first), join(dir, second));
      const path = join(work, 'bundle.tar.gz');
      execFileSync('tar', ['-czf', path, '-C', work, TOP]);
      const listing = execFileSync('tar', ['-tvzf', path], { encoding: 'utf8' });
      expect(listing).toMatch(/^h.* link to /m);
      const bundle = await openBundle(path, { tempRoot: temp });
      expect(bundle.list()).toEqual([first, second]);
      expect(await bundle.readText(first)).toBe(dump);
      expect(await bundle.readText(second)).toBe(dump);
      await bundle.close();
    });
  });
});

describe('a gzip file that is not a tar', () => {
  it('is refused as corrupt and leaves nothing behind', async () => {
    const { gzipSync } = await import('node:zlib');
    const path = join(work, 'config_dump.json.gz');
    await writeFile(path, gzipSync(Buffer.from(JSON.stringify({ workloads: [] }).repeat(100))));
    await expect(openBundle(path, { tempRoot: temp })).rejects.toThrow(/^.*config_dump\.json\.gz: truncated or corrupt archive: /);
    expect(await entriesOf(temp)).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});

describe('zip specifics', () => {
  it('reads empty files and directory entries written by archiver', async () => {
    const path = join(work, 'bundle.zip');
    const archive = new ZipArchive();
    const done = pipeline(archive, createWriteStream(path));
    archive.append('', { name: `${TOP}/cni/`, type: 'directory' });
    archive.append('', { name: `${TOP}/ztunnel/z/ztunnel.previous.log` });
    archive.append('{"items":[]}', { name: `${TOP}/cluster/pods.json` });
    await archive.finalize();
    await done;
    const bundle = await openBundle(path, { tempRoot: temp });
    expect(bundle.list()).toEqual(['cluster/pods.json', 'ztunnel/z/ztunnel.previous.log']);
    expect(await bundle.readText('ztunnel/z/ztunnel.previous.log')).toBe('');
    await bundle.close();
  });
});

describe('the extraction directory', () => {
  it('names the temporary root when it cannot be created', async () => {
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [{ name: `${TOP}/cluster/pods.json`, content: '{}' }], { gzip: true });
    const missingRoot = join(work, 'no-such-dir');
    await expect(openBundle(path, { tempRoot: missingRoot })).rejects.toThrow(
      `${missingRoot}: cannot create a temporary directory to extract ${path}: ENOENT`,
    );
  });

  it('is private to the user (mode 0700)', async () => {
    const path = join(work, 'bundle.tgz');
    await writeTar(path, [{ name: `${TOP}/cluster/pods.json`, content: '{}' }], { gzip: true });
    const bundle = await openBundle(path, { tempRoot: temp });
    const [dir] = await entriesOf(temp);
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(temp, dir!))).mode & 0o777).toBe(0o700);
    await bundle.close();
  });
});

describe('onFile: files shown to an observer as they are extracted', () => {
  it('sees every regular file of a .tar.gz whose bytes were buffered, in archive order, with its exact bytes', async () => {
    const path = join(work, 'observed.tgz');
    // A small file (written synchronously), a 300 KB one (written on the thread pool while the
    // observer runs) and a hard link to the latter (never shown: it is the same file).
    const big = Buffer.from(Array.from({ length: 6000 }, (_, i) => `{"uid":"Kubernetes//Pod/default/app-${i}","node":"node-${i % 7}"},`).join(''));
    await writeTar(path, [
      { name: `${TOP}/`, type: 'directory' },
      { name: `${TOP}/cluster/pods.json`, content: '{"items":[]}' },
      { name: `${TOP}/istiod/i/debug/config_dump/z1.json`, content: big },
      { name: `${TOP}/istiod/i/debug/config_dump/z2.json`, type: 'link', linkname: `${TOP}/istiod/i/debug/config_dump/z1.json` },
    ], { gzip: true });
    const seen: [string, string][] = [];
    // The buffer is reused from file to file: an observer copies what it keeps.
    const bundle = await openBundle(path, { tempRoot: temp, onFile: (file, bytes) => seen.push([file, bytes.toString('latin1')]) });
    expect(seen).toEqual([['cluster/pods.json', '{"items":[]}'], ['istiod/i/debug/config_dump/z1.json', big.toString('latin1')]]);
    expect((await bundle.readBytes('istiod/i/debug/config_dump/z1.json')).equals(big)).toBe(true);
    expect(bundle.sameFileAs('istiod/i/debug/config_dump/z2.json')).toBe('istiod/i/debug/config_dump/z1.json');
    await bundle.close();
  });

  it('is not called for a zip (its entry sizes are not known exactly) nor a directory', async () => {
    const zip = join(work, 'observed.zip');
    await writeWithArchiver(zip, new ZipArchive(), sampleBundle(), TOP);
    const seen: string[] = [];
    const fromZip = await openBundle(zip, { tempRoot: temp, onFile: (file) => seen.push(file) });
    expect(fromZip.list().length).toBeGreaterThan(0);
    await fromZip.close();
    const dir = join(work, 'tree');
    await mkdir(join(dir, 'cluster'), { recursive: true });
    await writeFile(join(dir, 'cluster', 'pods.json'), '{"items":[]}');
    const fromDir = await openBundle(dir, { onFile: (file) => seen.push(file) });
    expect(fromDir.list()).toEqual(['cluster/pods.json']);
    await fromDir.close();
    expect(seen).toEqual([]);
  });
});
