/**
 * @kubernetes/client-node 1.4 against the replay server: the calls `collect` makes (list with label
 * and field selectors, logs with tail/since/limit/previous, port-forwarded HTTP to ztunnel and
 * istiod), answered from the bundle, byte for byte.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { NS, type TestBundle, ZTUNNEL_LOG_LINES, makeBundle } from './fixture.js';
import { forwardGet } from './forward.js';

let fixture: TestBundle;
let server: ReplayServer;
let kc: KubeConfig;
let core: CoreV1Api;

beforeAll(async () => {
  fixture = await makeBundle();
  server = await startReplayServer({ bundle: fixture.bundle });
  kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await server.close();
  await fixture.cleanup();
});

describe('lists', () => {
  it('lists ztunnel pods by label selector', async () => {
    const list = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=ztunnel' });
    expect(list.items.map((p) => p.metadata?.name).sort()).toEqual(['ztunnel-aaaaa', 'ztunnel-bbbbb']);
    expect(list.metadata?.resourceVersion).toBe('4242');
  });

  it('lists pods on one node by field selector, across namespaces', async () => {
    const list = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-2' });
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort()).toEqual([
      'bookinfo/productpage-v1-5c8f',
      'istio-system/istio-cni-node-q8w4r',
      'istio-system/ztunnel-bbbbb',
    ]);
  });

  it('combines set-based label selectors with a status.phase field selector', async () => {
    const list = await core.listPodForAllNamespaces({ labelSelector: 'app in (productpage,reviews),version!=v3', fieldSelector: 'status.phase!=Running' });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(['reviews-v2-9a1b']);
  });

  it('reads one pod and reports a missing one as NotFound', async () => {
    const pod = await core.readNamespacedPod({ namespace: NS, name: 'ztunnel-aaaaa' });
    expect(pod.kind).toBe('Pod');
    expect(pod.spec?.nodeName).toBe('node-1');
    await expect(core.readNamespacedPod({ namespace: NS, name: 'ztunnel-zzzzz' })).rejects.toMatchObject({ code: 404 });
  });

  it('serves secrets as an empty list even though the bundle has none', async () => {
    const list = await core.listNamespacedSecret({ namespace: NS });
    expect(list.items).toEqual([]);
    expect(list.kind).toBe('SecretList');
  });

  it('serves config maps from cluster/configmaps/<ns>/<name>.json', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: NS, name: 'istio' });
    expect(cm.data?.mesh).toBe('defaultConfig: {}\n');
  });
});

describe('logs', () => {
  it('returns the last lines with tailLines', async () => {
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', tailLines: 2 });
    expect(text).toBe(ZTUNNEL_LOG_LINES.slice(-2).join('\n') + '\n');
  });

  it('filters by sinceSeconds relative to the collection time, not the wall clock', async () => {
    // Collected 09:30:00; the last 15 minutes hold the 09:20 and 09:29:30 lines.
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', sinceSeconds: 15 * 60 });
    expect(text).toBe(ZTUNNEL_LOG_LINES.slice(-2).join('\n') + '\n');
  });

  it('applies sinceSeconds before tailLines, as the kubelet does', async () => {
    // Since 09:00: three lines (09:10, 09:20, 09:29:30); the tail of 2 keeps the last two of those.
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', sinceSeconds: 30 * 60, tailLines: 2 });
    expect(text).toBe(ZTUNNEL_LOG_LINES.slice(-2).join('\n') + '\n');
    const all = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', sinceSeconds: 30 * 60, tailLines: 10 });
    expect(all).toBe(ZTUNNEL_LOG_LINES.slice(-3).join('\n') + '\n');
  });

  it('keeps continuation lines with the entry they belong to', async () => {
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', tailLines: 6 });
    expect(text.split('\n').slice(0, 2)).toEqual(['  proxy: true', '  dnsProxy: true']);
  });

  it('cuts the body at limitBytes', async () => {
    const whole = await readFile(join(fixture.dir, 'ztunnel/ztunnel-aaaaa/ztunnel.log'));
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', limitBytes: 100 });
    expect(text).toBe(whole.subarray(0, 100).toString());
  });

  it('serves the previous container log, and the API error when there is none', async () => {
    const text = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', previous: true });
    expect(text).toContain('panicked at src/proxy.rs:42');
    const err = await core.readNamespacedPodLog({ namespace: NS, name: 'ztunnel-bbbbb', container: 'istio-proxy', previous: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 400 });
    expect(String((err as { body?: unknown }).body)).toContain('previous terminated container \\"istio-proxy\\" in pod \\"ztunnel-bbbbb\\" not found');
  });

  it('replays a log fetch that manifest.json recorded as a 500', async () => {
    const err = await core.readNamespacedPodLog({ namespace: NS, name: 'istio-cni-node-q8w4r', container: 'install-cni' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 500 });
    expect(String((err as { body?: unknown }).body)).toContain('tls: internal error');
  });
});

describe('port-forward', () => {
  it('fetches ztunnel :15000/config_dump byte-identical to the bundle file', async () => {
    const res = await forwardGet(kc, { namespace: NS, pod: 'ztunnel-aaaaa', port: 15000, path: '/config_dump' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.equals(await readFile(join(fixture.dir, 'ztunnel/ztunnel-aaaaa/config_dump.json')))).toBe(true);
  });

  it('fetches metrics from :15020 as text/plain', async () => {
    for (const path of ['/metrics', '/stats/prometheus']) {
      const res = await forwardGet(kc, { namespace: NS, pod: 'ztunnel-aaaaa', port: 15020, path });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.body.toString()).toContain('istio_tcp_connections_opened_total{reporter="destination"');
    }
  });

  it('replays readiness from ready.txt, status line included', async () => {
    const ready = await forwardGet(kc, { namespace: NS, pod: 'ztunnel-aaaaa', port: 15021, path: '/healthz/ready' });
    expect([ready.status, ready.body.toString()]).toEqual([200, 'ready\n']);
    const notReady = await forwardGet(kc, { namespace: NS, pod: 'ztunnel-bbbbb', port: 15021, path: '/healthz/ready' });
    expect([notReady.status, notReady.body.toString()]).toEqual([500, 'not ready, pending: state manager\n']);
  });

  it('answers istiod config_dump for a connected ztunnel, and 404 for one that is not', async () => {
    const connected = await forwardGet(kc, { namespace: NS, pod: 'istiod-7d9f8-xk2lp', port: 15014, path: '/debug/config_dump?proxyID=ztunnel-aaaaa.istio-system&types=wds,wads' });
    expect(connected.status).toBe(200);
    expect(JSON.parse(connected.body.toString()).configs[0]['@type']).toBe('type.googleapis.com/istio.workload.Address');
    const other = await forwardGet(kc, { namespace: NS, pod: 'istiod-7d9f8-xk2lp', port: 15014, path: '/debug/config_dump?proxyID=ztunnel-bbbbb.istio-system&types=wds,wads' });
    expect(other.status).toBe(404);
    expect(other.body.toString()).toBe('Proxy not connected to this Pilot instance. It may be connected to another instance.\n');
  });

  it('serves istiod debug endpoints and metrics on :15014', async () => {
    const syncz = await forwardGet(kc, { namespace: NS, pod: 'istiod-7d9f8-xk2lp', port: 15014, path: '/debug/syncz' });
    expect(JSON.parse(syncz.body.toString())[0].proxy).toBe('ztunnel-aaaaa.istio-system');
    const metrics = await forwardGet(kc, { namespace: NS, pod: 'istiod-7d9f8-xk2lp', port: 15014, path: '/metrics' });
    expect(metrics.body.toString()).toContain('pilot_xds_pushes{type="wds"} 4');
  });

  it('refuses the upgrade with 403 when the bundle recorded a forbidden port-forward', async () => {
    await expect(forwardGet(kc, { namespace: NS, pod: 'ztunnel-bbbbb', port: 15000, path: '/config_dump' })).rejects.toThrow(/403/);
  });

  it('reports an unrecorded port on the error channel like the kubelet', async () => {
    // The tunnel closes without an HTTP answer; the message arrives on channel 1.
    await expect(forwardGet(kc, { namespace: 'bookinfo', pod: 'productpage-v1-5c8f', port: 9080, path: '/' })).rejects.toThrow(
      'error channel: error forwarding port 9080 to pod uid-productpage-v1-5c8f, uid : nothing listens on port 9080',
    );
  });

  it('refuses an unknown pod with 404 at the upgrade', async () => {
    await expect(forwardGet(kc, { namespace: NS, pod: 'ztunnel-zzzzz', port: 15000, path: '/config_dump' })).rejects.toThrow(/404/);
  });
});
