/**
 * What analyze and diff both do besides reading a bundle, and how both turn findings into an exit
 * code: rules and suppressions are loaded (and checked against each other), and a broken rule or
 * suppressions file is reported instead of any analysis (analyze extracts the bundle meanwhile, and
 * drops it when they fail).
 */
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

export { exitCodeForFindings } from './exit-code.js';
