/**
 * Runs compiled rules over a fact model and returns findings, skipped rules and rule errors.
 * A rule whose collection could not be built from the bundle is skipped and reported, never
 * passed silently. Findings are deduplicated and sorted so a bundle always gives the same report.
 */
import type { FactBase, FactModel } from '../facts/types.js';
import { severityRank, type Finding, type RuleErrorRecord, type SkippedRule } from '../report/types.js';
import { evaluate, toCelInput } from './cel.js';
import { fill } from './template.js';
import type { Rule } from './types.js';

export interface Evaluation {
  findings: Finding[];
  skipped: SkippedRule[];
  errors: RuleErrorRecord[];
  rulesRun: number;
}

function subjectLabel(item: FactBase): string {
  const s = item.subject;
  return [s.kind, s.namespace ? `${s.namespace}/${s.name}` : s.name].join(' ');
}

function findingKey(f: Finding): string {
  return JSON.stringify([f.ruleId, f.subject.kind, f.subject.namespace ?? '', f.subject.name, f.subject.node ?? '', f.message]);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.category.localeCompare(b.category) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.subject.namespace ?? '').localeCompare(b.subject.namespace ?? '') ||
    a.subject.name.localeCompare(b.subject.name) ||
    a.message.localeCompare(b.message)
  );
}

/** CEL inputs of one collection, converted once and shared by every rule that iterates it. */
type InputCache = Map<Rule['for'], object[]>;

function celInputs(rule: Rule, facts: FactModel, cache: InputCache): object[] {
  let inputs = cache.get(rule.for);
  if (!inputs) {
    inputs = (facts[rule.for] as readonly FactBase[]).map((item) => toCelInput(item) as object);
    cache.set(rule.for, inputs);
  }
  return inputs;
}

function runRule(rule: Rule, facts: FactModel, bundleInput: object, cache: InputCache, out: Evaluation): void {
  const items = facts[rule.for] as readonly FactBase[];
  const inputs = celInputs(rule, facts, cache);
  for (const [index, item] of items.entries()) {
    const itemInput = inputs[index]!;
    const verdict = evaluate(rule.condition, itemInput, bundleInput);
    if (!verdict.ok) {
      out.errors.push({ ruleId: rule.id, subject: subjectLabel(item), reason: `condition: ${verdict.error}` });
      continue;
    }
    if (typeof verdict.value !== 'boolean') {
      out.errors.push({ ruleId: rule.id, subject: subjectLabel(item), reason: `condition returned ${typeof verdict.value}, not a boolean` });
      continue;
    }
    if (!verdict.value) continue;

    const data: Record<string, unknown> = {};
    for (const [key, expr] of Object.entries(rule.dataExpressions)) {
      const result = evaluate(expr, itemInput, bundleInput);
      if (result.ok) data[key] = result.value;
      else out.errors.push({ ruleId: rule.id, subject: subjectLabel(item), reason: `data.${key}: ${result.error}` });
    }
    const scope = { ...item, ...data, bundle: facts.bundle };
    const message = fill(rule.message, scope);
    const remediation = fill(rule.remediation, scope);
    const missing = [...new Set([...message.missing, ...remediation.missing])];
    if (missing.length > 0) {
      out.errors.push({ ruleId: rule.id, subject: subjectLabel(item), reason: `no value for placeholder(s) ${missing.map((m) => `{{${m}}}`).join(', ')}` });
    }
    out.findings.push({
      ruleId: rule.id,
      title: rule.title,
      severity: rule.severity,
      category: rule.category,
      subject: item.subject,
      message: message.text,
      evidence: item.evidence,
      remediation: remediation.text,
      docs: rule.docs,
    });
  }
}

export function evaluateRules(rules: readonly Rule[], facts: FactModel): Evaluation {
  const out: Evaluation = { findings: [], skipped: [], errors: [], rulesRun: 0 };
  const bundleInput = toCelInput(facts.bundle) as object;
  const cache: InputCache = new Map();
  for (const rule of rules) {
    const unavailable = facts.unavailable[rule.for];
    if (unavailable) {
      out.skipped.push({ ruleId: rule.id, title: rule.title, category: rule.category, reason: unavailable });
      continue;
    }
    out.rulesRun++;
    runRule(rule, facts, bundleInput, cache, out);
  }
  const unique = new Map<string, Finding>();
  for (const f of out.findings) if (!unique.has(findingKey(f))) unique.set(findingKey(f), f);
  out.findings = [...unique.values()].sort(compareFindings);
  return out;
}
