/**
 * Suppressions: known, accepted findings taken out of a report without hiding that they were.
 * They come from `--suppress RULE_ID[=SUBJECT_GLOB]` flags and from a YAML file (a list of
 * {rule, subject?, reason, expires?}). A suppressed finding leaves `findings` (so it no longer
 * counts for --fail-on) and is listed under `suppressed` with its reason; a suppression past its
 * `expires` date stops applying and is listed under `expiredSuppressions`, so an accepted risk
 * cannot silently outlive the date someone promised to fix it by.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { UsageError, errorText } from '../errors.js';
import { SEVERITIES, type ExpiredSuppression, type Finding, type Report, type SuppressedFinding } from '../report/types.js';

export interface Suppression {
  /** Rule id, exactly as in the report. */
  rule: string;
  /** Glob on the subject name or on `namespace/name`; absent means every subject. */
  subject?: string;
  reason: string;
  /** The date as written (YYYY-MM-DD or RFC 3339); absent means it never expires. */
  expires?: string;
  /** Where it came from, for messages: "--suppress" or "<file> entry 3". */
  origin: string;
}

/**
 * A glob matcher: `*` is any run of characters (including `/`, so SPIFFE ids and paths match),
 * `?` one character, everything else literal. Matched by the classic two-pointer walk that
 * backtracks only to the last `*`: at worst glob length times name length, never the
 * exponential backtracking a `.*a.*a.*` regular expression can hit on a hostile subject name.
 */
export function compileGlob(glob: string): (text: string) => boolean {
  const pattern = Array.from(glob);
  return (value: string) => {
    const text = Array.from(value);
    let p = 0;
    let t = 0;
    let star = -1;
    let resume = 0;
    while (t < text.length) {
      if (p < pattern.length && (pattern[p] === '?' || (pattern[p] !== '*' && pattern[p] === text[t]))) {
        p += 1;
        t += 1;
      } else if (p < pattern.length && pattern[p] === '*') {
        star = p;
        resume = t;
        p += 1;
      } else if (star >= 0) {
        p = star + 1;
        resume += 1;
        t = resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] === '*') p += 1;
    return p === pattern.length;
  };
}

/** A date-only `expires` lasts through that day (UTC); a timestamp is exact. */
export function expiryTime(expires: string): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(expires);
  const time = Date.parse(dateOnly ? `${expires}T00:00:00Z` : expires);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(expires)) return undefined;
  return dateOnly ? time + 24 * 3600 * 1000 : time;
}

/** One `--suppress` value: RULE_ID or RULE_ID=SUBJECT_GLOB. */
export function parseSuppressFlag(value: string): Suppression {
  const eq = value.indexOf('=');
  const rule = (eq < 0 ? value : value.slice(0, eq)).trim();
  const subject = eq < 0 ? undefined : value.slice(eq + 1).trim();
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(rule)) {
    throw new UsageError(`--suppress ${value}: "${rule}" is not a rule id; use RULE_ID or RULE_ID=SUBJECT_GLOB, e.g. pod-not-captured=default/ratings-*`);
  }
  if (subject === '') throw new UsageError(`--suppress ${value}: the subject glob after "=" is empty`);
  return { rule, ...(subject === undefined ? {} : { subject }), reason: 'suppressed on the command line (--suppress)', origin: '--suppress' };
}

const FILE_KEYS = new Set(['rule', 'subject', 'reason', 'expires']);

