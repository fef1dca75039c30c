/**
 * `ztunnel-bundle diff BEFORE AFTER`: analyzes both bundles with the same rules (and
 * suppressions), classifies every finding as new, resolved or unchanged, writes the diff in the
 * formats asked for and prints a summary. Exit code: 1 when a NEW finding is at or above
 * --fail-on (a regression), 0 otherwise; errors are thrown as ToolErrors (exit 2).
 */
import { analyzeBundle } from '../analyze/analyze.js';
import { exitCodeForFindings, loadRuleSet, type RuleSetOptions } from '../analyze/ruleset.js';
import { openBundle } from '../bundle/open.js';
import type { ReportFormat } from '../cli/options.js';
import { buildDiffReport } from '../diff/classify.js';
import { renderDiffTerminal } from '../diff/terminal.js';
import type { DiffReport } from '../diff/types.js';
import { writeDiffReports } from '../diff/write.js';
import type { Report, Severity } from '../report/types.js';
import type { Rule } from '../rules/types.js';
import type { Suppression } from '../analyze/suppress.js';

/** Suppressions (--suppress, --suppressions) apply to both bundles. */
export interface DiffOptions extends RuleSetOptions {
  before: string;
  after: string;
  formats: ReportFormat[];
  output?: string;
  failOn: Severity | 'none';
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Only NEW findings count for --fail-on: a diff gates a change, not the state before it. */
export function diffExitCode(diff: DiffReport, failOn: Severity | 'none'): number {
  return exitCodeForFindings(diff.new, failOn);
}

async function analyzePath(path: string, rules: readonly Rule[], suppressions: readonly Suppression[]): Promise<Report> {
  const bundle = await openBundle(path);
  try {
    return (await analyzeBundle(bundle, rules, { suppressions })).report;
  } finally {
    await bundle.close();
  }
}

export async function runDiff(opts: DiffOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  // Rules and suppressions first: a broken rule or file fails before any bundle is read.
  const { rules, suppressions } = await loadRuleSet(opts);
  const before = await analyzePath(opts.before, rules, suppressions);
  const after = await analyzePath(opts.after, rules, suppressions);
  const diff = buildDiffReport(before, after);
  const written = opts.formats.length > 0 ? await writeDiffReports(diff, { formats: opts.formats, output: opts.output, stdout }) : [];
  // A diff written to stdout must stay machine-readable: the summary then goes to stderr.
  const summaryStream = written.includes('-') ? stderr : stdout;
  summaryStream.write(renderDiffTerminal(diff, { color: opts.color, written: written.filter((w) => w !== '-') }));
  return diffExitCode(diff, opts.failOn);
}
