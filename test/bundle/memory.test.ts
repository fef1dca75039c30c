/**
 * MemoryBundle and overlayBundle: the same contract as the disk readers (sorted list, sizes in
 * bytes, BOM stripped, limits, "not in the bundle"), and overlays that replace, add and delete
 * files of a fixture bundle without changing it.
 */
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBundle, overlayBundle } from '../../src/bundle/memory.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { BundleError } from '../../src/errors.js';
import { makeTempRoot, removeTempRoot, sampleBundle, writeTree } from './helpers.js';

const DUMP = 'ztunnel/ztunnel-6hvcw/config_dump.json';
const LOG = 'ztunnel/ztunnel-6hvcw/ztunnel.log';

describe('MemoryBundle', () => {
  it('serves strings and buffers like a bundle on disk', async () => {
    const bundle = new MemoryBundle({
      'cluster/pods.json': '{"items":[]}',
      'manifest.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"schemaVersion":"1"}')]),
      [LOG]: 'größe\n',
    });
    expect(bundle.description).toBe('memory');
    expect(bundle.list()).toEqual(['cluster/pods.json', 'manifest.json', LOG]);
    expect(bundle.size(LOG)).toBe(Buffer.byteLength('größe\n'));
    expect(JSON.parse(await bundle.readText('manifest.json'))).toEqual({ schemaVersion: '1' });
    expect(await text(bundle.openStream(LOG))).toBe('größe\n');
    expect(bundle.has(DUMP)).toBe(false);
    await expect(bundle.readText(DUMP)).rejects.toThrow(new BundleError(DUMP, 'not in the bundle'));
    expect(() => bundle.openStream(DUMP)).toThrow(`${DUMP}: not in the bundle`);
  });

  it('applies the whole-file read limit', async () => {
    const bundle = new MemoryBundle({ [LOG]: 'x'.repeat(2048) }, { description: 'case broken-cert', limits: { maxTextBytes: 1024 } });
    expect(bundle.description).toBe('case broken-cert');
    await expect(bundle.readText(LOG)).rejects.toThrow(`${LOG}: file is 2 KB, over the 1 KB limit for whole-file reads`);
    expect(await bundle.readText(LOG, { maxBytes: 4096 })).toHaveLength(2048);
  });

  it.each(['/etc/passwd', '../cluster/pods.json', './cluster/pods.json', 'cluster//pods.json', 'cluster\\pods.json', ''])(
    'refuses the key %j, which could not be a bundle path',
    (key) => {
      expect(() => new MemoryBundle({ [key]: '{}' })).toThrow(BundleError);
    },
  );
});

describe('overlayBundle over a fixture directory', () => {
  let root: string;
  let base: BundleSource;
  beforeEach(async () => {
    root = await makeTempRoot('overlay');
    await writeTree(root, sampleBundle());
    base = await openBundle(root);
  });
  afterEach(async () => {
    await base.close();
    await removeTempRoot(root);
  });

  it('replaces, adds and deletes files, leaving the base as it was', async () => {
    const broken = JSON.stringify({ workloads: [], services: [], policies: [], certificates: [{ identity: 'spiffe://cluster.local/ns/default/sa/sleep', state: 'Unavailable' }] });
    const overlay = overlayBundle(base, {
      [DUMP]: broken,
      'ztunnel/ztunnel-9xk2p/ready.txt': '503\nnot ready\n',
      [LOG]: null,
    });
    expect(overlay.description).toBe(base.description);
    expect(overlay.list()).toEqual(
      [...Object.keys(sampleBundle()).filter((p) => p !== LOG), 'ztunnel/ztunnel-9xk2p/ready.txt'].sort(),
    );
    expect(await overlay.readText(DUMP)).toBe(broken);
    expect(overlay.size(DUMP)).toBe(Buffer.byteLength(broken));
    expect(await overlay.readText('ztunnel/ztunnel-9xk2p/ready.txt')).toBe('503\nnot ready\n');
    expect(overlay.has(LOG)).toBe(false);
    expect(overlay.size(LOG)).toBeUndefined();
    await expect(overlay.readText(LOG)).rejects.toThrow(`${LOG}: not in the bundle`);
    expect(() => overlay.openStream(LOG)).toThrow(`${LOG}: not in the bundle`);
    // Untouched files still come from the base.
    expect(await overlay.readText('cluster/pods.json')).toBe(sampleBundle()['cluster/pods.json']);
    expect(await text(overlay.openStream('ztunnel/ztunnel-6hvcw/ready.txt'))).toBe('200\nready\n');
    // The base is unchanged, and closing the overlay leaves it usable for the next case.
    await overlay.close();
    expect(base.has(LOG)).toBe(true);
    expect(JSON.parse(await base.readText(DUMP)).workloads).toHaveLength(1);
  });

  it('closes the base only when asked to', async () => {
    const overlay = overlayBundle(base, {}, { closeBase: true });
    await overlay.close();
    await expect(base.readText('cluster/pods.json')).rejects.toThrow('was closed');
  });

  it('keeps hard links of the base only while neither name is replaced or deleted', async () => {
    const { link } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const first = 'istiod/istiod-1/debug/config_dump/ztunnel-a.json';
    const second = 'istiod/istiod-1/debug/config_dump/ztunnel-b.json';
    const third = 'istiod/istiod-1/debug/config_dump/ztunnel-c.json';
    await writeTree(root, { [first]: '{"configs": []}' });
    await link(join(root, first), join(root, second));
    await link(join(root, first), join(root, third));
    const linked = await openBundle(root);
    try {
      expect([linked.sameFileAs(second), linked.sameFileAs(third)]).toEqual([first, first]);
      expect(overlayBundle(linked, {}).sameFileAs(third)).toBe(first);
      expect(overlayBundle(linked, { [third]: '{"configs": [1]}' }).sameFileAs(third)).toBeUndefined();
      expect(overlayBundle(linked, { [first]: '{"configs": [1]}' }).sameFileAs(second)).toBeUndefined();
      expect(overlayBundle(linked, { [first]: null }).sameFileAs(second)).toBeUndefined();
      expect(new MemoryBundle({ [first]: 'x', [second]: 'x' }).sameFileAs(second)).toBeUndefined();
    } finally {
      await linked.close();
    }
  });

  it('deleting a file the base lacks is harmless', async () => {
    const overlay = overlayBundle(base, { 'cni/cni-node-1/install-cni.log': null });
    expect(overlay.list()).toEqual(base.list());
    expect(overlay.has('cni/cni-node-1/install-cni.log')).toBe(false);
  });
});
