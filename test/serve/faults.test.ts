/**
 * Fault injection and load: a 403 on one port-forward, a 500 on a log, a reset in the middle of a
 * log body and of a tunnel, a 429 that clears after one try, latency that is measurably added,
 * a hang that close() still ends, hundreds of concurrent port-forwards, and a bundle left untouched.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/serve/faults.js';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { NS, type TestBundle, makeBundle } from './fixture.js';
import { forwardGet } from './forward.js';

let fixture: TestBundle | undefined;
let server: ReplayServer | undefined;

async function serve(options: { faults?: Fault[]; latencyMs?: number; files?: Record<string, string> } = {}) {
  fixture = await makeBundle(options.files);
  server = await startReplayServer({ bundle: fixture.bundle, ...options });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return { kc, core: kc.makeApiClient(CoreV1Api), server, fixture };
}

afterEach(async () => {
  await server?.close();
  await fixture?.cleanup();
  server = undefined;
  fixture = undefined;
});

const CONFIG_DUMP = { namespace: NS, pod: 'ztunnel-aaaaa', port: 15000, path: '/config_dump' };

describe('faults', () => {
  it('fails one port-forward with 403 and lets the others through', async () => {
    const { kc } = await serve({ faults: [{ match: { pod: 'ztunnel-aaaaa', port: 15000 }, status: 403 }] });
    await expect(forwardGet(kc, CONFIG_DUMP)).rejects.toThrow(/403/);
    const metrics = await forwardGet(kc, { ...CONFIG_DUMP, port: 15020, path: '/metrics' });
    expect(metrics.status).toBe(200);
  });

  it('fails a log with 500 as a Status object', async () => {
    const { server: s } = await serve({ faults: [{ match: { path: '/log$' }, status: 500 }] });
    const res = await fetch(`${s.url}/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa/log?container=istio-proxy`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ kind: 'Status', code: 500, reason: 'InternalError' });
  });

  it('answers 429 once, then serves normally (times)', async () => {
    const { core } = await serve({ faults: [{ match: { path: '/pods$' }, status: 429, times: 1 }] });
    await expect(core.listNamespacedPod({ namespace: NS })).rejects.toMatchObject({ code: 429 });
    const list = await core.listNamespacedPod({ namespace: NS });
    expect(list.items.length).toBe(4);
  });

  it('resets a log in the middle of its body', async () => {
    const longLog = Array.from({ length: 5000 }, (_, i) => `2026-11-25T09:0${i % 10}:00.000000Z\tinfo\taccess\tconnection complete\tn=${i}`).join('\n') + '\n';
    const { server: s } = await serve({
      faults: [{ match: { path: 'ztunnel-aaaaa/log$' }, reset: true }],
      files: { ...(await import('./fixture.js')).standardFiles(), 'ztunnel/ztunnel-aaaaa/ztunnel.log': longLog },
    });
    const res = await fetch(`${s.url}/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa/log?container=istio-proxy`);
    expect(res.status).toBe(200);
    const received: number[] = [];
    const read = (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received.push(chunk.length);
    })();
    await expect(read).rejects.toThrow();
    const total = received.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(Buffer.byteLength(longLog));
  });

  it('resets a port-forward after a few bytes of the response', async () => {
    const { kc } = await serve({ faults: [{ match: { pod: 'ztunnel-aaaaa', port: 15000 }, reset: true }] });
    // The upgrade succeeds; the HTTP response breaks off inside its head.
    await expect(forwardGet(kc, CONFIG_DUMP)).rejects.toThrow(/^socket hang up$/);
  });

  it('applies a status fault to HTTP requests inside a tunnel by their path', async () => {
    const { kc } = await serve({ faults: [{ match: { path: '^/stats/prometheus$' }, status: 503 }] });
    const failed = await forwardGet(kc, { ...CONFIG_DUMP, port: 15020, path: '/stats/prometheus' });
    expect(failed.status).toBe(503);
    const ok = await forwardGet(kc, { ...CONFIG_DUMP, port: 15020, path: '/metrics' });
    expect(ok.status).toBe(200);
  });

  it('adds the global latency to REST calls and to requests inside a tunnel', async () => {
    const { core, kc } = await serve({ latencyMs: 150 });
    let started = performance.now();
    await core.listNamespacedPod({ namespace: NS });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    started = performance.now();
    await forwardGet(kc, CONFIG_DUMP);
    // Once for the upgrade, once for the GET inside the tunnel.
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('adds a fault latency only to the matching requests', async () => {
    const { core } = await serve({ faults: [{ match: { path: '/nodes$' }, latencyMs: 300 }] });
    let started = performance.now();
    await core.listNode();
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    started = performance.now();
    await core.listNamespace();
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('hangs a request until the server is closed', async () => {
    const { server: s } = await serve({ faults: [{ match: { path: '/nodes$' }, hang: true }] });
    const pending = fetch(`${s.url}/api/v1/nodes`).then(
      () => 'answered',
      () => 'failed',
    );
    const early = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still waiting'), 300))]);
    expect(early).toBe('still waiting');
    await s.close();
    expect(await pending).toBe('failed');
  });
});

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const info = await stat(path);
    out.set(path, `${createHash('sha256').update(await readFile(path)).digest('hex')} ${info.mtimeMs} ${info.size}`);
  }
  return out;
}

describe('load and safety', () => {
  it('handles 300 concurrent port-forwards and leaves the bundle untouched', async () => {
    const { kc, fixture: f, server: s } = await serve();
    const before = await snapshot(f.dir);
    const expected = await readFile(join(f.dir, 'ztunnel/ztunnel-aaaaa/config_dump.json'));
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 300 }, () => forwardGet(kc, CONFIG_DUMP)));
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.status === 200 && r.body.equals(expected))).toBe(true);
    expect(s.stats.requests).toBe(600);
    expect(elapsed).toBeLessThan(20_000);
    // Write verbs are refused, and nothing in the bundle changed.
    const del = await fetch(`${s.url}/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(await del.json()).toMatchObject({ reason: 'MethodNotAllowed' });
    expect(await snapshot(f.dir)).toEqual(before);
  });
});
