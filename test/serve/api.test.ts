/**
 * The REST surface in detail, over plain HTTP: discovery for Istio groups, namespaced and
 * cluster-scoped gets, Status objects shaped like the API server's, refused writes and watches,
 * bad queries, the pod proxy, and damaged bundle files answered with a 500 naming the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { NS, type TestBundle, makeBundle, standardFiles } from './fixture.js';

let fixture: TestBundle | undefined;
let server: ReplayServer | undefined;

async function serve(files: Record<string, string> = standardFiles()): Promise<(path: string, init?: RequestInit) => Promise<{ status: number; body: any; text: string; type: string | null }>> {
  fixture = await makeBundle(files);
  server = await startReplayServer({ bundle: fixture.bundle });
  const base = server.url;
  return async (path, init) => {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, type: res.headers.get('content-type') };
  };
}

afterEach(async () => {
  await server?.close();
  await fixture?.cleanup();
  server = undefined;
  fixture = undefined;
});

describe('discovery', () => {
  it('announces Istio groups with the version taken from the items', async () => {
    const get = await serve();
    const groups = (await get('/apis')).body.groups.map((g: { name: string; preferredVersion: { groupVersion: string } }) => `${g.name}=${g.preferredVersion.groupVersion}`);
    expect(groups).toEqual(['apps=apps/v1', 'discovery.k8s.io=discovery.k8s.io/v1', 'networking.k8s.io=networking.k8s.io/v1', 'security.istio.io=security.istio.io/v1']);
    const list = (await get('/apis/security.istio.io/v1')).body;
    expect(list.resources).toEqual([{ name: 'authorizationpolicies', singularName: 'authorizationpolicy', namespaced: true, kind: 'AuthorizationPolicy', verbs: ['get', 'list'] }]);
  });

  it('prefers GA over beta over alpha when a group has several versions', async () => {
    const files = standardFiles();
    const list = (apiVersion: string, kind: string) => JSON.stringify({ items: [{ apiVersion, kind, metadata: { name: 'x', namespace: 'bookinfo' } }] });
    files['cluster/istio/sidecars.networking.istio.io.json'] = list('networking.istio.io/v1alpha3', 'Sidecar');
    files['cluster/istio/serviceentries.networking.istio.io.json'] = list('networking.istio.io/v1', 'ServiceEntry');
    files['cluster/istio/destinationrules.networking.istio.io.json'] = list('networking.istio.io/v1beta1', 'DestinationRule');
    const get = await serve(files);
    const group = (await get('/apis/networking.istio.io')).body;
    expect(group.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha3']);
    expect((await get('/apis/networking.istio.io/v1alpha3/namespaces/bookinfo/sidecars/x')).body).toMatchObject({ kind: 'Sidecar', apiVersion: 'networking.istio.io/v1alpha3' });
  });

  it('lists the pod subresources kubectl and client-node need', async () => {
    const get = await serve();
    const names = (await get('/api/v1')).body.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/log', 'pods/portforward', 'nodes', 'namespaces', 'services', 'configmaps', 'events', 'resourcequotas', 'secrets']));
  });
});

describe('objects and errors', () => {
  it('gets a cluster-scoped namespace and a namespaced daemonset with kind and apiVersion', async () => {
    const get = await serve();
    expect((await get('/api/v1/namespaces/bookinfo')).body).toMatchObject({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'bookinfo' } });
    expect((await get(`/apis/apps/v1/namespaces/${NS}/daemonsets/ztunnel`)).body).toMatchObject({ kind: 'DaemonSet', apiVersion: 'apps/v1' });
  });

  it('answers a missing object in a group with the API server\'s NotFound Status', async () => {
    const get = await serve();
    const res = await get(`/apis/apps/v1/namespaces/${NS}/daemonsets/istio-cni-node`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'daemonsets.apps "istio-cni-node" not found',
      reason: 'NotFound',
      details: { name: 'istio-cni-node', group: 'apps', kind: 'daemonsets' },
      code: 404,
    });
  });

  it('scopes a namespaced list to its namespace', async () => {
    const get = await serve();
    const names = (await get('/api/v1/namespaces/bookinfo/pods')).body.items.map((p: { metadata: { name: string } }) => p.metadata.name);
    expect(names).toEqual(['productpage-v1-5c8f', 'reviews-v2-9a1b']);
  });

  it('refuses writes and watches with 405 and unknown paths with 404', async () => {
    const get = await serve();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await get(`/api/v1/namespaces/${NS}/configmaps/istio`, { method, body: '{}' });
      expect([res.status, res.body.reason]).toEqual([405, 'MethodNotAllowed']);
    }
    expect((await get('/api/v1/pods?watch=true')).status).toBe(405);
    expect((await get('/apis/example.com/v1/widgets')).body).toMatchObject({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
  });

  it('answers a request target that is not a URL with 404 instead of failing', async () => {
    const get = await serve();
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(new URL(server!.url).port), '127.0.0.1', () => sock.end('GET // HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      sock.on('data', (c: Buffer) => (text += c.toString()));
      sock.on('end', () => resolve(text));
      sock.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 404 Not Found');
    expect((await get('/version')).status).toBe(200);
  });

  it('answers a malformed selector with 400 BadRequest', async () => {
    const get = await serve();
    const res = await get('/api/v1/pods?labelSelector=app%20in%20(x');
    expect([res.status, res.body.reason]).toEqual([400, 'BadRequest']);
    expect((await get('/api/v1/pods?fieldSelector=spec.hostNetwork%3Dtrue')).body.message).toBe('field label not supported: spec.hostNetwork');
  });

  it('serves ztunnel pods found only as ztunnel/<pod>/pod.json, while pods.json wins for the others', async () => {
    const files = standardFiles();
    const extra = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ztunnel-ccccc', namespace: NS, labels: { app: 'ztunnel' } }, spec: { nodeName: 'node-3' } };
    files['ztunnel/ztunnel-ccccc/pod.json'] = JSON.stringify(extra);
    files['ztunnel/ztunnel-aaaaa/pod.json'] = JSON.stringify({ metadata: { name: 'ztunnel-aaaaa', namespace: NS }, spec: { nodeName: 'stale-node' } });
    const get = await serve(files);
    const items = (await get(`/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dztunnel`)).body.items;
    expect(items.map((p: { metadata: { name: string }; spec: { nodeName: string } }) => `${p.metadata.name}@${p.spec.nodeName}`)).toEqual([
      'ztunnel-aaaaa@node-1',
      'ztunnel-bbbbb@node-2',
      'ztunnel-ccccc@node-3',
    ]);
  });

  it('answers a damaged list file with a 500 naming the file, and keeps serving the rest', async () => {
    const files = standardFiles();
    files['cluster/nodes.json'] = '{"kind":"NodeList","items":[{"metadata":';
    const get = await serve(files);
    const res = await get('/api/v1/nodes');
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/^cluster\/nodes\.json: is not valid JSON/);
    expect((await get('/api/v1/namespaces')).status).toBe(200);
  });

  it('falls back to the newest pod or event time for the clock without a manifest', async () => {
    const files = standardFiles();
    delete files['manifest.json'];
    await serve(files);
    // The newest timestamp in the fixture pods is their startTime.
    expect(server!.clock.toISOString()).toBe('2026-11-24T08:00:05.000Z');
  });
});

describe('logs and proxy', () => {
  it('validates log options like the API server', async () => {
    const get = await serve();
    const base = `/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa/log`;
    expect((await get(`${base}?sinceSeconds=60&sinceTime=2026-11-25T09:00:00Z`)).body.message).toBe('at most one of `sinceTime` or `sinceSeconds` may be specified');
    expect((await get(`${base}?tailLines=-1`)).status).toBe(400);
    expect((await get(`${base}?container=discovery`)).body.message).toBe('container discovery is not valid for pod ztunnel-aaaaa');
  });

  it('counts lines the same whether or not a time filter makes it read line by line', async () => {
    const files = standardFiles();
    const log = Array.from({ length: 300 }, (_, i) => (i % 7 === 3 ? `  continuation ${i}` : `2026-11-25T08:${String(i % 60).padStart(2, '0')}:00.000000Z\tinfo\tx\tline ${i}`));
    files['ztunnel/ztunnel-aaaaa/ztunnel.log'] = log.join('\n'); // no final newline
    const get = await serve(files);
    const base = `/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa/log?container=istio-proxy`;
    for (const tail of [0, 1, 5, 299, 300, 1000]) {
      const raw = await get(`${base}&tailLines=${tail}`);
      const filtered = await get(`${base}&tailLines=${tail}&sinceTime=2000-01-01T00:00:00Z`);
      expect(raw.text).toBe(filtered.text);
      expect(raw.text).toBe(log.slice(log.length - Math.min(tail, log.length)).join('\n'));
    }
  });

  it('defaults to the only recorded container and prefixes timestamps when asked', async () => {
    const get = await serve();
    const res = await get(`/api/v1/namespaces/${NS}/pods/istiod-7d9f8-xk2lp/log?timestamps=true`);
    expect(res.type).toBe('text/plain');
    expect(res.text).toBe('2026-11-25T09:29:00.000000Z 2026-11-25T09:29:00.000000Z\tinfo\tads\tADS: new connection for node:ztunnel-aaaaa.istio-system-1\n');
  });

  it('proxies to recorded ports and refuses the localhost-only admin port, like a real cluster', async () => {
    const get = await serve();
    const metrics = await get(`/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa:15020/proxy/stats%2Fprometheus`);
    expect([metrics.status, metrics.type]).toEqual([200, 'text/plain; charset=utf-8']);
    expect(metrics.text).toBe(standardFiles()['ztunnel/ztunnel-aaaaa/metrics.prom']);
    const admin = await get(`/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa:15000/proxy/config_dump`);
    expect(admin.status).toBe(503);
    const dump = await get(`/api/v1/namespaces/${NS}/pods/istiod-7d9f8-xk2lp:15014/proxy/debug/config_dump?proxyID=ztunnel-aaaaa.istio-system`);
    expect(dump.status).toBe(200);
  });
});
