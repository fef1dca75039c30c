/**
 * measureDuplication on a small bundle written here in the real layout: identical istiod dumps are
 * counted as duplicate files (those that are hard links to one already seen as stored once), and
 * workload entries repeated across ztunnel dumps as repeats.
 */
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureDuplication } from '../../src/bench/duplication.js';

const root = mkdtempSync(join(tmpdir(), 'bench-dup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): number {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  return Buffer.byteLength(text);
}

const workload = (i: number) => ({ uid: `Kubernetes//Pod/apps/app-${i}`, name: `app-${i}`, namespace: 'apps', protocol: 'HBONE', workloadIps: [`10.244.0.${i}`] });

describe('measureDuplication', () => {
  it('counts identical files, the hard-linked ones among them, and repeated workload and service entries', async () => {
    const shared = JSON.stringify({ workloads: [workload(1), workload(2)], services: [{ name: 'svc', namespace: 'apps', hostname: 'svc.apps.svc.cluster.local' }] }, null, 2);
    let total = 0;
    total += write('istiod/istiod-1/debug/config_dump/ztunnel-a.json', shared);
    const dupBytes = write('istiod/istiod-1/debug/config_dump/ztunnel-b.json', shared);
    total += dupBytes;
    // Each ztunnel dump has its own certificate, so the files differ, but the entries repeat.
    for (const pod of ['ztunnel-a', 'ztunnel-b', 'ztunnel-c']) {
      total += write(`ztunnel/${pod}/config_dump.json`, JSON.stringify({ certificates: [{ identity: pod }], workloads: [workload(1), workload(2)], services: { 'apps/svc': { name: 'svc' } } }, null, 2));
    }
    total += write('ztunnel/ztunnel-d/config_dump.json', '{ not json');
    // Two more copies of the istiod dump stored once, as the generator writes them: hard links.
    linkSync(join(root, 'istiod/istiod-1/debug/config_dump/ztunnel-a.json'), join(root, 'istiod/istiod-1/debug/config_dump/ztunnel-c.json'));
    linkSync(join(root, 'istiod/istiod-1/debug/config_dump/ztunnel-a.json'), join(root, 'istiod/istiod-1/debug/config_dump/ztunnel-d.json'));
    total += 2 * dupBytes;
    const got = await measureDuplication(root, 4);
    expect(got.totalBytes).toBe(total);
    expect(got.duplicateFileBytes).toBe(3 * dupBytes);
    expect(got.linkedFileBytes).toBe(2 * dupBytes);
    const entry = [workload(1), workload(2), { name: 'svc' }].map((e) => JSON.stringify(e).length);
    const once = entry.reduce((a, b) => a + b, 0);
    expect(got.entryBytes).toBe(3 * once);
    expect(got.distinctEntryBytes).toBe(once);
  });
});
