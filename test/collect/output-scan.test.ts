/**
 * collect scans what it writes instead of reading its archive back (src/collect/output-scan.ts):
 * the hits it finds while writing must be the hits scanBundle finds in the written archive, in the
 * same order. Checked on the fixtures replayed through the replay server, and on a replayed cluster
 * seeded with what redaction leaves and the scan catches (random-looking strings; known-format
 * secrets with --no-redact), in large bodies (scanned on the redaction worker), logs (spool
 * files), Kubernetes lists, identical artifacts stored once as a hard link, and more hits than the
 * scan reports; with the collector from src/ (work on the calling thread) and from dist/ (worker
 * threads), tar.gz and zip.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { collect } from '../../src/collect/collect.js';
import { loadKubeConfig } from '../../src/collect/kube-client.js';
import { OutputScan } from '../../src/collect/output-scan.js';
import { LIMITS_ENV } from '../../src/bundle/limits.js';
import { scanBundle, type ScanHit } from '../../src/scan/scan.js';
import { startReplayServer } from '../../src/serve/server.js';
import { makeBundle } from '../serve/fixture.js';
import { SEEDED } from '../redact/seeded.js';
import { PODS, clusterFiles, configDump } from './fixture.js';
import { collectFromReplay, type CollectRun } from './replay.js';

type Collect = typeof collect;
/** The compiled collector: its RedactPool finds dist/collect/redact-worker.js and runs real workers. */
const fromDist = (await import(new URL('../../dist/collect/collect.js', import.meta.url).href)) as { collect: Collect };
const IMPLEMENTATIONS: [string, Collect][] = [
  ['src (calling thread)', collect],
  ['dist (worker threads)', fromDist.collect],
];

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Compared {
  inStream: ScanHit[] | undefined;
  readBack: ScanHit[];
  bundle: BundleSource;
}

/** Collects from a replay of `source` and scans the written archive the old way too. */
async function collectAndReadBack(source: BundleSource, options: { impl: Collect; redact: boolean; outputName?: string }): Promise<Compared> {
  const server = await startReplayServer({ bundle: source, port: 0, faults: [], latencyMs: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'output-scan-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfig, server.kubeconfig(), { mode: 0o600 });
  const output = join(dir, options.outputName ?? 'bundle.tar.gz');
  let result;
  try {
    result = await options.impl({
      kc: loadKubeConfig({ kubeconfig }),
      istioNamespace: 'istio-system',
      output,
      focus: [],
      concurrency: 8,
      timeoutMs: 10_000,
      maxLogBytes: 8 << 20,
      redact: options.redact,
      tool: { name: 'ztunnel-bundle', version: 'test' },
    });
  } finally {
    await server.close();
  }
  expect(result.output).toBe(output);
  const bundle = await openBundle(output);
  cleanups.push(() => bundle.close());
  return { inStream: result.scanHits, readBack: await scanBundle(bundle), bundle };
}

async function served(files: Record<string, string>): Promise<BundleSource> {
  const made = await makeBundle(files);
  cleanups.push(() => made.cleanup());
  return made.bundle;
}

/** Random-looking strings in no known format (redaction keeps them; the scan flags them). */
function randomish(seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let state = seed * 2654435761 + 12345;
  let out = '';
  for (let i = 0; i < 40; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[state % alphabet.length];
  }
  return out;
}

/** A config dump of `count` workloads, every `every`th carrying a random-looking token. */
function largeDump(node: string, count: number, every: number): string {
  const dump = configDump(node) as ReturnType<typeof configDump> & { workloads: Record<string, unknown>[] };
  dump.workloads = Array.from({ length: count }, (_, i) => ({
    uid: `Kubernetes//Pod/bookinfo/reviews-${i}`,
    name: `reviews-${i}`,
    namespace: 'bookinfo',
    protocol: 'HBONE',
    node,
    ...(i % every === 0 ? { annotation: `build ${randomish(i)}` } : {}),
  }));
  return JSON.stringify(dump, null, 2);
}

/** The small replayed cluster, seeded with what the leak scan must still find after redaction. */
function seededFiles(options: { flood?: boolean } = {}): Record<string, string> {
  const files = clusterFiles();
  // Both ztunnels report the same large dump: one copy in the archive, a hard link for the other.
  const dump = largeDump('node-1', 4000, 97);
  files['ztunnel/ztunnel-aaaaa/config_dump.json'] = dump;
  files['ztunnel/ztunnel-bbbbb/config_dump.json'] = dump;
  files['istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json'] = largeDump('node-2', 3000, 113);
  // A pod list large enough for the worker, with a random-looking annotation value.
  const pods = structuredClone(PODS) as { metadata: { name: string; namespace: string; annotations?: Record<string, string> } }[];
  for (let i = 0; i < 400; i++) {
    const extra = structuredClone(PODS[5]!) as (typeof pods)[number];
    extra.metadata.name = `productpage-v1-${i}`;
    if (i % 50 === 0) extra.metadata.annotations = { 'example.com/build': randomish(10_000 + i) };
    pods.push(extra);
  }
  files['cluster/pods.json'] = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: pods }, null, 2);
  files['ztunnel/ztunnel-aaaaa/ztunnel.log'] += `${SEEDED.map((s) => s.text).join('\n')}\nupstream answered ${randomish(7)}\n`;
  files['istiod/istiod-7d9f8-xk2lp/metrics.prom'] += `# HELP build ${randomish(8)}\n`;
  if (options.flood) {
    // More hits than the scan reports, early in the bundle's order: what follows is cut off.
    files['cni/istio-cni-node-q8w4r/install-cni.log'] += Array.from({ length: 2000 }, (_, i) => `2026-11-25T09:00:01.000000Z\tinfo\tinstall\tid ${randomish(20_000 + i)}\n`).join('');
  }
  return files;
}

