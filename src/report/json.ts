/**
 * The JSON report: the public contract of bundle-layout.md §2. Keys are written in the
 * contract's order whatever order the engine built the objects in, so two runs over the same
 * bundle give byte-identical files (diffable, cacheable). Fields we do not know are kept,
 * after the known ones: the contract allows extra fields.
 */
import type { Report } from './types.js';

type Plain = Record<string, unknown>;

/** Key order per object kind; anything not listed follows in its original order. */
const ORDER = {
  report: ['schemaVersion', 'tool', 'bundle', 'summary', 'findings', 'skippedRules', 'ruleErrors'],
  tool: ['name', 'version'],
  bundle: ['source', 'collectedAt', 'ztunnelPods'],
  summary: ['critical', 'error', 'warning', 'info', 'rulesRun', 'rulesSkipped', 'suppressed'],
  finding: ['ruleId', 'title', 'severity', 'category', 'subject', 'message', 'evidence', 'remediation', 'docs'],
  subject: ['kind', 'namespace', 'name', 'node'],
  evidence: ['file', 'pointer', 'line', 'excerpt'],
  skipped: ['ruleId', 'title', 'category', 'reason'],
  ruleError: ['ruleId', 'subject', 'reason'],
} as const;

function ordered(obj: object, keys: readonly string[], nested: Record<string, (v: unknown) => unknown> = {}): Plain {
  const src = obj as Plain;
  const out: Plain = {};
  const rest = Object.keys(src).filter((k) => !keys.includes(k));
  for (const key of [...keys, ...rest]) {
    const value = src[key];
    if (value === undefined) continue; // optional fields are omitted, never written as null
    const shape = nested[key];
    out[key] = shape ? shape(value) : value;
  }
  return out;
}

const list = (keys: readonly string[], nested?: Record<string, (v: unknown) => unknown>) => (v: unknown) =>
  Array.isArray(v) ? v.map((item: object) => ordered(item, keys, nested)) : v;

export function renderJson(report: Report): string {
  const shaped = ordered(report, ORDER.report, {
    tool: (v) => ordered(v as object, ORDER.tool),
    bundle: (v) => ordered(v as object, ORDER.bundle),
    summary: (v) => ordered(v as object, ORDER.summary),
    findings: list(ORDER.finding, {
      subject: (v) => ordered(v as object, ORDER.subject),
      evidence: list(ORDER.evidence),
    }),
    skippedRules: list(ORDER.skipped),
    ruleErrors: list(ORDER.ruleError),
  });
  return `${JSON.stringify(shaped, null, 2)}\n`;
}
