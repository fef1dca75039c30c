/**
 * openBundle on directories: an unpacked bundle, the same bundle one folder down (a tarball
 * extracted into a folder), a hand-assembled partial bundle, hard-linked files (what `tar -xzf`
 * makes of a bundle's link entries), and the read API (readText limits, BOM, missing files,
 * streams) that every reader shares.
 */
import { link, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { BundleError } from '../../src/errors.js';
import { makeTempRoot, removeTempRoot, sampleBundle, writeTree } from './helpers.js';

let root: string;
beforeEach(async () => {
  root = await makeTempRoot('dir');
});
afterEach(async () => {
  await removeTempRoot(root);
});

const expectedPaths = Object.keys(sampleBundle()).sort();

describe('openBundle on a directory', () => {
  it('lists every file of a flat bundle directory with its size and content', async () => {
    const files = sampleBundle();
    await writeTree(root, files);
    const bundle = await openBundle(root);
    expect(bundle.description).toBe(root);
    expect(bundle.list()).toEqual(expectedPaths);
    const dump = 'ztunnel/ztunnel-6hvcw/config_dump.json';
    expect(bundle.has(dump)).toBe(true);
    expect(bundle.size(dump)).toBe(Buffer.byteLength(files[dump]!));
    expect(JSON.parse(await bundle.readText(dump)).workloads[0].name).toBe('sleep-7656cf8794-xj4lm');
    await bundle.close();
  });

  it('descends into the single folder a user extracted the tarball into', async () => {
    await writeTree(join(root, 'ztunnel-bundle-2026-11-25T09-30-00Z'), sampleBundle());
    await writeFile(join(root, '.DS_Store'), 'x');
    const bundle = await openBundle(root);
    expect(bundle.list()).toEqual(expectedPaths);
    expect(await bundle.readText('ztunnel/ztunnel-6hvcw/ready.txt')).toBe('200\nready\n');
  });

  it('does not descend when the folder also holds other files (a hand-assembled bundle)', async () => {
    await writeTree(root, { 'config_dump.json': '{}', 'logs/ztunnel.log': 'line\n' });
    const bundle = await openBundle(root);
    expect(bundle.list()).toEqual(['config_dump.json', 'logs/ztunnel.log']);
  });

  it('does not descend into a lone bundle folder such as ztunnel/', async () => {
    await writeTree(root, { 'ztunnel/ztunnel-abc/config_dump.json': '{}' });
    const bundle = await openBundle(root);
    expect(bundle.list()).toEqual(['ztunnel/ztunnel-abc/config_dump.json']);
  });

  it('accepts a partial bundle and reports the absent files as absent', async () => {
    await writeTree(root, { 'ztunnel/ztunnel-abc/ztunnel.log': 'hello\n' });
    const bundle = await openBundle(root);
    expect(bundle.list()).toEqual(['ztunnel/ztunnel-abc/ztunnel.log']);
    expect(bundle.has('cluster/pods.json')).toBe(false);
    expect(bundle.size('cluster/pods.json')).toBeUndefined();
    await expect(bundle.readText('cluster/pods.json')).rejects.toThrow(new BundleError('cluster/pods.json', 'not in the bundle'));
    expect(() => bundle.openStream('cluster/pods.json')).toThrow('cluster/pods.json: not in the bundle');
  });

  it('leaves symbolic links out, so a directory cannot lead outside itself', async () => {
    const outside = join(root, 'secret.txt');
    await writeFile(outside, 'token');
    const bundleDir = join(root, 'b');
    await writeTree(bundleDir, { 'cluster/pods.json': '{"items":[]}' });
    await symlink(outside, join(bundleDir, 'cluster', 'nodes.json'));
    await symlink(root, join(bundleDir, 'istiod'));
    const bundle = await openBundle(bundleDir);
    expect(bundle.list()).toEqual(['cluster/pods.json']);
    await expect(bundle.readText('cluster/nodes.json')).rejects.toThrow('not in the bundle');
  });

  it('reads hard-linked files (an extracted bundle whose identical files share one inode) like any other', async () => {
    const dump = JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/istio.workload.Address', workload: { uid: 'Kubernetes//Pod/default/sleep-1' } }] });
    const first = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json';
    const second = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-bbbbb.json';
    await writeTree(root, { ...sampleBundle(), [first]: dump });
    await link(join(root, first), join(root, second));
    expect((await stat(join(root, second))).nlink).toBe(2);
    const bundle = await openBundle(root);
    expect(bundle.list()).toEqual([...expectedPaths, first, second].sort());
    expect(bundle.size(second)).toBe(Buffer.byteLength(dump));
    expect(bundle.sameFileAs(second)).toBe(first); // the earlier name in list order
    expect(bundle.sameFileAs(first)).toBeUndefined();
    expect(bundle.sameFileAs('cluster/pods.json')).toBeUndefined();
    expect(await bundle.readText(first)).toBe(dump);
    expect(await bundle.readText(second)).toBe(dump);
    expect(await text(bundle.openStream(second))).toBe(dump);
    await bundle.close();
  });

  it('stops listing a huge tree at maxEntries', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`ztunnel/pod-${i}/ready.txt`] = '200\n';
    await writeTree(root, files);
    await expect(openBundle(root, { limits: { maxEntries: 20 } })).rejects.toThrow(`${root}: holds more than 20 entries, over the limit`);
  });

  it('refuses paths that do not exist or are not bundles', async () => {
    await expect(openBundle(join(root, 'nope'))).rejects.toThrow(`${join(root, 'nope')}: no such file or directory`);
    const notes = join(root, 'notes.txt');
    await writeFile(notes, 'just some text, not an archive');
    await expect(openBundle(notes)).rejects.toThrow(new BundleError(notes, 'not a bundle: expected a directory, .tar.gz/.tgz or .zip'));
  });
});

