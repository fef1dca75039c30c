/**
 * `ztunnel-bundle analyze BUNDLE`: the bundle is opened and the rules are loaded at the same
 * time, then the bundle is analyzed and the reports written. Returns the exit code: 0 clean,
 * 1 findings at or above --fail-on; errors are thrown as ToolErrors (exit 2).
 */
import { exitCodeForFindings } from '../analyze/exit-code.js';
import type { RuleSetOptions } from '../analyze/ruleset.js';
import { openBundle } from '../bundle/open.js';
import type { BundleSource } from '../bundle/source.js';
import type { ReportFormat } from '../cli/options.js';
import { EarlyParses } from '../facts/early.js';
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
  // An archive is extracted (on a worker thread when it is large) while the main thread loads and
  // compiles the rules (and the modules behind them) and parses its files as they come out
  // (early.ts): each used to wait for the other. Errors keep their precedence: a broken rule is
  // reported, not the bundle, and its extraction is stopped and removed.
  const early = new EarlyParses();
  const stop = new AbortController();
  const opening = openBundle(opts.bundle, { onFile: early.offer, signal: stop.signal });
  opening.catch(() => {}); // awaited below; this only keeps a failure meanwhile from counting as unhandled
  let ruleSet;
  try {
    const { loadRuleSet } = await import('../analyze/ruleset.js');
    ruleSet = await loadRuleSet(opts);
  } catch (err) {
    stop.abort();
    await opening.then((bundle) => bundle.close(), () => undefined);
    throw err;
  }
  const bundle: BundleSource = await opening;
  try {
    const [{ buildFacts }, { analyzeFacts }] = await Promise.all([import('../facts/build.js'), import('../analyze/analyze.js')]);
    const facts = await buildFacts(bundle, { early });
    // Everything the reports show is in the facts: an extracted archive is removed (on the thread
    // pool) while the rules run.
    const closing = bundle.close();
    closing.catch(() => {}); // awaited below, unless the rules throw first
    const { report } = analyzeFacts(facts, ruleSet.rules, { suppressions: ruleSet.suppressions });
    await closing;
    const written = opts.formats.length > 0
      ? await (await import('../report/render.js')).writeReports(report, { formats: opts.formats, output: opts.output, stdout })
      : [];
    // A report written to stdout must stay machine-readable: the summary then goes to stderr.
    const summaryStream = written.includes('-') ? stderr : stdout;
    summaryStream.write(renderTerminalSummary(report, { color: opts.color, written: written.filter((w) => w !== '-') }));
    return exitCodeFor(report, opts.failOn);
  } finally {
    await bundle.close();
  }
}
