/**
 * The analyze pipeline without any CLI concerns: bundle -> facts -> rules -> report.
 * Used by the analyze command, the rule tester and (later) diff.
 */
import type { BundleSource } from '../bundle/source.js';
import { buildFacts } from '../facts/build.js';
import type { EarlyParses } from '../facts/early.js';
import type { FactModel } from '../facts/types.js';
import { SEVERITIES, type Report } from '../report/types.js';
import { evaluateRules } from '../rules/evaluate.js';
import type { Rule } from '../rules/types.js';
import { toolVersion } from '../util/package.js';
import { applySuppressions, type Suppression } from './suppress.js';
import { summarizeTraffic } from './traffic.js';

export interface AnalysisResult {
  report: Report;
  facts: FactModel;
}

export interface AnalyzeBundleOptions {
  /** Known, accepted findings to take out of the report (see suppress.ts). */
  suppressions?: readonly Suppression[];
  /** Clock for suppression expiry (default: now). */
  now?: Date;
  /** What was parsed while the bundle was extracted: pass the one given to openBundle's onFile. */
  early?: EarlyParses;
}

export async function analyzeBundle(bundle: BundleSource, rules: readonly Rule[], options: AnalyzeBundleOptions = {}): Promise<AnalysisResult> {
  const facts = await buildFacts(bundle, options.early ? { early: options.early } : {});
  return analyzeFacts(facts, rules, options);
}

/**
 * The rules over facts already built. The facts hold all a report shows (evidence included), so
 * the bundle is no longer needed here: analyze removes an extracted archive meanwhile.
 */
export function analyzeFacts(facts: FactModel, rules: readonly Rule[], options: Omit<AnalyzeBundleOptions, 'early'> = {}): AnalysisResult {
  const evaluation = evaluateRules(rules, facts);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, evaluation.findings.filter((f) => f.severity === s).length])) as Record<(typeof SEVERITIES)[number], number>;
  const report: Report = {
    schemaVersion: '1',
    tool: { name: 'ztunnel-bundle', version: toolVersion() },
    bundle: { source: facts.bundle.source, collectedAt: facts.bundle.collectedAt || null, ztunnelPods: facts.bundle.ztunnelCount },
    summary: { ...counts, rulesRun: evaluation.rulesRun, rulesSkipped: evaluation.skipped.length, suppressed: 0 },
    findings: evaluation.findings,
    skippedRules: evaluation.skipped,
    ruleErrors: evaluation.errors,
  };
  const traffic = summarizeTraffic(facts);
  if (traffic) report.traffic = traffic;
  if (options.suppressions && options.suppressions.length > 0) {
    return { report: applySuppressions(report, options.suppressions, { now: options.now }), facts };
  }
  return { report, facts };
}
