/**
 * The short summary printed after `analyze`: counts by severity, the most severe findings (one
 * line each, cut to the terminal width), what could not be checked and where the reports went.
 * Bundle text is stripped of control characters so a hostile pod name cannot move the cursor,
 * recolour the terminal or fake lines of output.
 */
import { createColors } from 'picocolors';
import { SEVERITIES, type Finding, type Report, type Severity } from './types.js';

export interface TerminalOptions {
  color: boolean;
  /** Paths of the report files written (not '-'). */
  written?: string[];
  /** Line width; longer lines are cut with an ellipsis. */
  width?: number;
  /** How many findings to list, most severe first. */
  top?: number;
}

const DEFAULT_WIDTH = 100;
const DEFAULT_TOP = 10;

/** C0/C1 controls (incl. ESC and newlines) and bidi overrides, all of which can spoof output. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

export function terminalText(value: string): string {
  return value.replace(UNSAFE, ' ').trim();
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function subjectLabel(f: Finding): string {
  const { kind, namespace, name } = f.subject;
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

export function renderTerminalSummary(report: Report, options: TerminalOptions): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const top = options.top ?? DEFAULT_TOP;
  const enabled = options.color && !process.env.NO_COLOR;
  const c = createColors(enabled);
  const paint: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    error: c.red,
    warning: c.yellow,
    info: c.cyan,
  };
  const { summary } = report;
  const lines: string[] = [];

  lines.push(cut(terminalText(`ztunnel-bundle ${report.tool.version}: ${report.bundle.source} (${report.bundle.ztunnelPods} ztunnel pod${report.bundle.ztunnelPods === 1 ? '' : 's'})`), width));
  const counts = SEVERITIES.map((s) => (summary[s] > 0 ? paint[s](`${summary[s]} ${s}`) : c.dim(`0 ${s}`))).join(', ');
  lines.push(`Findings: ${counts}  (${summary.rulesRun} rules run, ${summary.suppressed} suppressed)`);

  if (report.findings.length === 0) lines.push(c.green('No findings.'));
  for (const f of report.findings.slice(0, top)) {
    // Measure and cut the plain text first, then colour only the severity tag.
    const tag = f.severity.toUpperCase().padEnd(8);
    const rest = cut(terminalText(`${f.ruleId}  ${subjectLabel(f)}: ${f.message}`), width - tag.length - 3);
    lines.push(`  ${paint[f.severity](tag)} ${rest}`);
  }
  if (report.findings.length > top) lines.push(c.dim(`  … and ${report.findings.length - top} more findings in the report`));

  if (summary.rulesSkipped > 0) {
    lines.push(c.yellow(`${summary.rulesSkipped} rule${summary.rulesSkipped === 1 ? '' : 's'} not checked: the bundle lacks their inputs (see the report).`));
  }
  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    const rules = [...new Set(suppressed.map((s) => s.finding.ruleId))];
    lines.push(c.dim(cut(terminalText(`${suppressed.length} finding${suppressed.length === 1 ? '' : 's'} suppressed (${rules.join(', ')}); listed in the report.`), width)));
  }
  for (const e of report.expiredSuppressions ?? []) {
    lines.push(c.yellow(cut(terminalText(`Suppression expired ${e.expires}, no longer applied: ${e.subject ? `${e.rule}=${e.subject}` : e.rule} (${e.origin})`), width)));
  }
  for (const e of report.ruleErrors) lines.push(c.red(cut(terminalText(`Rule error: ${e.ruleId}${e.subject ? ` (${e.subject})` : ''}: ${e.reason}`), width)));
  if (options.written && options.written.length > 0) lines.push(`Reports: ${options.written.map(terminalText).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