describe('reading files', () => {
  it('strips a UTF-8 BOM and decodes multi-byte text', async () => {
    await writeTree(root, { 'cluster/pods.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"note":"größe ✓"}')]) });
    const bundle = await openBundle(root);
    expect(JSON.parse(await bundle.readText('cluster/pods.json'))).toEqual({ note: 'größe ✓' });
  });

  it('refuses a whole-file read over maxBytes with the sizes in the message', async () => {
    await writeTree(root, { 'ztunnel/z/ztunnel.log': Buffer.alloc(3 * 1024 * 1024, 'a') });
    const bundle = await openBundle(root, { limits: { maxTextBytes: 1024 * 1024 } });
    await expect(bundle.readText('ztunnel/z/ztunnel.log')).rejects.toThrow(
      new BundleError('ztunnel/z/ztunnel.log', 'file is 3 MB, over the 1 MB limit for whole-file reads'),
    );
    await expect(bundle.readText('ztunnel/z/ztunnel.log', { maxBytes: 100 })).rejects.toThrow('file is 3 MB, over the 100 bytes limit');
    expect((await bundle.readText('ztunnel/z/ztunnel.log', { maxBytes: 4 * 1024 * 1024 })).length).toBe(3 * 1024 * 1024);
  });

  it('streams a file whole, byte for byte', async () => {
    const log = Array.from({ length: 5000 }, (_, i) => `2026-11-25T09:30:${String(i % 60).padStart(2, '0')}Z\tinfo\tline ${i}\n`).join('');
    await writeTree(root, { 'ztunnel/z/ztunnel.log': log });
    const bundle = await openBundle(root, { limits: { maxTextBytes: 1000 } });
    expect(await text(bundle.openStream('ztunnel/z/ztunnel.log'))).toBe(log);
  });

  it('streams small (read at once), empty and large (read in chunks) files alike', async () => {
    const line = (i: number) => `2026-11-25T09:30:00.${String(i).padStart(6, '0')}Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.${i % 250}:4${i % 9999}\n`;
    const large = Array.from({ length: 30000 }, (_, i) => line(i)).join(''); // over 1 MiB
    const small = line(1);
    await writeTree(root, { 'ztunnel/a/ztunnel.log': large, 'ztunnel/b/ztunnel.log': small, 'ztunnel/c/ztunnel.log': '' });
    const bundle = await openBundle(root);
    expect(Buffer.byteLength(large)).toBeGreaterThan(1024 * 1024);
    expect(await text(bundle.openStream('ztunnel/a/ztunnel.log'))).toBe(large);
    expect(await text(bundle.openStream('ztunnel/b/ztunnel.log'))).toBe(small);
    expect(await text(bundle.openStream('ztunnel/c/ztunnel.log'))).toBe('');
  });

  it('reports a file deleted after opening as a BundleError on the stream', async () => {
    await writeTree(root, { 'cluster/pods.json': '{}' });
    const bundle = await openBundle(root);
    const { rm } = await import('node:fs/promises');
    await rm(join(root, 'cluster', 'pods.json'));
    expect(() => bundle.openStream('cluster/pods.json')).toThrow('cluster/pods.json: cannot read: ENOENT');
    await expect(bundle.readText('cluster/pods.json')).rejects.toThrow('cluster/pods.json: cannot read: ENOENT');
  });

  it('reads nothing once closed', async () => {
    await mkdir(join(root, 'cluster'));
    await writeFile(join(root, 'cluster', 'pods.json'), '{}');
    const bundle = await openBundle(root);
    await bundle.close();
    await bundle.close();
    await expect(bundle.readText('cluster/pods.json')).rejects.toThrow('was closed');
  });
});