/** The entries of a suppressions file; every problem of every entry is reported at once. */
export function parseSuppressionsFile(text: string, file: string): Suppression[] {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw new UsageError(`${file}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new UsageError(`${file}: must be a YAML list of {rule, subject?, reason, expires?}`);
  const problems: string[] = [];
  const out: Suppression[] = [];
  value.forEach((entry: unknown, index) => {
    const where = `${file}: entry ${index + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${where}: must be a mapping with rule and reason`);
      return;
    }
    const e = entry as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(e)) if (!FILE_KEYS.has(key)) problems.push(`${where}: unknown field "${key}" (known: rule, subject, reason, expires)`);
    if (typeof e.rule !== 'string' || e.rule.trim() === '') problems.push(`${where}: rule must be a rule id`);
    if (typeof e.reason !== 'string' || e.reason.trim() === '') problems.push(`${where}: reason is required (say why the finding is accepted)`);
    if (e.subject !== undefined && (typeof e.subject !== 'string' || e.subject === '')) problems.push(`${where}: subject must be a non-empty glob`);
    // yaml 2 keeps dates as strings; a Date would only come from a custom schema, accept it anyway.
    const expires = e.expires instanceof Date ? e.expires.toISOString() : e.expires;
    if (expires !== undefined && (typeof expires !== 'string' || expiryTime(expires) === undefined)) {
      problems.push(`${where}: expires must be a date (YYYY-MM-DD) or an RFC 3339 time`);
    }
    if (problems.length > before) return;
    out.push({
      rule: (e.rule as string).trim(),
      ...(e.subject === undefined ? {} : { subject: e.subject as string }),
      reason: (e.reason as string).trim(),
      ...(expires === undefined ? {} : { expires: expires as string }),
      origin: `${file} entry ${index + 1}`,
    });
  });
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return out;
}

export interface SuppressionInput {
  /** Values of --suppress, in order. */
  flags?: readonly string[];
  /** A suppressions file already read: its path (for messages) and text. */
  file?: { path: string; text: string };
}

/** All suppressions from flags and a file's text; throws UsageError naming the flag or file. */
export function parseSuppressions(input: SuppressionInput): Suppression[] {
  const fromFlags = (input.flags ?? []).map(parseSuppressFlag);
  const fromFile = input.file ? parseSuppressionsFile(input.file.text, input.file.path) : [];
  return [...fromFlags, ...fromFile];
}

/** Reads --suppressions FILE (if any) and parses it together with the --suppress flags. */
export async function loadSuppressions(options: { flags?: readonly string[]; file?: string }): Promise<Suppression[]> {
  if (options.file === undefined) return parseSuppressions({ flags: options.flags });
  const path = options.file;
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new UsageError(`--suppressions ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? errorText(err)})`);
  });
  return parseSuppressions({ flags: options.flags, file: { path, text } });
}

/** Suppressions naming a rule that is not loaded would silently do nothing: a typo must fail. */
export function checkSuppressedRules(suppressions: readonly Suppression[], ruleIds: Iterable<string>): void {
  const known = new Set(ruleIds);
  const unknown = suppressions.filter((s) => !known.has(s.rule));
  if (unknown.length > 0) {
    throw new UsageError(unknown.map((s) => `${s.origin === '--suppress' ? '--suppress' : s.origin}: no rule "${s.rule}" is loaded (see ztunnel-bundle rules list)`).join('\n'));
  }
}

interface CompiledSuppression {
  suppression: Suppression;
  subject?: (text: string) => boolean;
}

function matchesSubject(compiled: CompiledSuppression, f: Finding): boolean {
  if (!compiled.subject) return true;
  const { namespace, name } = f.subject;
  return compiled.subject(name) || (namespace !== undefined && compiled.subject(`${namespace}/${name}`));
}

function reasonText(s: Suppression): string {
  return s.expires ? `${s.reason} (until ${s.expires})` : s.reason;
}

export interface ApplyOptions {
  /** The clock expiry is checked against (default: now). */
  now?: Date;
}

/**
 * The report without the findings the suppressions match: those move to `suppressed` (first
 * matching suppression's reason), the severity counts are recomputed and `summary.suppressed`
 * says how many went. Expired suppressions apply to nothing and are listed instead.
 */
export function applySuppressions(report: Report, suppressions: readonly Suppression[], options: ApplyOptions = {}): Report {
  const now = (options.now ?? new Date()).getTime();
  const active: CompiledSuppression[] = [];
  const expired: ExpiredSuppression[] = [...(report.expiredSuppressions ?? [])];
  for (const s of suppressions) {
    const until = s.expires === undefined ? undefined : expiryTime(s.expires);
    if (until !== undefined && until <= now) {
      expired.push({ rule: s.rule, ...(s.subject === undefined ? {} : { subject: s.subject }), reason: s.reason, expires: s.expires!, origin: s.origin });
      continue;
    }
    active.push({ suppression: s, ...(s.subject === undefined ? {} : { subject: compileGlob(s.subject) }) });
  }
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [...(report.suppressed ?? [])];
  for (const f of report.findings) {
    const match = active.find((c) => c.suppression.rule === f.ruleId && matchesSubject(c, f));
    if (match) suppressed.push({ finding: f, reason: reasonText(match.suppression) });
    else kept.push(f);
  }
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, kept.filter((f) => f.severity === s).length])) as Record<(typeof SEVERITIES)[number], number>;
  const result: Report = {
    ...report,
    summary: { ...report.summary, ...counts, suppressed: suppressed.length },
    findings: kept,
  };
  if (suppressed.length > 0) result.suppressed = suppressed;
  if (expired.length > 0) result.expiredSuppressions = expired;
  return result;
}
