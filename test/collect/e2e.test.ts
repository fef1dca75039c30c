/**
 * collect end to end against the replay server (a Kubernetes API with port-forward and logs served
 * from a bundle we wrote): a healthy cluster gives the same artifacts back, byte for byte after
 * JSON normalization, with a manifest that validates; injected faults (forbidden port-forward, a
 * 500 on a log, a reset mid-stream, a pod deleted) still give a bundle, name each failure, exit 3.
 */
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { ExitCode } from '../../src/errors.js';
import { type CollectRun, collectFromReplay } from './replay.js';
import { SECRET_TOKEN, clusterFiles } from './fixture.js';

const runs: CollectRun[] = [];
afterEach(async () => {
  while (runs.length) await runs.pop()!.cleanup();
});
async function run(options: Parameters<typeof collectFromReplay>[0] = {}): Promise<CollectRun> {
  const r = await collectFromReplay(options);
  runs.push(r);
  return r;
}

const schema = JSON.parse(await readFile(new URL('../../schemas/manifest.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);
const validateManifest = ajv.compile(schema);

const record = (m: Manifest, path: string) => m.artifacts.find((a) => a.path === path);

describe('collect from a healthy replayed cluster', () => {
  it('returns every served artifact, config dumps identical, secrets redacted, manifest complete', async () => {
    const r = await run();
    expect(r.stderr).toMatch(/collect complete: \d+ ok, 0 error/);
    expect(r.code).toBe(ExitCode.ok);
    expect(r.leftovers).toEqual(['bundle.tar.gz']);
    const { bundle, manifest } = await r.open();
    expect(validateManifest(manifest), JSON.stringify(validateManifest.errors)).toBe(true);
    expect(manifest.status).toBe('complete');
    expect(manifest.cluster).toEqual({ context: expect.any(String), kubernetesVersion: 'v1.31.4' });

    const source = clusterFiles();
    const expected = Object.keys(source).filter((p) => p !== 'manifest.json');
    for (const path of expected) expect(bundle.has(path), path).toBe(true);
    for (const path of expected.filter((p) => /config_dump|debug\//.test(p))) {
      expect(JSON.parse(await bundle.readText(path)), path).toEqual(JSON.parse(source[path]!));
    }
    expect(await bundle.readText('ztunnel/ztunnel-aaaaa/metrics.prom')).toBe(source['ztunnel/ztunnel-aaaaa/metrics.prom']);
    expect(await bundle.readText('ztunnel/ztunnel-aaaaa/ready.txt')).toBe('200\nready\n');
    expect(await bundle.readText('ztunnel/ztunnel-aaaaa/ztunnel.previous.log')).toBe(source['ztunnel/ztunnel-aaaaa/ztunnel.previous.log']);
    expect(bundle.has('ztunnel/ztunnel-bbbbb/ztunnel.previous.log')).toBe(false);

    const log = await bundle.readText('ztunnel/ztunnel-aaaaa/ztunnel.log');
    expect(log).not.toContain(SECRET_TOKEN);
    expect(log).toBe(source['ztunnel/ztunnel-aaaaa/ztunnel.log']!.replace(SECRET_TOKEN, '[REDACTED:jwt]'));
    expect(record(manifest, 'ztunnel/ztunnel-aaaaa/ztunnel.log')?.redactions).toEqual({ jwt: 1 });
    const pod = JSON.parse(await bundle.readText('ztunnel/ztunnel-aaaaa/pod.json')) as { metadata: { name: string } };
    expect(pod.metadata.name).toBe('ztunnel-aaaaa');

    // Every file in the bundle is in the manifest with its real sha256; every record is ok or a deliberate skip.
    for (const a of manifest.artifacts) {
      expect(['ok', 'skipped'], `${a.path}: ${a.error}`).toContain(a.status);
      if (a.status === 'ok') expect(bundle.has(a.path), a.path).toBe(true);
      else expect(bundle.has(a.path), a.path).toBe(false);
    }
    expect(record(manifest, 'cluster/istio/sidecars.networking.istio.io.json')).toMatchObject({ status: 'skipped', error: expect.stringContaining('CRD not installed') });
    expect(record(manifest, 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-bbbbb.json')).toMatchObject({
      status: 'skipped',
      httpStatus: 404,
      error: expect.stringContaining('not connected'),
    });
    expect(bundle.list().filter((p) => p !== 'manifest.json').sort()).toEqual(manifest.artifacts.filter((a) => a.status === 'ok').map((a) => a.path).sort());
  });

  it('writes a zip when the output ends in .zip', async () => {
    const r = await run({ outputName: 'bundle.zip' });
    expect(r.code).toBe(ExitCode.ok);
    const { bundle, manifest } = await r.open();
    expect(manifest.status).toBe('complete');
    expect(bundle.has('ztunnel/ztunnel-bbbbb/config_dump.json')).toBe(true);
  });

  it('with --focus collects only the ztunnel and istio-cni agent on the focus pod node', async () => {
    const r = await run({ collect: { focus: ['bookinfo/productpage-v1-5c8f'] } });
    expect(r.code).toBe(ExitCode.ok);
    const { bundle } = await r.open();
    const tops = [...new Set(bundle.list().map((p) => p.split('/').slice(0, 2).join('/')))].filter((p) => !p.startsWith('cluster/'));
    expect(tops.sort()).toEqual(['cni/istio-cni-node-q8w4r', 'istiod/istiod-7d9f8-xk2lp', 'manifest.json', 'ztunnel/ztunnel-bbbbb']);
  });

  it('keeps the tail of a log longer than --max-log-bytes', async () => {
    const files = clusterFiles({ logLines: 3000 });
    const r = await run({ files, collect: { maxLogBytes: 4096 } });
    expect(r.code).toBe(ExitCode.ok);
    const { bundle } = await r.open();
    const log = await bundle.readText('ztunnel/ztunnel-bbbbb/ztunnel.log');
    const original = files['ztunnel/ztunnel-bbbbb/ztunnel.log']!.replace(SECRET_TOKEN, '[REDACTED:jwt]');
    expect(log.length).toBeGreaterThan(3000);
    expect(log.length).toBeLessThanOrEqual(4096);
    expect(original.endsWith(log)).toBe(true);
    expect(log.slice(0, 40)).toMatch(/^2026-11-25T/);
  });
});

describe('collect from a misbehaving replayed cluster', () => {
  it('records a forbidden port-forward, a 500 on a log, a reset log stream and a deleted pod, and exits 3', async () => {
    const r = await run({
      faults: [
        { match: { pod: 'ztunnel-bbbbb', port: 15000 }, status: 403 },
        { match: { path: '/pods/istio-cni-node-q8w4r/log$' }, status: 500 },
        { match: { path: '/pods/ztunnel-aaaaa/log$' }, reset: true },
        { match: { path: '^/api/v1/namespaces/istio-system/pods/ztunnel-bbbbb$' }, status: 404 },
        // Transient: fails twice, then the third try succeeds.
        { match: { path: '^/debug/syncz$' }, status: 503, times: 2 },
      ],
    });
    expect(r.code).toBe(ExitCode.partial);
    expect(r.leftovers).toEqual(['bundle.tar.gz']);
    const { bundle, manifest } = await r.open();
    expect(validateManifest(manifest), JSON.stringify(validateManifest.errors)).toBe(true);
    expect(manifest.status).toBe('partial');
    const errors = manifest.artifacts.filter((a) => a.status === 'error').map((a) => `${a.path} ${a.httpStatus ?? '-'}`).sort();
    expect(errors).toEqual([
      'cni/istio-cni-node-q8w4r/install-cni.log 500',
      'ztunnel/ztunnel-aaaaa/ztunnel.log -',
      // Same log endpoint (previous=true), so the same reset fault.
      'ztunnel/ztunnel-aaaaa/ztunnel.previous.log -',
      'ztunnel/ztunnel-bbbbb/config_dump.json 403',
      'ztunnel/ztunnel-bbbbb/pod.json 404',
    ]);
    for (const path of errors.map((e) => e.split(' ')[0]!)) expect(bundle.has(path), path).toBe(false);
    // A refused upgrade is recorded in the API server's own words (here the injected fault's body).
    expect(record(manifest, 'ztunnel/ztunnel-bbbbb/config_dump.json')?.error).toBe('injected fault: HTTP 403');
    expect(record(manifest, 'istiod/istiod-7d9f8-xk2lp/debug/syncz.json')?.status).toBe('ok');
    // The rest of the collection went on.
    expect(bundle.has('ztunnel/ztunnel-bbbbb/metrics.prom')).toBe(true);
    expect(bundle.has('ztunnel/ztunnel-aaaaa/config_dump.json')).toBe(true);
    expect(r.stderr).toMatch(/collect partial: \d+ ok, 5 error/);
  });
});
