/**
 * `ztunnel-bundle analyze BUNDLE`: rules are loaded first (a broken rule fails before any bundle
 * is read), then the bundle is analyzed and the reports written. Returns the exit code:
 * 0 clean, 1 findings at or above --fail-on; errors are thrown as ToolErrors (exit 2).
 */
import { openBundle } from '../bundle/open.js';
import { analyzeBundle } from '../analyze/analyze.js';
import { exitCodeForFindings, loadRuleSet, type RuleSetOptions } from '../analyze/ruleset.js';
import type { ReportFormat } from '../cli/options.js';
import { writeReports } from '../report/render.js';
import { renderTerminalSummary } from '../report/terminal.js';
import type { Report, Severity } from '../report/types.js';

export interface AnalyzeOptions extends RuleSetOptions {
  bundle: string;
  formats: ReportFormat[];
  output?: string;
  failOn: Severity | 'none';
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export function exitCodeFor(report: Report, failOn: Severity | 'none'): number {
  return exitCodeForFindings(report.findings, failOn);
}

export async function runAnalyze(opts: AnalyzeOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const { rules, suppressions } = await loadRuleSet(opts);
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
