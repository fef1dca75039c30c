/**
 * Domain errors. Commands turn these into a one-line message and an exit code at the command
 * boundary; only bin/ calls process.exit. Every message names the file (or flag) and the problem.
 */

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  findings: 1,
  usage: 2,
  /** collect: a bundle was written but some artifacts failed (see manifest.json). */
  partial: 3,
  /** collect: interrupted; a partial bundle marked as interrupted, or nothing, was left. */
  interrupted: 130,
} as const;

/** Base class: anything with a one-line, user-facing message and an exit code. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown format, missing argument, ...). */
export class UsageError extends ToolError {}

/** A bundle (archive, directory or one of its files) that cannot be read safely. */
export class BundleError extends ToolError {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** One problem in one rule file; a RuleLoadError carries all of them at once. */
export interface RuleProblem {
  file: string;
  ruleId?: string;
  /** JSON pointer or dotted path of the offending field, '' for the whole file. */
  field: string;
  reason: string;
}

export class RuleLoadError extends ToolError {
  constructor(readonly problems: RuleProblem[]) {
    super(problems.map(formatRuleProblem).join('\n'));
  }
}

export function formatRuleProblem(p: RuleProblem): string {
  const id = p.ruleId ? ` [${p.ruleId}]` : '';
  const field = p.field ? ` ${p.field}:` : '';
  return `${p.file}${id}${field} ${p.reason}`;
}

/** Short text of any thrown value, for messages and manifests. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
