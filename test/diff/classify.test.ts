/**
 * diffFindings / buildDiffReport on hand-built reports: identity is rule + subject (not the
 * message), several findings of one identity pair stably (same message, then same node), and a
 * finding whose rule could not run on AFTER is "not re-checked", never "resolved".
 */
import { describe, expect, it } from 'vitest';
import { buildDiffReport, diffFindings, findingKey } from '../../src/diff/classify.js';
import type { Finding } from '../../src/report/types.js';
import { buildReport, certFinding, infoFinding, skippedRule, trafficFinding, xdsFinding } from '../report/reports.js';

const onNode = (f: Finding, node: string, message = f.message): Finding => ({ ...f, subject: { ...f.subject, node }, message });

describe('diffFindings', () => {
  it('keys on rule id and subject kind/namespace/name, not on message or node', () => {
    expect(findingKey(trafficFinding)).toBe(findingKey({ ...trafficFinding, message: 'other', subject: { ...trafficFinding.subject, node: 'worker-9' } }));
    expect(findingKey(trafficFinding)).not.toBe(findingKey({ ...trafficFinding, subject: { ...trafficFinding.subject, namespace: 'other' } }));
    expect(findingKey(trafficFinding)).not.toBe(findingKey({ ...trafficFinding, ruleId: 'connection-failures' }));
  });

  it('classifies new, resolved and unchanged, keeping each report order', () => {
    const grown = { ...xdsFinding, message: 'ztunnel-x2k9p logged 40 XDS client connection errors.' };
    const changes = diffFindings([certFinding, trafficFinding, xdsFinding], [trafficFinding, grown, infoFinding]);
    expect(changes.new).toEqual([infoFinding]);
    expect(changes.resolved).toEqual([certFinding]);
    expect(changes.unchanged).toEqual([{ finding: trafficFinding }, { finding: grown, previousMessage: xdsFinding.message }]);
  });

  it('pairs several findings of one identity by message, then by node, whatever their order', () => {
    // One SPIFFE identity failing on three nodes; after the change one node is fixed and one message changed.
    const a = onNode(certFinding, 'worker-1', 'expired on worker-1');
    const b = onNode(certFinding, 'worker-2', 'expired on worker-2');
    const c = onNode(certFinding, 'worker-3', 'expired on worker-3');
    const c2 = onNode(certFinding, 'worker-3', 'expired on worker-3 (2 days ago)');
    const changes = diffFindings([a, b, c], [c2, a]);
    expect(changes.unchanged).toEqual([{ finding: c2, previousMessage: c.message }, { finding: a }]);
    expect(changes.resolved).toEqual([b]);
    expect(changes.new).toEqual([]);
  });
});

describe('buildDiffReport', () => {
  it('does not call a finding resolved when its rule was skipped or failed on AFTER', () => {
    const before = buildReport([certFinding, trafficFinding, xdsFinding], { skippedRules: [] });
    const after = buildReport([], {
      skippedRules: [{ ...skippedRule, ruleId: certFinding.ruleId, reason: 'no ztunnel config_dump in the bundle' }],
      ruleErrors: [{ ruleId: xdsFinding.ruleId, reason: 'no such key: count' }],
    });
    const diff = buildDiffReport(before, after);
    expect(diff.resolved).toEqual([trafficFinding]);
    expect(diff.notRechecked).toEqual([certFinding, xdsFinding]);
    expect(diff.summary).toMatchObject({ resolved: 1, notRechecked: 2, new: 0 });
    expect(diff.after.skippedRules).toEqual([certFinding.ruleId]);
  });

  it('counts new findings per severity for --fail-on', () => {
    const diff = buildDiffReport(buildReport([xdsFinding]), buildReport([xdsFinding, certFinding, trafficFinding, infoFinding]));
    expect(diff.summary.newBySeverity).toEqual({ critical: 1, error: 1, warning: 0, info: 1 });
  });
});
