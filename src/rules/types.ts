/**
 * Rules as loaded: the YAML document (validated against schemas/rule.schema.json) plus its
 * compiled CEL programs and where it came from.
 */
import type { Category, Severity } from '../report/types.js';
import type { CollectionName } from '../facts/types.js';
import type { CompiledExpression } from './cel.js';

/** The YAML document of a rule, as the schema describes it. */
export interface RuleDocument {
  id: string;
  title: string;
  severity: Severity;
  category: Category;
  for: string;
  when: string;
  data?: Record<string, string>;
  message: string;
  remediation: string;
  docs: string;
  tags?: string[];
}

export interface Rule extends Omit<RuleDocument, 'for'> {
  for: CollectionName;
  /** The rule file, relative to the working directory when below it (for messages). */
  file: string;
  /** The rule file's absolute path (to find its test cases beside it). */
  path: string;
  condition: CompiledExpression;
  dataExpressions: Record<string, CompiledExpression>;
  /** True for rules shipped with the tool, false for --rules directories. */
  builtin: boolean;
}
