/**
 * A bundle with hard-link entries, end to end through the CLI: `collect` against `serve` of the
 * healthy fixture (whose three istiod per-ztunnel dumps are byte-identical) writes the repeats as
 * link entries; the collected bundle then analyzes to the fixture's own findings, scans clean, and
 * can itself be served and collected again with the same artifacts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import type { Report } from '../../src/report/types.js';
import { startReplayServer } from '../../src/serve/server.js';
import { ROOT, runCli } from '../support/cli.js';

const FIXTURE = join(ROOT, 'fixtures/healthy');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-link-roundtrip-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** `collect` (the built CLI) against `serve` of `bundle`; returns the collected .tar.gz. */
async function collectFrom(bundle: string, name: string): Promise<string> {
  const source = await openBundle(bundle);
  const server = await startReplayServer({ bundle: source, port: 0 });
  const kubeconfig = join(work, `${name}.kubeconfig`);
  const output = join(work, `${name}.tar.gz`);
  try {
    await writeFile(kubeconfig, server.kubeconfig(), { mode: 0o600 });
    const run = await runCli(['collect', '--kubeconfig', kubeconfig, '-o', output], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);
  } finally {
    await server.close();
    await source.close();
  }
  return output;
}

async function tarEntries(file: string): Promise<tarStream.Header[]> {
  const extract = tarStream.extract();
  const done = pipeline(createReadStream(file), createGunzip(), extract);
  const headers: tarStream.Header[] = [];
  for await (const entry of extract as AsyncIterable<Readable & { header: tarStream.Header }>) {
    headers.push(entry.header);
    entry.resume();
  }
  await done;
  return headers;
}

async function manifestOf(source: BundleSource): Promise<Manifest> {
  return JSON.parse(await source.readText('manifest.json')) as Manifest;
}

const okShas = (m: Manifest) => new Map(m.artifacts.filter((a) => a.status === 'ok').map((a) => [a.path, a.sha256]));
const key = (r: Report) => r.findings.map((f) => JSON.stringify({ ruleId: f.ruleId, severity: f.severity, subject: f.subject, message: f.message })).sort();
const istiodDump = /^istiod\/[^/]+\/debug\/config_dump\/[^/]+\.json$/;

describe('a collected bundle whose identical files are hard-link entries', () => {
  let collected: string;
  beforeAll(async () => {
    collected = await collectFrom(FIXTURE, 'collected');
  }, 180_000);

  it('stores the repeated istiod dumps as links to the first copy, and the manifest lists each with its own sha256', async () => {
    const headers = await tarEntries(collected);
    const dumps = headers.filter((h) => istiodDump.test(h.name.split('/').slice(1).join('/')));
    expect(dumps).toHaveLength(3);
    expect(dumps.filter((h) => h.type === 'file')).toHaveLength(1);
    const links = dumps.filter((h) => h.type === 'link');
    expect(links).toHaveLength(2);
    for (const l of links) expect(l.linkname).toBe(dumps.find((h) => h.type === 'file')!.name);

    const bundle = await openBundle(collected);
    try {
      const shas = okShas(await manifestOf(bundle));
      const paths = bundle.list().filter((p) => istiodDump.test(p));
      expect(paths).toHaveLength(3);
      for (const p of paths) {
        const bytes = await readFile(join(FIXTURE, p));
        expect(bundle.size(p)).toBe(bytes.length);
        expect(shas.get(p)).toBe(createHash('sha256').update(await bundle.readText(p)).digest('hex'));
      }
    } finally {
      await bundle.close();
    }
  });

  it('analyzes to the same findings as the fixture it was collected from', async () => {
    const fromCollected = await runCli(['analyze', collected, '--format', 'json', '--output', '-', '--fail-on', 'none'], { timeoutMs: 120_000 });
    const fromFixture = await runCli(['analyze', FIXTURE, '--format', 'json', '--output', '-', '--fail-on', 'none'], { timeoutMs: 120_000 });
    expect(fromCollected.code, fromCollected.stderr).toBe(0);
    const report = JSON.parse(fromCollected.stdout) as Report;
    expect(report.findings.some((f) => f.ruleId === 'artifact-unreadable')).toBe(false);
    expect(key(report)).toEqual(key(JSON.parse(fromFixture.stdout) as Report));
  }, 180_000);

  it('scans clean, every file read', async () => {
    const scan = await runCli(['scan', collected], { timeoutMs: 120_000 });
    expect(scan.stderr).toBe('');
    expect(scan.code).toBe(0);
    const bundle = await openBundle(collected);
    const files = bundle.list().length;
    await bundle.close();
    expect(scan.stdout).toContain(`scan: no secrets found in ${files} file(s)`);
  }, 120_000);

  it('can be served and collected again, every artifact byte-identical', async () => {
    const again = await collectFrom(collected, 'again');
    const [first, second] = await Promise.all([openBundle(collected), openBundle(again)]);
    try {
      const before = okShas(await manifestOf(first));
      const after = okShas(await manifestOf(second));
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [path, sha] of before) expect(after.get(path), path).toBe(sha);
      expect((await tarEntries(again)).filter((h) => h.type === 'link').length).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  }, 180_000);
});
