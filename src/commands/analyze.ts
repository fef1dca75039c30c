/**
 * `ztunnel-bundle analyze BUNDLE`: rules are loaded first (a broken rule fails before any bundle
 * is read), then the bundle is analyzed and the reports written. Returns the exit code:
 * 0 clean, 1 findings at or above --fail-on; errors are thrown as ToolErrors (exit 2).
 */
import { openBundle } from '../bundle/open.js';
import { analyzeBundle } from '../analyze/analyze.js';
import { checkSuppressedRules, loadSuppressions } from '../analyze/suppress.js';
import type { ReportFormat } from '../cli/options.js';
import { ExitCode } from '../errors.js';
import { writeReports } from '../report/render.js';
import { renderTerminalSummary } from '../report/terminal.js';
import { severityRank, type Report, type Severity } from '../report/types.js';
import { loadRules } from '../rules/loader.js';

export interface AnalyzeOptions {
  bundle: string;
  formats: ReportFormat[];
  output?: string;
  ruleDirs: string[];
  builtinRules: boolean;
  failOn: Severity | 'none';
  /** --suppress RULE_ID[=SUBJECT_GLOB] values. */
  suppress?: string[];
  /** --suppressions FILE. */
  suppressionsFile?: string;
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  if (failOn === 'none') return ExitCode.ok;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => severityRank(f.severity) >= threshold) ? ExitCode.findings : ExitCode.ok;
}

export async function runAnalyze(opts: AnalyzeOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const rules = await loadRules({ dirs: opts.ruleDirs, builtin: opts.builtinRules });
  const suppressions = await loadSuppressions({ flags: opts.suppress, file: opts.suppressionsFile });
  checkSuppressedRules(suppressions, rules.map((r) => r.id));
  const bundle = await openBundle(opts.bundle);
  try {
    const { report } = await analyzeBundle(bundle, rules, { suppressions });
    const written = opts.formats.length > 0 ? await writeReports(report, { formats: opts.formats, output: opts.output, stdout }) : [];
    // A report written to stdout must stay machine-readable: the summary then goes to stderr.
    const summaryStream = written.includes('-') ? stderr : stdout;
    summaryStream.write(renderTerminalSummary(report, { color: opts.color, written: written.filter((w) => w !== '-') }));
    return exitCodeFor(report, opts.failOn);
  } finally {
    await bundle.close();
  }
}
