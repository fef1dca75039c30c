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

/** A whole number >= 1 for the named flag. */
export function parsePositive(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: "${value}" is not a whole number >= 1`);
    return n;
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "2m", "1500ms" (a bare number is seconds) -> milliseconds. */
export function parseDurationMs(flag: string): (value: string) => number {
  return (value: string) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
    const ms = m ? Number(m[1]) * DURATION_UNITS[m[2] ?? 's']! : NaN;
    if (!(ms > 0)) throw new UsageError(`${flag}: "${value}" is not a duration like 30s, 2m or 1500ms`);
    return Math.round(ms);
  };
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };

/** "50Mi", "1G", "1048576" -> bytes. */
export function parseByteSize(flag: string): (value: string) => number {
  return (value: string) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ki|mi|gi|k|m|g)?b?$/i.exec(value.trim());
    const bytes = m ? Number(m[1]) * SIZE_UNITS[(m[2] ?? '').toLowerCase()]! : NaN;
    if (!(bytes >= 1)) throw new UsageError(`${flag}: "${value}" is not a size like 50Mi, 1Gi or 1048576`);
    return Math.floor(bytes);
  };
}
