/**
 * renderJson against the public contract: schema-valid output, the contract's key order,
 * byte-stable output whatever order the engine built objects in, and a schema that rejects
 * reports breaking the contract (so "valid" means something).
 */
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { validateReport } from '../../src/report/schema.js';
import type { Report } from '../../src/report/types.js';
import { hostileReport, manyFindings, realisticReport } from './reports.js';

function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }
  return value;
}

describe('renderJson', () => {
  it('writes a schema-valid report with 2-space indentation and a trailing newline', () => {
    const text = renderJson(realisticReport());
    expect(validateReport(JSON.parse(text))).toEqual([]);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": "1",');
  });

  it('round-trips the report without losing or changing data', () => {
    const report = realisticReport();
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });

  it('orders keys as in the contract, whatever order the objects were built in', () => {
    const report = realisticReport();
    const text = renderJson(reversedKeys(report));
    expect(text).toBe(renderJson(report));
    const parsed = JSON.parse(text) as Record<string, unknown> & { findings: Record<string, unknown>[] };
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'tool', 'bundle', 'summary', 'findings', 'skippedRules', 'ruleErrors']);
    expect(Object.keys(parsed.findings[0] ?? {})).toEqual(['ruleId', 'title', 'severity', 'category', 'subject', 'message', 'evidence', 'remediation', 'docs']);
    expect(Object.keys(parsed.summary as object)).toEqual(['critical', 'error', 'warning', 'info', 'rulesRun', 'rulesSkipped', 'suppressed']);
  });

  it('keeps extra fields after the known ones and keeps collectedAt null', () => {
    const report = { ...realisticReport(), bundle: { source: 'b', collectedAt: null, ztunnelPods: 0 }, diff: { base: 'old.json' } } as Report;
    const parsed = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(Object.keys(parsed).at(-1)).toBe('diff');
    expect(parsed.bundle).toEqual({ source: 'b', collectedAt: null, ztunnelPods: 0 });
    expect(validateReport(parsed)).toEqual([]);
  });

  it('writes 5,000 findings and hostile strings as valid JSON', () => {
    expect(validateReport(JSON.parse(renderJson(manyFindings(5000))))).toEqual([]);
    const hostile = hostileReport();
    expect(JSON.parse(renderJson(hostile))).toEqual(hostile);
  });
});

describe('validateReport', () => {
  const base = () => JSON.parse(renderJson(realisticReport())) as Record<string, any>;

  it.each([
    ['an unknown severity', (r: any) => (r.findings[0].severity = 'fatal'), '/findings/0/severity must be one of critical, error, warning, info'],
    ['an unknown category', (r: any) => (r.findings[0].category = 'dns'), '/findings/0/category must be one of'],
    ['an unknown subject kind', (r: any) => (r.findings[0].subject.kind = 'Deployment'), '/findings/0/subject/kind must be one of'],
    ['evidence without a file', (r: any) => delete r.findings[1].evidence[0].file, '/findings/1/evidence/0 is missing required field "file"'],
    ['a line number of 0', (r: any) => (r.findings[1].evidence[0].line = 0), '/findings/1/evidence/0/line must be >= 1'],
    ['a pointer that is not a JSON pointer', (r: any) => (r.findings[0].evidence[0].pointer = 'certificates.2'), '/findings/0/evidence/0/pointer must match pattern'],
    ['a collectedAt that is not RFC 3339', (r: any) => (r.bundle.collectedAt = 'yesterday'), '/bundle/collectedAt'],
    ['a missing summary.suppressed', (r: any) => delete r.summary.suppressed, '/summary is missing required field "suppressed"'],
    ['a missing skippedRules', (r: any) => delete r.skippedRules, '(report) is missing required field "skippedRules"'],
    ['a skipped rule without a reason', (r: any) => delete r.skippedRules[0].reason, '/skippedRules/0 is missing required field "reason"'],
    ['another schema version', (r: any) => (r.schemaVersion = '2'), '/schemaVersion must be equal to constant'],
  ])('rejects %s', (_name, mutate, expected) => {
    const report = base();
    mutate(report);
    const problems = validateReport(report);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });

  it('reports every problem at once', () => {
    const report = base();
    report.findings[0].severity = 'fatal';
    report.findings[1].evidence[0].line = -3;
    expect(validateReport(report).length).toBeGreaterThanOrEqual(2);
  });
});
