/**
 * Replaying the project's fixture bundles reproduces them: every artifact manifest.json lists is
 * requested again, the way its target says collect asked for it, and the answer must equal the
 * file (byte for byte for port-forwarded and log artifacts), or fail with the recorded HTTP status.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import type { ArtifactRecord, Manifest } from '../../src/bundle/manifest.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { forwardGet } from './forward.js';

const REST = /^GET (\/\S+)$/;
const PORT = /^GET pod ([^/\s]+)\/(\S+) :(\d+)(\/\S*)$/;
const LOGS = /^logs pod ([^/\s]+)\/(\S+) -c (\S+)( --previous)?$/;

describe.each(['healthy', 'broken'])('replaying fixtures/%s', (name) => {
  const dir = fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  let bundle: BundleSource;
  let server: ReplayServer;
  let kc: KubeConfig;
  let manifest: Manifest;

  beforeAll(async () => {
    bundle = await openBundle(dir);
    server = await startReplayServer({ bundle });
    kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    manifest = JSON.parse(await bundle.readText('manifest.json')) as Manifest;
  });

  afterAll(async () => {
    await server.close();
    await bundle.close();
  });

  async function replay(a: ArtifactRecord): Promise<{ status: number; body: Buffer }> {
    let m = REST.exec(a.target);
    if (m) {
      const res = await fetch(`${server.url}${m[1]}`);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    }
    m = PORT.exec(a.target);
    if (m) {
      try {
        const res = await forwardGet(kc, { namespace: m[1]!, pod: m[2]!, port: Number(m[3]), path: m[4]! });
        // ready.txt stores the status line first, then the body.
        return a.path.endsWith('/ready.txt') ? { status: 200, body: Buffer.from(`${res.status}\n${res.body.toString()}`) } : res;
      } catch (err) {
        const status = /Unexpected server response: (\d+)/.exec(String((err as Error).message));
        if (status) return { status: Number(status[1]), body: Buffer.alloc(0) };
        throw err;
      }
    }
    m = LOGS.exec(a.target);
    if (m) {
      const query = new URLSearchParams({ container: m[3]!, ...(m[4] ? { previous: 'true' } : {}) });
      const res = await fetch(`${server.url}/api/v1/namespaces/${m[1]}/pods/${m[2]}/log?${query}`);
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    }
    throw new Error(`no way to replay target ${a.target}`);
  }

  it('answers every recorded artifact as it was recorded', async () => {
    expect(manifest.artifacts.length).toBeGreaterThan(10);
    for (const a of manifest.artifacts) {
      if (a.status === 'skipped') continue;
      const got = await replay(a);
      if (a.status === 'error') {
        expect([a.path, got.status]).toEqual([a.path, a.httpStatus]);
        continue;
      }
      expect([a.path, got.status]).toEqual([a.path, 200]);
      const file = await readFile(`${dir}/${a.path}`);
      if (REST.test(a.target)) {
        // API objects come back re-serialized: compare as JSON, lists by their items.
        const want = JSON.parse(file.toString());
        const have = JSON.parse(got.body.toString());
        if (Array.isArray(want.items)) {
          expect([a.path, have.items]).toEqual([a.path, want.items]);
          expect([a.path, have.metadata.resourceVersion]).toEqual([a.path, want.metadata?.resourceVersion ?? '1']);
        }
        else expect([a.path, have]).toEqual([a.path, { ...want, kind: have.kind, apiVersion: have.apiVersion }]);
      } else {
        expect([a.path, got.body.equals(file)]).toEqual([a.path, true]);
      }
    }
  });

  it('lists the fixture\'s ztunnel pods through client-node', async () => {
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'istio-system', labelSelector: 'app=ztunnel' });
    const recorded = manifest.artifacts.filter((a) => /^ztunnel\/[^/]+\/pod\.json$/.test(a.path)).map((a) => a.path.split('/')[1]);
    expect(pods.items.map((p) => p.metadata?.name).sort()).toEqual(recorded.sort());
  });
});
