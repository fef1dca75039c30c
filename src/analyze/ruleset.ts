/**
 * What analyze and diff both do before reading any bundle, and how both turn findings into an
 * exit code: rules and suppressions are loaded (and checked against each other) first, so a broken
 * rule or suppressions file fails before a bundle is opened.
 */
import { ExitCode } from '../errors.js';
import { severityRank, type Severity } from '../report/types.js';
import { loadRules } from '../rules/loader.js';
import type { Rule } from '../rules/types.js';
import { checkSuppressedRules, loadSuppressions, type Suppression } from './suppress.js';

export interface RuleSetOptions {
  ruleDirs: string[];
  builtinRules: boolean;
  /** --suppress RULE_ID[=SUBJECT_GLOB] values. */
  suppress?: string[];
  /** --suppressions FILE. */
  suppressionsFile?: string;
}

export async function loadRuleSet(opts: RuleSetOptions): Promise<{ rules: Rule[]; suppressions: Suppression[] }> {
  const rules = await loadRules({ dirs: opts.ruleDirs, builtin: opts.builtinRules });
  const suppressions = await loadSuppressions({ flags: opts.suppress, file: opts.suppressionsFile });
  checkSuppressedRules(suppressions, rules.map((r) => r.id));
  return { rules, suppressions };
}

/** 1 when a finding is at or above the --fail-on severity, 0 otherwise (or with 'none'). */
export function exitCodeForFindings(findings: readonly { severity: Severity }[], failOn: Severity | 'none'): number {
  if (failOn === 'none') return ExitCode.ok;
  const threshold = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= threshold) ? ExitCode.findings : ExitCode.ok;
}
