/**
 * `ztunnel-bundle diff BEFORE AFTER`: analyzes both bundles with the same rules (and
 * suppressions), classifies every finding as new, resolved or unchanged, writes the diff in the
 * formats asked for and prints a summary. Exit code: 1 when a NEW finding is at or above
 * --fail-on (a regression), 0 otherwise; errors are thrown as ToolErrors (exit 2).
 */
import { analyzeBundle } from '../analyze/analyze.js';
import { checkSuppressedRules, loadSuppressions } from '../analyze/suppress.js';
import { openBundle } from '../bundle/open.js';
import type { ReportFormat } from '../cli/options.js';
import { buildDiffReport } from '../diff/classify.js';
import { renderDiffTerminal } from '../diff/terminal.js';
import type { DiffReport } from '../diff/types.js';
import { writeDiffReports } from '../diff/write.js';
import { ExitCode } from '../errors.js';
import { severityRank, type Report, type Severity } from '../report/types.js';
import { loadRules } from '../rules/loader.js';
import type { Rule } from '../rules/types.js';
import type { Suppression } from '../analyze/suppress.js';

export interface DiffOptions {
  before: string;
  after: string;
  formats: ReportFormat[];
  output?: string;
  ruleDirs: string[];
  builtinRules: boolean;
  failOn: Severity | 'none';
  /** --suppress values, applied to both bundles. */
  suppress?: string[];
  /** --suppressions FILE, applied to both bundles. */
  suppressionsFile?: string;
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export function diffExitCode(diff: DiffReport, failOn: Severity | 'none'): number {
  if (failOn === 'none') return ExitCode.ok;
  const threshold = severityRank(failOn);
  return diff.new.some((f) => severityRank(f.severity) >= threshold) ? ExitCode.findings : ExitCode.ok;
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
  const rules = await loadRules({ dirs: opts.ruleDirs, builtin: opts.builtinRules });
  const suppressions = await loadSuppressions({ flags: opts.suppress, file: opts.suppressionsFile });
  checkSuppressedRules(suppressions, rules.map((r) => r.id));
  const before = await analyzePath(opts.before, rules, suppressions);
  const after = await analyzePath(opts.after, rules, suppressions);
  const diff = buildDiffReport(before, after);
  const written = opts.formats.length > 0 ? await writeDiffReports(diff, { formats: opts.formats, output: opts.output, stdout }) : [];
  // A diff written to stdout must stay machine-readable: the summary then goes to stderr.
  const summaryStream = written.includes('-') ? stderr : stdout;
  summaryStream.write(renderDiffTerminal(diff, { color: opts.color, written: written.filter((w) => w !== '-') }));
  return diffExitCode(diff, opts.failOn);
}
