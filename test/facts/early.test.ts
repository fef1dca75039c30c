/**
 * Parsing files while an archive is extracted (src/facts/early.ts) must not change the analysis:
 * whatever subset of files is parsed early, in whatever order, with whatever damage, the report is
 * the one built by reading every file after extraction. Also: an early result is handed over only
 * for the parser it was made with, and only once; `analyze` of a real .tar.gz takes every file it
 * parsed early; and a broken rule stops the extraction and leaves no directory behind.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TarArchive } from 'archiver';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/analyze.js';
import { overlayBundle } from '../../src/bundle/memory.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { runAnalyze } from '../../src/commands/analyze.js';
import { EarlyParses, parsePodList } from '../../src/facts/early.js';
import type { Report } from '../../src/report/types.js';
import { loadRules } from '../../src/rules/loader.js';
import type { Rule } from '../../src/rules/types.js';
import { makeTempRoot, removeTempRoot } from '../bundle/helpers.js';
import { FUZZ_TEST_TIMEOUT_MS, mutatedBytes, mutatedJson } from '../fuzz/mutate.js';
import { ROOT } from '../support/cli.js';

const FIXTURE = join(ROOT, 'fixtures/broken');
/** The files EarlyParses parses (every one of them is buffered by a tar extraction in the fixture). */
const EARLY = /^(cluster\/(pods|namespaces|nodes|services)\.json|ztunnel\/[^/]+\/(config_dump\.json|metrics\.prom|ztunnel(\.previous)?\.log)|cni\/[^/]+\/install-cni\.log|istiod\/[^/]+\/discovery\.log)$/;

let fixture: BundleSource;
let rules: Rule[];
let work: string;

beforeAll(async () => {
  fixture = await openBundle(FIXTURE);
  rules = await loadRules();
  work = await makeTempRoot('early');
});
afterAll(async () => {
  await fixture?.close();
  await removeTempRoot(work);
});

/** The report without the one field that names where the bundle came from. */
function comparable(report: Report): unknown {
  return { ...report, bundle: { ...report.bundle, source: '' } };
}

/** The fixture as a .tar.gz with a top folder, as collect writes bundles. */
async function packFixture(file: string): Promise<string> {
  const archive = new TarArchive({ gzip: true });
  const done = pipeline(archive, createWriteStream(file));
  archive.directory(FIXTURE, 'broken');
  await archive.finalize();
  await done;
  return file;
}

async function bytesOf(bundle: BundleSource, path: string): Promise<Buffer> {
  return Buffer.from(await bundle.readBytes(path));
}

describe('EarlyParses', () => {
  it('hands a result over once, and only to the parser that made it', async () => {
    const early = new EarlyParses();
    early.offer('cluster/pods.json', await bytesOf(fixture, 'cluster/pods.json'));
    const other = (text: string) => text.length;
    expect(early.take('cluster/pods.json', other)).toBeUndefined();
    const result = early.take('cluster/pods.json', parsePodList);
    expect(result && 'value' in result ? (result.value as { items: unknown[] }).items.length : -1).toBeGreaterThan(0);
    expect(early.take('cluster/pods.json', parsePodList)).toBeUndefined();
    expect(early.stats).toEqual({ parsed: 1, taken: 1 });
  });

  it('leaves files it does not parse, and files too big to read whole, to the reader', async () => {
    const early = new EarlyParses({ maxTextBytes: 100 });
    early.offer('cluster/pods.json', await bytesOf(fixture, 'cluster/pods.json'));
    early.offer('cluster/events.json', Buffer.from('{"kind":"EventList","items":[]}'));
    expect(early.stats.parsed).toBe(0);
  });

  it('places the events of a log read early on the node buildFacts names, for that pod only', async () => {
    const log = [
      '2026-11-25T09:30:00.000000Z\twarn\txds::client\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unknown, message: "transport error"',
      '2026-11-25T09:30:01.000000Z\terror\taccess\tconnection complete\tsrc.addr=10.244.1.5:41234 src.workload="curl-7656cf8794-r7zb9" src.namespace="default" dst.addr=10.244.2.9:15008 dst.service="productpage.default.svc.cluster.local" direction="outbound" bytes_sent=0 bytes_recv=0 duration="3ms" error="connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008"',
    ].join('\n');
    const early = new EarlyParses();
    early.offer('ztunnel/ztunnel-abc/ztunnel.log', Buffer.from(log));
    expect(early.takeLog('ztunnel/ztunnel-abc/ztunnel.log', { component: 'ztunnel', pod: 'ztunnel-other', node: 'n1' })).toBeUndefined();
    const summary = early.takeLog('ztunnel/ztunnel-abc/ztunnel.log', { component: 'ztunnel', pod: 'ztunnel-abc', node: 'worker-2' });
    expect(summary?.issues.length).toBe(1);
    expect(summary?.trafficErrors.length).toBe(1);
    for (const fact of [...summary!.issues, ...summary!.trafficErrors, ...summary!.trafficPairs]) {
      expect(fact.node).toBe('worker-2');
      expect(fact.subject.node).toBe('worker-2');
    }
    expect(early.takeLog('ztunnel/ztunnel-abc/ztunnel.log', { component: 'ztunnel', pod: 'ztunnel-abc', node: 'worker-2' })).toBeUndefined();
  });

  it('keeps a parse error as the result, which the reader records like its own', async () => {
    const damaged = overlayBundle(fixture, { 'cluster/pods.json': '{"kind":"PodList","items":[' });
    const early = new EarlyParses();
    early.offer('cluster/pods.json', await bytesOf(damaged, 'cluster/pods.json'));
    const withEarly = await analyzeBundle(damaged, rules, { early });
    const without = await analyzeBundle(damaged, rules);
    expect(early.stats).toEqual({ parsed: 1, taken: 1 });
    expect(withEarly.report.findings.some((f) => f.ruleId === 'artifact-unreadable' && JSON.stringify(f).includes('cluster/pods.json'))).toBe(true);
    expect(comparable(withEarly.report)).toEqual(comparable(without.report));
  });
});

