/**
 * Replays real upstream data in place (never copied into the project): istioctl's ztunnel
 * config_dump test fixture through a port-forward, byte for byte, and the collected real ztunnel
 * log lines (plain, legacy and JSON formats) through the log endpoint's since/tail filters.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleSource } from '../../src/bundle/source.js';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { NS, type TestBundle, makeBundle } from './fixture.js';
import { forwardGet } from './forward.js';

const upstream = (p: string) => fileURLToPath(new URL(`../../../shared/upstream/${p}`, import.meta.url));
const DUMP = upstream('istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json');
const LOG = upstream('ztunnel-log-samples.txt');
const present = existsSync(DUMP) && existsSync(LOG);

/** The test bundle, with some of its paths answered by files outside it (read in place). */
function overlay(base: BundleSource, extra: Record<string, string>): BundleSource {
  const paths = [...new Set([...base.list(), ...Object.keys(extra)])].sort();
  return {
    description: `${base.description} + upstream`,
    list: () => paths,
    has: (p) => p in extra || base.has(p),
    size: (p) => (p in extra ? statSync(extra[p]!).size : base.size(p)),
    readText: (p, o) => (p in extra ? readFile(extra[p]!, 'utf8') : base.readText(p, o)),
    readBytes: (p, o) => (p in extra ? readFile(extra[p]!) : base.readBytes(p, o)),
    openStream: (p): Readable => (p in extra ? createReadStream(extra[p]!) : base.openStream(p)),
    close: () => base.close(),
  };
}

describe.skipIf(!present)(`upstream data replayed${present ? '' : ' (skipped: ../shared not present)'}`, () => {
  let fixture: TestBundle;
  let server: ReplayServer;
  let kc: KubeConfig;

  beforeAll(async () => {
    fixture = await makeBundle();
    const bundle = overlay(fixture.bundle, { 'ztunnel/ztunnel-aaaaa/config_dump.json': DUMP, 'ztunnel/ztunnel-aaaaa/ztunnel.log': LOG });
    server = await startReplayServer({ bundle });
    kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
  });

  afterAll(async () => {
    await server.close();
    await fixture.cleanup();
  });

  it('forwards istioctl\'s config_dump fixture byte for byte', async () => {
    const res = await forwardGet(kc, { namespace: NS, pod: 'ztunnel-aaaaa', port: 15000, path: '/config_dump' });
    expect(res.status).toBe(200);
    expect(res.body.equals(await readFile(DUMP))).toBe(true);
  });

  it('filters real log lines by sinceTime, JSON lines by their "time" field', async () => {
    const text = await readFile(LOG, 'utf8');
    // Every plain-format line predates 2026; the JSON lines are from August 2026, and the lines after them follow them.
    const expected = text.slice(text.indexOf('{"level"'));
    const res = await fetch(`${server.url}/api/v1/namespaces/${NS}/pods/ztunnel-aaaaa/log?container=istio-proxy&sinceTime=2026-08-01T00:00:00Z`);
    expect(await res.text()).toBe(expected);
  });

  it('returns the tail of a real log', async () => {
    const lines = (await readFile(LOG, 'utf8')).split('\n');
    const text = await kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy', tailLines: 4 });
    expect(text).toBe(lines.slice(-5).join('\n'));
  });
});
