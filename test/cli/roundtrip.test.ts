/**
 * The round trip of issue 3: `collect` against `serve` of a fixture bundle produces a bundle whose
 * analysis gives the same findings as the original. Runs the README's first command (`demo`)
 * through the built bin, then analyzes the original fixture, and compares.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../support/cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-roundtrip-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const key = (r: Report) => r.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, subject: f.subject, message: f.message })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('demo: replay -> collect -> analyze', () => {
  it('reproduces the original bundle\'s findings from the collected one', async () => {
    const out = join(work, 'demo');
    const demo = await runCli(['demo', '--output', out], { timeoutMs: 120_000 });
    expect(demo.stderr).toContain('collect partial');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/1\/3 Replaying[\s\S]*2\/3 Collecting[\s\S]*3\/3 Analyzing/);
    const collected = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const original = await runCli(['analyze', 'fixtures/broken', '--format', 'json', '--output', '-', '--fail-on', 'none']);
    const direct = JSON.parse(original.stdout) as Report;
    expect(collected.bundle.collectedAt?.slice(0, 16)).toBe(direct.bundle.collectedAt?.slice(0, 16));
    expect(key(collected)).toEqual(key(direct));
    expect(collected.skippedRules).toEqual(direct.skippedRules);
  }, 180_000);
});