describe('analysis with files parsed early', () => {
  it('reports the same whatever files are parsed early, in whatever order, damaged or not', async () => {
    const parsed = fixture.list().filter((p) => EARLY.test(p));
    expect(parsed.filter((p) => p.endsWith('.log')).length).toBeGreaterThan(4);
    const damage = fc.constantFrom(...parsed).chain((path) => {
      const seed = readFileSync(join(FIXTURE, ...path.split('/')));
      return (path.endsWith('.json') ? mutatedJson([seed]) : mutatedBytes([seed])).map((c): [string, string | Buffer] => [path, c]);
    });
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { maxLength: 2 }), fc.shuffledSubarray(parsed), async (damaged, offered) => {
        const bundle = overlayBundle(fixture, Object.fromEntries(damaged));
        const early = new EarlyParses();
        for (const path of offered) early.offer(path, await bytesOf(bundle, path));
        const withEarly = await analyzeBundle(bundle, rules, { early });
        const without = await analyzeBundle(bundle, rules);
        expect(comparable(withEarly.report)).toEqual(comparable(without.report));
        expect(early.stats.taken).toBe(early.stats.parsed);
      }),
      { numRuns: 25 },
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it('parses a .tar.gz while extracting it and reports as from the directory', async () => {
    const archive = await packFixture(join(work, 'broken.tar.gz'));
    const early = new EarlyParses();
    const bundle = await openBundle(archive, { onFile: early.offer, tempRoot: work });
    try {
      const fromArchive = await analyzeBundle(bundle, rules, { early });
      const fromDirectory = await analyzeBundle(fixture, rules);
      // Every ztunnel's dump, metrics and logs, the four cluster lists, the istiod and istio-cni logs.
      const ztunnels = new Set(fixture.list().filter((p) => p.startsWith('ztunnel/')).map((p) => p.split('/')[1]));
      expect(early.stats.parsed).toBe(fixture.list().filter((p) => EARLY.test(p)).length);
      expect(ztunnels.size).toBeGreaterThan(1);
      expect(early.stats.taken).toBe(early.stats.parsed);
      expect(comparable(fromArchive.report)).toEqual(comparable(fromDirectory.report));
    } finally {
      await bundle.close();
    }
  });
});

describe('analysis of an archive extracted on a worker thread (compiled modules)', () => {
  it('takes what the worker posted (read early on this thread), and reports as from the directory', async () => {
    const dist = (path: string) => import(new URL(`../../dist/${path}`, import.meta.url).href);
    const [{ openBundle: openCompiled }, { EarlyParses: CompiledEarly }, { analyzeBundle: analyzeCompiled }, { loadRules: loadCompiled }] = await Promise.all([
      dist('bundle/open.js'), dist('facts/early.js'), dist('analyze/analyze.js'), dist('rules/loader.js'),
    ]);
    const archive = await packFixture(join(work, 'broken-worker.tar.gz'));
    const early = new CompiledEarly() as EarlyParses;
    const bundle = (await openCompiled(archive, { inWorker: true, onFile: early.offer, tempRoot: work })) as BundleSource;
    try {
      const compiledRules = (await loadCompiled()) as Rule[];
      const fromWorker = (await analyzeCompiled(bundle, compiledRules, { early })) as { report: Report };
      const fromDirectory = await analyzeBundle(fixture, rules);
      expect(early.stats.parsed).toBe(fixture.list().filter((p) => EARLY.test(p)).length);
      expect(early.stats.taken).toBe(early.stats.parsed);
      expect(comparable(fromWorker.report)).toEqual(comparable(fromDirectory.report));
    } finally {
      await bundle.close();
    }
  });
});

describe('analyze when the rules fail to load', () => {
  it('reports the rule error, stops extracting and leaves no directory', async () => {
    const archive = await packFixture(join(work, 'broken-for-rules.tar.gz'));
    const ruleDir = join(work, 'bad-rules');
    await mkdir(ruleDir, { recursive: true });
    await writeFile(join(ruleDir, 'bad.yaml'), 'id: bad-rule\ntitle: t\nseverity: error\ncategory: ztunnel\nfor: ztunnels\nwhen: "this is not CEL ("\nmessage: m\nremediation: r\n');
    const tmp = join(work, 'tmp');
    await mkdir(tmp, { recursive: true });
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // where openBundle extracts (os.tmpdir())
    try {
      await expect(runAnalyze({ bundle: archive, formats: [], failOn: 'error', color: false, ruleDirs: [ruleDir], builtinRules: false }))
        .rejects.toThrow(/bad\.yaml/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(await readdir(tmp)).toEqual([]);
  });

  it('stops an extraction whose signal is aborted, with nothing left behind', async () => {
    const archive = await packFixture(join(work, 'aborted.tar.gz'));
    const root = join(work, 'abort-root');
    await mkdir(root, { recursive: true });
    const stop = new AbortController();
    stop.abort();
    await expect(openBundle(archive, { tempRoot: root, signal: stop.signal })).rejects.toThrow(/no longer needed/);
    expect(await readdir(root)).toEqual([]);
  });
});
