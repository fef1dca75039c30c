/**
 * Classifies the findings of two reports as new, resolved or unchanged. A finding is identified
 * by its rule and its subject (kind, namespace, name), not by its message: "3 failed
 * connections" becoming "7 failed connections" is the same problem, shown as unchanged with the
 * message change. When one key has several findings (the same identity on two nodes), they are
 * paired by identical message first, then by node, then in report order, so pairing is stable.
 * A BEFORE finding whose rule could not run on AFTER is not called resolved: nobody checked.
 */
import { SEVERITIES, type Finding, type Report } from '../report/types.js';
import { toolVersion } from '../util/package.js';
import type { DiffReport, DiffSide, UnchangedFinding } from './types.js';

export function findingKey(f: Finding): string {
  return JSON.stringify([f.ruleId, f.subject.kind, f.subject.namespace ?? '', f.subject.name]);
}

function groupByKey(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = findingKey(f);
    const group = groups.get(key);
    if (group) group.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

/** Pairs BEFORE and AFTER findings of one key; returns the pairs and what is left on each side. */
function pairGroup(before: Finding[], after: Finding[]): { pairs: [Finding, Finding][]; onlyBefore: Finding[]; onlyAfter: Finding[] } {
  const left = [...before];
  const right = [...after];
  const pairs: [Finding, Finding][] = [];
  const passes: ((b: Finding, a: Finding) => boolean)[] = [
    (b, a) => b.message === a.message && b.subject.node === a.subject.node,
    (b, a) => b.message === a.message,
    (b, a) => b.subject.node === a.subject.node,
    () => true,
  ];
  for (const same of passes) {
    for (let i = 0; i < left.length; ) {
      const j = right.findIndex((a) => same(left[i]!, a));
      if (j < 0) {
        i += 1;
        continue;
      }
      pairs.push([left[i]!, right[j]!]);
      left.splice(i, 1);
      right.splice(j, 1);
    }
  }
  return { pairs, onlyBefore: left, onlyAfter: right };
}

export interface FindingChanges {
  new: Finding[];
  resolved: Finding[];
  unchanged: UnchangedFinding[];
}

/** New, resolved and unchanged findings; each list keeps its report's order (severity first). */
export function diffFindings(before: readonly Finding[], after: readonly Finding[]): FindingChanges {
  const beforeGroups = groupByKey(before);
  const afterGroups = groupByKey(after);
  const resolvedSet = new Set<Finding>();
  const newSet = new Set<Finding>();
  const pairedAfter = new Map<Finding, Finding>(); // after -> before
  for (const key of new Set([...beforeGroups.keys(), ...afterGroups.keys()])) {
    const { pairs, onlyBefore, onlyAfter } = pairGroup(beforeGroups.get(key) ?? [], afterGroups.get(key) ?? []);
    for (const [b, a] of pairs) pairedAfter.set(a, b);
    for (const b of onlyBefore) resolvedSet.add(b);
    for (const a of onlyAfter) newSet.add(a);
  }
  return {
    new: after.filter((f) => newSet.has(f)),
    resolved: before.filter((f) => resolvedSet.has(f)),
    unchanged: after
      .filter((f) => pairedAfter.has(f))
      .map((f) => {
        const previous = pairedAfter.get(f)!;
        return previous.message === f.message ? { finding: f } : { finding: f, previousMessage: previous.message };
      }),
  };
}

function side(report: Report): DiffSide {
  return {
    source: report.bundle.source,
    collectedAt: report.bundle.collectedAt,
    ztunnelPods: report.bundle.ztunnelPods,
    summary: report.summary,
    skippedRules: report.skippedRules.map((s) => s.ruleId),
  };
}

/** The diff of two reports made with the same rules. */
export function buildDiffReport(before: Report, after: Report): DiffReport {
  const changes = diffFindings(before.findings, after.findings);
  const notRun = new Set([...after.skippedRules.map((s) => s.ruleId), ...after.ruleErrors.map((e) => e.ruleId)]);
  const resolved = changes.resolved.filter((f) => !notRun.has(f.ruleId));
  const notRechecked = changes.resolved.filter((f) => notRun.has(f.ruleId));
  const newBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, changes.new.filter((f) => f.severity === s).length])) as DiffReport['summary']['newBySeverity'];
  return {
    schemaVersion: '1',
    tool: { name: 'ztunnel-bundle', version: toolVersion() },
    before: side(before),
    after: side(after),
    summary: {
      new: changes.new.length,
      resolved: resolved.length,
      unchanged: changes.unchanged.length,
      messageChanged: changes.unchanged.filter((u) => u.previousMessage !== undefined).length,
      notRechecked: notRechecked.length,
      newBySeverity,
    },
    new: changes.new,
    resolved,
    unchanged: changes.unchanged,
    notRechecked,
  };
}
