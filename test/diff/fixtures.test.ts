/**
 * The diff on the demo bundles: healthy -> broken gives every broken finding as new, the reverse
 * gives them all as resolved, a bundle against itself gives them all as unchanged, and the broken
 * bundle with one fault repaired in memory (overlayBundle) shows exactly that finding resolved.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/analyze.js';
import { overlayBundle } from '../../src/bundle/memory.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { buildDiffReport } from '../../src/diff/classify.js';
import { renderDiffJson } from '../../src/diff/json.js';
import { validateDiff } from '../../src/diff/schema.js';
import type { Report } from '../../src/report/types.js';
import { loadRules } from '../../src/rules/loader.js';
import type { Rule } from '../../src/rules/types.js';
import { ROOT } from '../support/cli.js';

let rules: Rule[];
let healthy: Report;
let broken: Report;

async function analyze(bundle: BundleSource): Promise<Report> {
  return (await analyzeBundle(bundle, rules)).report;
}

async function analyzePath(path: string): Promise<Report> {
  const bundle = await openBundle(path);
  try {
    return await analyze(bundle);
  } finally {
    await bundle.close();
  }
}

beforeAll(async () => {
  rules = await loadRules();
  healthy = await analyzePath(`${ROOT}fixtures/healthy`);
  broken = await analyzePath(`${ROOT}fixtures/broken`);
});

describe('diff of the demo bundles', () => {
  it('the fixtures are what the tests assume: healthy is clean, broken has findings of several rules', () => {
    expect(healthy.findings).toEqual([]);
    expect(new Set(broken.findings.map((f) => f.ruleId)).size).toBeGreaterThan(5);
  });

  it('healthy -> broken: every broken finding is new', () => {
    const diff = buildDiffReport(healthy, broken);
    expect(diff.new).toEqual(broken.findings);
    expect(diff.resolved).toEqual([]);
    expect(diff.unchanged).toEqual([]);
    expect(diff.summary.new).toBe(broken.findings.length);
    expect(diff.summary.newBySeverity.critical).toBe(broken.summary.critical);
    expect(diff.summary.newBySeverity.error).toBe(broken.summary.error);
    expect(diff.before.source).toMatch(/fixtures\/healthy$/);
    expect(validateDiff(JSON.parse(renderDiffJson(diff)))).toEqual([]);
  });

  it('broken -> healthy: every broken finding is resolved', () => {
    const diff = buildDiffReport(broken, healthy);
    expect(diff.resolved).toEqual(broken.findings);
    expect(diff.new).toEqual([]);
    expect(diff.unchanged).toEqual([]);
    expect(diff.notRechecked).toEqual([]);
    expect(diff.summary).toMatchObject({ new: 0, resolved: broken.findings.length, unchanged: 0 });
    expect(validateDiff(JSON.parse(renderDiffJson(diff)))).toEqual([]);
  });

  it('broken -> broken: every finding is unchanged, with no message change', () => {
    const diff = buildDiffReport(broken, broken);
    expect(diff.unchanged.map((u) => u.finding)).toEqual(broken.findings);
    expect(diff.unchanged.every((u) => u.previousMessage === undefined)).toBe(true);
    expect(diff.summary).toMatchObject({ new: 0, resolved: 0, unchanged: broken.findings.length, messageChanged: 0 });
  });

  it('broken with the not-ready ztunnel repaired (ready.txt and pod Ready condition) shows exactly that finding resolved', async () => {
    const notReady = broken.findings.filter((f) => f.ruleId === 'ztunnel-not-ready');
    expect(notReady).toHaveLength(1);
    const name = notReady[0]!.subject.name;
    const base = await openBundle(`${ROOT}fixtures/broken`);
    try {
      const pods = JSON.parse(await base.readText('cluster/pods.json')) as { items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[] };
      const pod = pods.items.find((p) => p.metadata.name === name)!;
      for (const c of pod.status.conditions ?? []) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = 'True';
      const repaired = overlayBundle(base, { [`ztunnel/${name}/ready.txt`]: '200\nready\n', 'cluster/pods.json': JSON.stringify(pods) });
      const diff = buildDiffReport(broken, await analyze(repaired));
      expect(diff.resolved).toEqual(notReady);
      expect(diff.new).toEqual([]);
      expect(diff.unchanged.map((u) => u.finding.ruleId)).toEqual(broken.findings.filter((f) => f !== notReady[0]).map((f) => f.ruleId));
      expect(diff.summary.messageChanged).toBe(0);
    } finally {
      await base.close();
    }
  });

  it('a finding whose count grew is unchanged and carries the old message', async () => {
    const growing = broken.findings.find((f) => f.ruleId === 'ztunnel-restarted');
    expect(growing, 'the broken fixture has a restarted ztunnel').toBeDefined();
    const base = await openBundle(`${ROOT}fixtures/broken`);
    try {
      const pods = JSON.parse(await base.readText('cluster/pods.json')) as { items: { metadata: { name: string }; status: { containerStatuses: { restartCount: number }[] } }[] };
      const status = pods.items.find((p) => p.metadata.name === growing!.subject.name)!.status.containerStatuses[0]!;
      status.restartCount += 5;
      const later = await analyze(overlayBundle(base, { 'cluster/pods.json': JSON.stringify(pods) }));
      const diff = buildDiffReport(broken, later);
      expect(diff.summary).toMatchObject({ new: 0, resolved: 0, messageChanged: 1 });
      const changed = diff.unchanged.find((u) => u.previousMessage !== undefined)!;
      expect(changed.finding.ruleId).toBe('ztunnel-restarted');
      expect(changed.previousMessage).toBe(growing!.message);
      expect(changed.finding.message).toContain(`${status.restartCount} time(s)`);
    } finally {
      await base.close();
    }
  });
});