const FIXTURES = ['healthy', 'broken'].map((name) => [name, fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))] as const);

describe.each(IMPLEMENTATIONS)('collect scans what it writes, collector from %s', (_name, impl) => {
  it.each(FIXTURES)('fixtures/%s replayed: the in-stream scan equals scanBundle of the archive', async (_fixture, dir) => {
    const source = await openBundle(dir);
    cleanups.push(() => source.close());
    for (const redact of [true, false]) {
      const { inStream, readBack, bundle } = await collectAndReadBack(source, { impl, redact });
      expect(bundle.list().length).toBeGreaterThan(20);
      expect(inStream).toEqual(readBack);
    }
  });

  it('seeded secrets, redacted: the random-looking ones are found in every kind of artifact, hard links under both names', async () => {
    const { inStream, readBack } = await collectAndReadBack(await served(seededFiles()), { impl, redact: true });
    expect(inStream).toEqual(readBack);
    const files = new Set(readBack.map((h) => h.file));
    for (const file of ['ztunnel/ztunnel-aaaaa/config_dump.json', 'ztunnel/ztunnel-bbbbb/config_dump.json', 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json', 'cluster/pods.json', 'ztunnel/ztunnel-aaaaa/ztunnel.log', 'istiod/istiod-7d9f8-xk2lp/metrics.prom']) {
      expect(files, file).toContain(file);
    }
    expect(readBack.every((h) => h.kind === 'high-entropy')).toBe(true);
  });

  it.each([
    ['tar.gz', 'bundle.tar.gz'],
    ['zip', 'bundle.zip'],
  ])('seeded secrets with --no-redact (%s): the known-format ones too, same hits, same order', async (_format, outputName) => {
    const { inStream, readBack, bundle } = await collectAndReadBack(await served(seededFiles()), { impl, redact: false, outputName });
    expect(inStream).toEqual(readBack);
    expect(new Set(readBack.map((h) => h.kind)).size).toBeGreaterThan(5);
    expect(bundle.sameFileAs('ztunnel/ztunnel-bbbbb/config_dump.json')).toBe(outputName.endsWith('.zip') ? undefined : 'ztunnel/ztunnel-aaaaa/config_dump.json');
  });

  it('more hits than the scan reports: the first 1000 in bundle order, as scanBundle cuts them', async () => {
    const { inStream, readBack } = await collectAndReadBack(await served(seededFiles({ flood: true })), { impl, redact: true });
    expect(readBack).toHaveLength(1000);
    expect(inStream).toEqual(readBack);
    expect(readBack.at(-1)!.file).toBe('cni/istio-cni-node-q8w4r/install-cni.log');
  });
});

describe('OutputScan: when only reading the archive back can tell', () => {
  const random = '9fK2xQ7vLm3RtB8wZp1NcY6sHd4JgE0uVa5Ti+Ok';
  const entry = (scan: OutputScan, path: string, text: string) => scan.add(path, { data: text }, { stored: 'copy' });

  it('answers with the hits, sorted by path, when the reader would open the archive', async () => {
    const scan = new OutputScan({ settings: { maxTextBytes: 1 << 20 } });
    entry(scan, 'ztunnel/b/ztunnel.log', `x ${random}\n`);
    entry(scan, 'cluster/a.json', `{"k": "${random}"}\n`);
    const hits = await scan.result();
    expect(hits?.map((h) => h.file)).toEqual(['cluster/a.json', 'ztunnel/b/ztunnel.log']);
  });

  it('says "read it back" when the archive is over the reader limits, so the read gives its error', async () => {
    process.env[LIMITS_ENV] = JSON.stringify({ maxEntries: 2 });
    try {
      const scan = new OutputScan({ settings: { maxTextBytes: 1 << 20 } });
      for (const name of ['a', 'b', 'c']) entry(scan, `cluster/${name}.json`, '{}\n');
      expect(await scan.result()).toBeUndefined();
    } finally {
      delete process.env[LIMITS_ENV];
    }
  });

  it('says "read it back" once it holds far more hits than it reports', async () => {
    const scan = new OutputScan({ settings: { maxTextBytes: 1 << 20 }, maxHits: 2 });
    const lines = `id ${random}\n`.repeat(300);
    entry(scan, 'cni/x/install-cni.log', lines);
    expect(await scan.result()).toBeUndefined();
  });

  it('collect over the reader limits prints the reader error, as when it always read the archive back', async () => {
    let run: CollectRun | undefined;
    try {
      // Once the replay server has read its own bundle: only collect's output is over the limit.
      run = await collectFromReplay({ during: () => (process.env[LIMITS_ENV] = JSON.stringify({ maxEntries: 20 })) });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`ztunnel-bundle collect: ${run.output}: holds more than 20 entries, over the limit\n`);
    } finally {
      delete process.env[LIMITS_ENV];
      await run?.cleanup();
    }
  });
});
