/**
 * Parsing of option values shared by commands, with one-line errors that name the flag.
 */
import { UsageError } from '../errors.js';
import type { ReportFormat } from '../report/render.js';
import { SEVERITIES, type Severity } from '../report/types.js';

export type { ReportFormat };
const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'md', 'json'];

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

/** --port: 0..65535 (0 lets the system pick a free port). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port: "${value}" is not a port number (0-65535)`);
  return n;
}

/** A whole number >= 0 for the named flag. */
export function parseNonNegative(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag}: "${value}" is not a whole number >= 0`);
    return n;
  };
}
