/**
 * forwardGet against the replay server, the way collect reaches ztunnel's and istiod's ports: the
 * body byte for byte, and every way a forward can fail keeps its code and message (a refused
 * upgrade in the API server's words, a tunnel dropped during the response, a timeout, an interrupt,
 * a body over the cap, an HTTP error inside the tunnel), and a good request after each still works.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardGet } from '../../src/collect/port-forward.js';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { type ClusterBundle, NS, clusterFiles, makeClusterBundle } from './fixture.js';

const DUMP = 'ztunnel/ztunnel-aaaaa/config_dump.json';
let source: ClusterBundle;
let server: ReplayServer;
let kc: KubeConfig;

beforeAll(async () => {
  const files = clusterFiles();
  // A body of several megabytes, so that it crosses the tunnel in many messages.
  files[DUMP] = JSON.stringify({ ...JSON.parse(files[DUMP]!), padding: Array.from({ length: 40_000 }, (_, i) => `workload-${i}-${'x'.repeat(i % 97)}`) }, null, 2);
  source = await makeClusterBundle(files);
  server = await startReplayServer({
    bundle: source.bundle,
    port: 0,
    faults: [
      { match: { pod: 'ztunnel-bbbbb', port: 15000 }, status: 403 },
      // At the upgrade: the tunnel is dropped after a few bytes of the response head.
      { match: { pod: 'ztunnel-aaaaa', port: 15000 }, reset: true, times: 1 },
      { match: { pod: 'ztunnel-aaaaa', path: '^/stats/prometheus$' }, status: 500 },
      { match: { pod: 'ztunnel-aaaaa', path: '^/healthz/ready$' }, hang: true },
    ],
  });
  kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
});

afterAll(async () => {
  await server.close();
  await source.cleanup();
});

const get = (pod: string, port: number, path: string, more: { timeoutMs?: number; maxBytes?: number; signal?: AbortSignal } = {}) =>
  forwardGet({ kc, namespace: NS, pod, port, path, timeoutMs: more.timeoutMs ?? 5000, maxBytes: more.maxBytes ?? 64 << 20, ...(more.signal ? { signal: more.signal } : {}) });

describe('forwardGet', () => {
  it('reports a dropped tunnel, then gets the body byte for byte', async () => {
    await expect(get('ztunnel-aaaaa', 15000, '/config_dump')).rejects.toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    const expected = await source.bundle.readBytes(DUMP);
    expect(expected.length).toBeGreaterThan(2 << 20);
    for (let i = 0; i < 3; i++) {
      const res = await get('ztunnel-aaaaa', 15000, '/config_dump');
      expect(res.status).toBe(200);
      expect(res.contentType).toBe('application/json');
      expect(res.body.equals(expected)).toBe(true);
    }
  });

  it('keeps a refused upgrade in the API server words', async () => {
    await expect(get('ztunnel-bbbbb', 15000, '/config_dump')).rejects.toMatchObject({ code: 'REFUSED', httpStatus: 403, message: 'injected fault: HTTP 403' });
  });

  it('returns an HTTP error from inside the tunnel as a response', async () => {
    const res = await get('ztunnel-aaaaa', 15020, '/stats/prometheus');
    expect(res.status).toBe(500);
    expect(res.body.toString()).toContain('injected fault');
  });

  it('times out, stops on an interrupt, and refuses a body over the cap', async () => {
    await expect(get('ztunnel-aaaaa', 15021, '/healthz/ready', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(get('ztunnel-aaaaa', 15021, '/healthz/ready', { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(get('ztunnel-aaaaa', 15000, '/config_dump', { maxBytes: 100_000 })).rejects.toMatchObject({ code: 'ETOOBIG' });
    expect((await get('ztunnel-aaaaa', 15000, '/config_dump')).status).toBe(200);
  });

  it('names a pod that does not exist', async () => {
    const err = (await get('ztunnel-nope', 15000, '/config_dump').catch((e: unknown) => e)) as { code?: string; httpStatus?: number; message: string };
    expect({ code: err.code, httpStatus: err.httpStatus }).toEqual({ code: 'REFUSED', httpStatus: 404 });
    expect(err.message).toBe('pods "ztunnel-nope" not found');
  });

  it('reports what the kubelet said on the error channel', async () => {
    await expect(get('ztunnel-aaaaa', 15099, '/')).rejects.toMatchObject({
      code: 'ECONNRESET',
      message: 'port-forward to istio-system/ztunnel-aaaaa:15099: error forwarding port 15099 to pod uid-ztunnel-aaaaa, uid : nothing listens on port 15099 of istio-system/ztunnel-aaaaa in this bundle',
    });
  });
});
