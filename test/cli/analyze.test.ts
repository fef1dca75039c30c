/**
 * `ztunnel-bundle analyze` end to end, through the built bin as a user runs it: the README's
 * command on the demo bundle, archives of it, exit codes and one-line errors on bad input.
 */
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarArchive, ZipArchive } from 'archiver';
import { createWriteStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../src/report/schema.js';
import type { Report } from '../../src/report/types.js';
import { ROOT, runCli } from '../support/cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function archive(kind: 'tar' | 'zip', out: string): Promise<void> {
  const a = kind === 'tar' ? new TarArchive({ gzip: true }) : new ZipArchive();
  const done = new Promise<void>((resolve, reject) => {
    const stream = createWriteStream(out);
    stream.on('close', () => resolve());
    a.on('error', reject);
    a.pipe(stream);
  });
  a.directory(join(ROOT, 'fixtures/broken'), 'ztunnel-bundle-2026-11-25T09-30-00Z');
  await a.finalize();
  await done;
}

async function jsonReport(bundle: string): Promise<Report> {
  const r = await runCli(['analyze', bundle, '--format', 'json', '--output', '-']);
  expect(r.stderr).toContain('Findings:');
  return JSON.parse(r.stdout) as Report;
}

describe('analyze on the demo bundles', () => {
  it('writes HTML, Markdown and JSON reports for the broken bundle and exits 1 (the README command)', async () => {
    const out = join(work, 'out');
    const r = await runCli(['analyze', 'fixtures/broken', '--format', 'html,md,json', '--output', out]);
    expect(r.code).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    expect(validateReport(report)).toEqual([]);
    const ids = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['ztunnel-not-ready', 'pod-not-captured', 'certificate-unavailable', 'xds-nack', 'hbone-blocked-by-networkpolicy', 'policy-denied-connections', 'artifact-collection-failed']) {
      expect(ids, id).toContain(id);
    }
    expect(report.bundle).toEqual({ source: 'fixtures/broken', collectedAt: '2026-11-25T09:30:00Z', ztunnelPods: 4 });
    expect(report.ruleErrors).toEqual([]);
    for (const f of report.findings) expect(f.evidence.length, `${f.ruleId} has evidence`).toBeGreaterThan(0);
    // The terminal summary names where the reports went.
    expect(r.stdout).toContain(join(out, 'report.html'));
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('certificate-unavailable');
  });

  it('finds nothing at warning or above in the healthy bundle and exits 0', async () => {
    const r = await runCli(['analyze', 'fixtures/healthy', '--fail-on', 'info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Findings: 0 critical, 0 error, 0 warning, 0 info/);
  });

  it('gives the same findings for a .tar.gz and a .zip of the bundle as for the directory', async () => {
    await archive('tar', join(work, 'broken.tar.gz'));
    await archive('zip', join(work, 'broken.zip'));
    const strip = (rep: Report) => rep.findings.map((f) => [f.ruleId, f.subject, f.message, f.evidence]);
    const dir = await jsonReport('fixtures/broken');
    expect(strip(await jsonReport(join(work, 'broken.tar.gz')))).toEqual(strip(dir));
    expect(strip(await jsonReport(join(work, 'broken.zip')))).toEqual(strip(dir));
  });

  it('--fail-on sets the threshold of exit code 1', async () => {
    expect((await runCli(['analyze', 'fixtures/broken', '--fail-on', 'none'])).code).toBe(0);
    expect((await runCli(['analyze', 'fixtures/broken', '--fail-on', 'critical'])).code).toBe(1);
  });

  it('analyzes a hand-assembled directory holding only a config_dump, reporting what it could not check', async () => {
    const dir = join(work, 'hand', 'ztunnel', 'ztunnel-8smsz');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'config_dump.json'), await readFile(join(ROOT, 'fixtures/healthy/ztunnel/ztunnel-8smsz/config_dump.json')));
    const report = await jsonReport(join(work, 'hand'));
    expect(report.skippedRules.map((s) => s.ruleId)).toEqual(expect.arrayContaining(['pod-not-captured', 'xds-nack', 'hbone-blocked-by-networkpolicy']));
    expect(report.skippedRules.find((s) => s.ruleId === 'pod-not-captured')?.reason).toBe('cluster/pods.json is not in the bundle');
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.findings.map((f) => f.subject.name)).toContain('cluster/pods.json');
  });
});

describe('analyze on bad input', () => {
  it('a truncated archive: exit 2, one line naming the file, nothing written', async () => {
    const good = await readFile(join(work, 'broken.tar.gz'));
    const bad = join(work, 'truncated.tar.gz');
    await writeFile(bad, good.subarray(0, Math.floor(good.length / 2)));
    const out = join(work, 'never');
    const r = await runCli(['analyze', bad, '--format', 'json', '--output', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^ztunnel-bundle: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated or corrupt archive`));
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('a path that does not exist, and a file that is not a bundle: exit 2 with the reason', async () => {
    const missing = await runCli(['analyze', join(work, 'nope.tgz')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.tgz: no such file or directory');
    const notBundle = join(work, 'notes.txt');
    await writeFile(notBundle, 'hello');
    const r = await runCli(['analyze', notBundle]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`ztunnel-bundle: ${notBundle}: not a bundle: expected a directory, .tar.gz/.tgz or .zip`);
  });

  it('usage errors exit 2 and say which flag is wrong', async () => {
    const r = await runCli(['analyze', 'fixtures/broken', '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('ztunnel-bundle: --format: unknown format "pdf"; use html, md or json (comma-separated for several)');
    const several = await runCli(['analyze', 'fixtures/broken', '--format', 'html,json']);
    expect(several.code).toBe(2);
    expect((await runCli(['analyze'])).code).toBe(2);
  });

  it('a broken --rules directory fails before the bundle is read, listing every problem', async () => {
    const rules = join(work, 'rules');
    await mkdir(rules, { recursive: true });
    await writeFile(join(rules, 'x-rule.yaml'), 'id: x-rule\ntitle: X\nseverity: huge\ncategory: traffic\nfor: pods\nwhen: "item.name =="\nmessage: m\nremediation: r\ndocs: https://x\n');
    const r = await runCli(['analyze', join(work, 'nope.tgz'), '--rules', rules]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('x-rule.yaml [x-rule] /severity: must be one of critical, error, warning, info');
    expect(r.stderr).not.toContain('nope.tgz');
  });
});
