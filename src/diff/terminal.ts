/**
 * The short diff summary printed after `diff`: counts, then the new findings (most severe first)
 * and the resolved ones, one line each, cut to the width. Bundle text goes through the report's
 * terminalText, so a hostile name cannot move the cursor or fake output.
 */
import { createColors } from 'picocolors';
import { terminalText } from '../report/terminal.js';
import type { Finding } from '../report/types.js';
import type { DiffReport } from './types.js';

export interface DiffTerminalOptions {
  color: boolean;
  written?: string[];
  width?: number;
  /** Lines listed per kind of change. */
  top?: number;
}

function cut(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

function label(f: Finding): string {
  const { kind, namespace, name } = f.subject;
  return `${f.severity.toUpperCase().padEnd(8)} ${f.ruleId}  ${kind} ${namespace ? `${namespace}/` : ''}${name}: ${f.message}`;
}

export function renderDiffTerminal(diff: DiffReport, options: DiffTerminalOptions): string {
  const width = options.width ?? 100;
  const top = options.top ?? 10;
  const c = createColors(options.color && !process.env.NO_COLOR);
  const s = diff.summary;
  const lines = [
    cut(terminalText(`ztunnel-bundle diff: ${diff.before.source} -> ${diff.after.source}`), width),
    `Findings: ${s.new > 0 ? c.red(`${s.new} new`) : c.dim('0 new')}, ${s.resolved > 0 ? c.green(`${s.resolved} resolved`) : c.dim('0 resolved')}, ${s.unchanged} unchanged (${s.messageChanged} message changed)` +
      (s.notRechecked > 0 ? `, ${c.yellow(`${s.notRechecked} not re-checked`)}` : ''),
  ];
  const list = (tag: string, paint: (t: string) => string, findings: Finding[]) => {
    for (const f of findings.slice(0, top)) lines.push(`  ${paint(tag)} ${cut(terminalText(label(f)), width - tag.length - 3)}`);
    if (findings.length > top) lines.push(c.dim(`  … and ${findings.length - top} more in the diff report`));
  };
  list('NEW     ', c.red, diff.new);
  list('RESOLVED', c.green, diff.resolved);
  list('UNKNOWN ', c.yellow, diff.notRechecked);
  if (options.written && options.written.length > 0) lines.push(`Reports: ${options.written.map(terminalText).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
