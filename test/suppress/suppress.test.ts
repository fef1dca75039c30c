/**
 * Suppressions on the broken fixture's real report: flags and files parsed (all problems at
 * once), globs on subject names and namespace/name, expiry, the JSON contract and the exit code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/analyze.js';
import { applySuppressions, checkSuppressedRules, compileGlob, parseSuppressFlag, parseSuppressions, parseSuppressionsFile } from '../../src/analyze/suppress.js';
import { openBundle } from '../../src/bundle/open.js';
import { exitCodeFor } from '../../src/commands/analyze.js';
import { ToolError } from '../../src/errors.js';
import { renderJson } from '../../src/report/json.js';
import { validateReport } from '../../src/report/schema.js';
import type { Report } from '../../src/report/types.js';
import { loadRules } from '../../src/rules/loader.js';
import { ROOT } from '../support/cli.js';

let broken: Report;
beforeAll(async () => {
  const rules = await loadRules();
  const bundle = await openBundle(`${ROOT}fixtures/broken`);
  try {
    broken = (await analyzeBundle(bundle, rules)).report;
  } finally {
    await bundle.close();
  }
});

const NOW = new Date('2026-11-25T12:00:00Z');

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('compileGlob', () => {
  it('treats * as any run (across slashes), ? as one character, everything else literally', () => {
    expect(compileGlob('ratings-*')('ratings-v1-4wsn8h8s9p-s74jw')).toBe(true);
    expect(compileGlob('ratings-*')('reviews-v1')).toBe(false);
    expect(compileGlob('spiffe://cluster.local/ns/default/*')('spiffe://cluster.local/ns/default/sa/bookinfo-details')).toBe(true);
    expect(compileGlob('ztunnel-?????')('ztunnel-wv2lv')).toBe(true);
    expect(compileGlob('ztunnel-?????')('ztunnel-wv2lvx')).toBe(false);
    expect(compileGlob('*-v1-*')('reviews-v1-dsmc9khk5v-6nsz9')).toBe(true);
    expect(compileGlob('a.b')('axb')).toBe(false);
    expect(compileGlob('(x)+[y]')('(x)+[y]')).toBe(true);
    expect(compileGlob('')('')).toBe(true);
    expect(compileGlob('?')('é')).toBe(true);
  });

  it('stays fast on a hostile name that defeats backtracking regular expressions', () => {
    const name = 'a'.repeat(20_000);
    const started = performance.now();
    expect(compileGlob('*a*a*a*a*a*a*a*a*a*a*b')(name)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('parsing suppressions', () => {
  it('reads RULE_ID and RULE_ID=GLOB flags', () => {
    expect(parseSuppressFlag('xds-nack')).toMatchObject({ rule: 'xds-nack', origin: '--suppress' });
    expect(parseSuppressFlag('pod-not-captured=default/ratings-*')).toMatchObject({ rule: 'pod-not-captured', subject: 'default/ratings-*' });
    expect(thrown(() => parseSuppressFlag('Not A Rule=x'))).toMatch(/^--suppress Not A Rule=x: "Not A Rule" is not a rule id/);
    expect(thrown(() => parseSuppressFlag('xds-nack='))).toMatch(/subject glob after "=" is empty/);
  });

  it('refuses a suppression of a rule that is not loaded (a typo would silently suppress nothing)', async () => {
    const ids = (await loadRules()).map((r) => r.id);
    expect(() => checkSuppressedRules(parseSuppressions({ flags: ['xds-nack'] }), ids)).not.toThrow();
    const text = '- rule: xds-nak\n  reason: typo\n';
    expect(thrown(() => checkSuppressedRules(parseSuppressions({ flags: ['pod-not-captur'], file: { path: 's.yaml', text } }), ids)).split('\n')).toEqual([
      '--suppress: no rule "pod-not-captur" is loaded (see ztunnel-bundle rules list)',
      's.yaml entry 1: no rule "xds-nak" is loaded (see ztunnel-bundle rules list)',
    ]);
  });

  it('reads a YAML file of {rule, subject, reason, expires}', () => {
    const text = [
      '- rule: connection-failures',
      '  subject: default/reviews-*',
      '  reason: reviews-v1 is being decommissioned (JIRA-123)',
      '  expires: 2026-12-31',
      '- rule: artifact-collection-failed',
      '  reason: the node ambient-worker3 was drained during collection',
    ].join('\n');
    const list = parseSuppressionsFile(text, 'accepted.yaml');
    expect(list).toEqual([
      { rule: 'connection-failures', subject: 'default/reviews-*', reason: 'reviews-v1 is being decommissioned (JIRA-123)', expires: '2026-12-31', origin: 'accepted.yaml entry 1' },
      { rule: 'artifact-collection-failed', reason: 'the node ambient-worker3 was drained during collection', origin: 'accepted.yaml entry 2' },
    ]);
    expect(parseSuppressions({ flags: ['xds-nack'], file: { path: 'accepted.yaml', text } }).map((s) => s.rule)).toEqual(['xds-nack', 'connection-failures', 'artifact-collection-failed']);
  });

  it('reports every problem of every entry at once, naming the file and entry', () => {
    const text = ['- rule: xds-nack', '- reason: no rule', '  expires: next week', '- rule: ok-rule', '  reason: fine', '  owner: me', '- just a string'].join('\n');
    const lines = thrown(() => parseSuppressionsFile(text, 's.yaml')).split('\n');
    expect(lines).toEqual([
      's.yaml: entry 1: reason is required (say why the finding is accepted)',
      's.yaml: entry 2: rule must be a rule id',
      's.yaml: entry 2: expires must be a date (YYYY-MM-DD) or an RFC 3339 time',
      's.yaml: entry 3: unknown field "owner" (known: rule, subject, reason, expires)',
      's.yaml: entry 4: must be a mapping with rule and reason',
    ]);
    expect(thrown(() => parseSuppressionsFile('rule: xds-nack\nreason: x\n', 's.yaml'))).toBe('s.yaml: must be a YAML list of {rule, subject?, reason, expires?}');
    expect(thrown(() => parseSuppressionsFile('- rule: [unclosed', 's.yaml'))).toMatch(/^s\.yaml: invalid YAML: /);
    expect(parseSuppressionsFile('', 'empty.yaml')).toEqual([]);
  });
});

describe('applySuppressions on the broken fixture', () => {
  /** A rule that fires for several subjects, so a glob can pick some of them. */
  function multiRule(): { ruleId: string; names: string[] } {
    const byRule = new Map<string, string[]>();
    for (const f of broken.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f.subject.name]);
    const [ruleId, names] = [...byRule].find(([, n]) => n.length >= 2) ?? ['', []];
    return { ruleId, names };
  }

  it('the fixture has what these tests rely on: a rule with several namespaced subjects, a certificate finding', () => {
    const { ruleId, names } = multiRule();
    expect(names.length, 'a rule with two findings').toBeGreaterThanOrEqual(2);
    expect(broken.findings.filter((f) => f.ruleId === ruleId).every((f) => f.subject.namespace !== undefined)).toBe(true);
    expect(broken.findings.some((f) => f.subject.kind === 'Certificate' && f.subject.name.startsWith('spiffe://'))).toBe(true);
    expect(broken.suppressed).toBeUndefined();
  });

  it('moves a whole rule out of findings, recounts severities and lists each with its reason', () => {
    const { ruleId, names } = multiRule();
    const severity = broken.findings.find((f) => f.ruleId === ruleId)!.severity;
    const out = applySuppressions(broken, parseSuppressions({ flags: [ruleId] }), { now: NOW });
    expect(out.findings.some((f) => f.ruleId === ruleId)).toBe(false);
    expect(out.findings).toHaveLength(broken.findings.length - names.length);
    expect(out.summary[severity]).toBe(broken.summary[severity] - names.length);
    expect(out.summary.suppressed).toBe(names.length);
    expect(out.suppressed!.map((s) => s.finding.subject.name)).toEqual(names);
    expect(out.suppressed![0]!.reason).toBe('suppressed on the command line (--suppress)');
    // The input report is not changed.
    expect(broken.summary.suppressed).toBe(0);
    expect(validateReport(JSON.parse(renderJson(out)))).toEqual([]);
  });

  it('matches a glob on the name, on namespace/name, and on SPIFFE ids with slashes', () => {
    const { ruleId } = multiRule();
    const [first, second] = broken.findings.filter((f) => f.ruleId === ruleId);
    const prefix = `${first!.subject.name.split('-')[0]}-`;
    expect(second!.subject.name.startsWith(prefix), 'the two subjects differ in their first word').toBe(false);
    const byName = applySuppressions(broken, parseSuppressions({ flags: [`${ruleId}=${prefix}*`] }), { now: NOW });
    expect(byName.suppressed!.map((s) => s.finding)).toEqual([first]);
    const byNamespace = applySuppressions(broken, parseSuppressions({ flags: [`${ruleId}=${second!.subject.namespace}/${second!.subject.name.slice(0, 3)}*`] }), { now: NOW });
    expect(byNamespace.suppressed!.map((s) => s.finding)).toEqual([second]);
    const otherNamespace = applySuppressions(broken, parseSuppressions({ flags: [`${ruleId}=no-such-namespace/*`] }), { now: NOW });
    expect(otherNamespace.summary.suppressed).toBe(0);
    expect(otherNamespace.suppressed).toBeUndefined();
    const cert = broken.findings.find((f) => f.subject.kind === 'Certificate')!;
    const nsPart = cert.subject.name.slice(0, cert.subject.name.indexOf('/sa/') + 1);
    const spiffe = applySuppressions(broken, parseSuppressions({ flags: [`${cert.ruleId}=${nsPart}*`] }), { now: NOW });
    expect(spiffe.suppressed!.map((s) => s.finding)).toContain(cert);
    expect(spiffe.summary[cert.severity]).toBe(broken.summary[cert.severity] - spiffe.summary.suppressed);
  });

  it('stops applying an expired suppression and reports it; a date lasts through its day', () => {
    const { ruleId, names } = multiRule();
    const file = { path: 'accepted.yaml', text: `- rule: xds-nack\n  reason: istiod upgrade in progress\n  expires: 2026-11-25\n- rule: ${ruleId}\n  reason: old\n  expires: 2026-11-24\n` };
    const out = applySuppressions(broken, parseSuppressions({ file }), { now: NOW });
    expect(out.suppressed!.map((s) => s.finding.ruleId)).toEqual(['xds-nack']);
    expect(out.suppressed![0]!.reason).toBe('istiod upgrade in progress (until 2026-11-25)');
    expect(out.findings.filter((f) => f.ruleId === ruleId)).toHaveLength(names.length);
    expect(out.expiredSuppressions).toEqual([{ rule: ruleId, reason: 'old', expires: '2026-11-24', origin: 'accepted.yaml entry 2' }]);
    const nextDay = applySuppressions(broken, parseSuppressions({ file }), { now: new Date('2026-11-26T00:00:01Z') });
    expect(nextDay.summary.suppressed).toBe(0);
    expect(nextDay.expiredSuppressions).toHaveLength(2);
    expect(validateReport(JSON.parse(renderJson(nextDay)))).toEqual([]);
  });

  it('the exit code ignores suppressed findings', () => {
    expect(exitCodeFor(broken, 'error')).toBe(1);
    const errorsAndUp = broken.findings.filter((f) => f.severity === 'critical' || f.severity === 'error').map((f) => f.ruleId);
    const out = applySuppressions(broken, parseSuppressions({ flags: [...new Set(errorsAndUp)] }), { now: NOW });
    expect(out.summary.critical + out.summary.error).toBe(0);
    expect(exitCodeFor(out, 'error')).toBe(0);
    expect(exitCodeFor(out, 'warning')).toBe(1);
  });

  it('analyzeBundle applies suppressions given as an option', async () => {
    const bundle = await openBundle(`${ROOT}fixtures/broken`);
    try {
      const { report } = await analyzeBundle(bundle, await loadRules(), { suppressions: parseSuppressions({ flags: ['xds-nack'] }), now: NOW });
      expect(report.findings.some((f) => f.ruleId === 'xds-nack')).toBe(false);
      expect(report.summary.suppressed).toBe(1);
    } finally {
      await bundle.close();
    }
  });
});
