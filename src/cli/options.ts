/**
 * Parsing of option values shared by commands, with one-line errors that name the flag.
 */
import { UsageError } from '../errors.js';
import { SEVERITIES, type Severity } from '../report/types.js';

export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormats(value: string | undefined): ReportFormat[] {
  if (value === undefined) return [];
  const formats = value.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const aliases: Record<string, ReportFormat> = { markdown: 'md', htm: 'html' };
  const out: ReportFormat[] = [];
  for (const f of formats) {
    const format = aliases[f] ?? f;
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format: unknown format "${f}"; use html, md or json (comma-separated for several)`);
    }
    if (!out.includes(format as ReportFormat)) out.push(format as ReportFormat);
  }
  if (out.length === 0) throw new UsageError('--format: give at least one of html, md, json');
  return out;
}

/** --fail-on: a severity, or 'none' (never fail on findings). */
export function parseSeverityThreshold(value: string): Severity | 'none' {
  if (value === 'none' || (SEVERITIES as readonly string[]).includes(value)) return value as Severity | 'none';
  throw new UsageError(`--fail-on: unknown severity "${value}"; use critical, error, warning, info or none`);
}
