/**
 * An in-house parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 as ztunnel's
 * `prometheus_client` encoder writes them (the npm parser is wrong for it: dependencies.md §4).
 * It knows that a counter family `x` has samples `x_total`/`x_created`, that histogram and summary
 * series are told apart by their labels minus `le`/`quantile`, and it reads `# UNIT`, `# EOF`,
 * label escapes, exemplars and timestamps. A bad line is recorded as a problem with its line number
 * and skipped; only a file in which nothing at all parses is rejected with a BundleError, because
 * that is not a metrics scrape (an HTML error page, a truncated binary) and saying "no metrics"
 * would hide it.
 */
import { BundleError } from '../errors.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'untyped';

export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

export interface MetricSample {
  /** The sample's own name, with its suffix (`istio_tcp_connections_opened_total`, `x_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** As written: milliseconds in Prometheus text, seconds in OpenMetrics. */
  timestamp?: number;
  exemplar?: Exemplar;
}

export interface MetricFamily {
  /** The family name from `# TYPE` (a counter's without `_total`), or the sample name when untyped. */
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: MetricSample[];
}

export interface MetricsProblem {
  line: number;
  problem: string;
}

export interface MetricsParseResult {
  families: MetricFamily[];
  /** The first MAX_PROBLEMS problems. */
  problems: MetricsProblem[];
  /** All problems, including those not kept. */
  problemCount: number;
  /** True when the text ended with OpenMetrics' `# EOF`. */
  eof: boolean;
}

export const MAX_PROBLEMS = 100;

const TYPES: Record<string, MetricType> = {
  counter: 'counter', gauge: 'gauge', histogram: 'histogram', gaugehistogram: 'gaugehistogram',
  summary: 'summary', info: 'info', stateset: 'stateset', untyped: 'untyped', unknown: 'untyped',
};

/** Sample-name suffixes each family type owns (OpenMetrics 1.0 §4). */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['_count', '_sum', '_created'],
  info: ['_info'],
  gauge: [],
  stateset: [],
  untyped: [],
};
const ALL_SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

class LineError extends Error {}

/** [A-Za-z0-9_] plus ':' in metric names (label names may not hold ':'). */
function isNameChar(c: number, metric: boolean): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || (metric && c === 58);
}

/** A cursor over one line; every read either advances or throws LineError. */
class Cursor {
  i = 0;
  /** The next backslash at or after a label value's start (-1: none left; found again once passed). */
  private backslash = -2;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  skipSpaces(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
  }

  expect(ch: string, what: string): void {
    if (this.s[this.i] !== ch) throw new LineError(`expected ${what} at column ${this.i + 1}`);
    this.i++;
  }

  name(what: string, metric: boolean): string {
    const start = this.i;
    const first = this.s.charCodeAt(start);
    if (!isNameChar(first, metric) || (first >= 48 && first <= 57)) throw new LineError(`expected ${what} at column ${start + 1}`);
    this.i++;
    while (this.i < this.s.length && isNameChar(this.s.charCodeAt(this.i), metric)) this.i++;
    return this.s.slice(start, this.i);
  }

  token(): string {
    const start = this.i;
    while (this.i < this.s.length && this.s[this.i] !== ' ' && this.s[this.i] !== '\t') this.i++;
    return this.s.slice(start, this.i);
  }

  /** A double-quoted label value with the `\\`, `\"` and `\n` escapes. */
  quoted(): string {
    this.expect('"', 'a quoted label value');
    // Nearly every value has no backslash before its closing quote: one slice, no loop.
    const close = this.s.indexOf('"', this.i);
    if (close !== -1) {
      if (this.backslash !== -1 && this.backslash < this.i) this.backslash = this.s.indexOf('\\', this.i);
      if (this.backslash === -1 || this.backslash > close) {
        const value = this.s.slice(this.i, close);
        this.i = close + 1;
        return value;
      }
    }
    let out = '';
    let runStart = this.i;
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 34 /* " */) {
        out += this.s.slice(runStart, this.i);
        this.i++;
        return out;
      }
      if (c === 92 /* \ */) {
        const next = this.s[this.i + 1];
        out += this.s.slice(runStart, this.i) + (next === 'n' ? '\n' : next === '\\' || next === '"' ? next : `\\${next ?? ''}`);
        this.i += 2;
        runStart = this.i;
        continue;
      }
      this.i++;
    }
    throw new LineError('unterminated label value');
  }

  /**
   * A label name. The series of a family repeat the same names in the same order, so the name at
   * this position on the previous line is tried first: when it is here, whole, it is taken as is,
   * no slice made and no new key for the labels object to hash.
   */
  labelName(previous: string | undefined): string {
    if (previous !== undefined && this.s.startsWith(previous, this.i) && !isNameChar(this.s.charCodeAt(this.i + previous.length), false)) {
      this.i += previous.length;
      return previous;
    }
    return this.name('a label name', false);
  }

  /** Labels in braces; `names` holds the previous line's label names and is updated with these. */
  labels(names: string[] = []): Record<string, string> {
    const labels: Record<string, string> = {};
    this.expect('{', "'{'");
    this.skipSpaces();
    for (let k = 0; this.peek() !== '}'; k++) {
      const name = this.labelName(names[k]);
      names[k] = name;
      this.skipSpaces();
      this.expect('=', "'=' after label name");
      this.skipSpaces();
      const value = this.quoted();
      if (Object.hasOwn(labels, name)) throw new LineError(`duplicate label ${name}`);
      if (name !== '__proto__') labels[name] = value;
      this.skipSpaces();
      if (this.peek() === ',') {
        this.i++;
        this.skipSpaces();
      } else if (this.peek() !== '}') throw new LineError(`expected ',' or '}' at column ${this.i + 1}`);
    }
    this.i++;
    return labels;
  }
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A Prometheus float: decimal, exponent, NaN, +Inf, -Inf. */
export function parseMetricValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return FLOAT.test(text) ? Number(text) : undefined;
}

function number(cursor: Cursor, what: string): number {
  const text = cursor.token();
  const value = parseMetricValue(text);
  if (value === undefined) throw new LineError(`bad ${what} ${JSON.stringify(text.slice(0, 40))}`);
  return value;
}

function parseSample(line: string, labelNames: string[]): MetricSample {
  const cursor = new Cursor(line);
  const name = cursor.name('a metric name', true);
  const labels = cursor.peek() === '{' ? cursor.labels(labelNames) : {};
  if (cursor.peek() !== ' ' && cursor.peek() !== '\t') throw new LineError(`expected a space before the value at column ${cursor.i + 1}`);
  cursor.skipSpaces();
  const sample: MetricSample = { name, labels, value: number(cursor, 'value') };
  cursor.skipSpaces();
  if (!cursor.done && cursor.peek() !== '#') sample.timestamp = number(cursor, 'timestamp');
  cursor.skipSpaces();
  if (cursor.peek() === '#') {
    cursor.i++;
    cursor.skipSpaces();
    const exemplar: Exemplar = { labels: cursor.labels(), value: 0 };
    cursor.skipSpaces();
    exemplar.value = number(cursor, 'exemplar value');
    cursor.skipSpaces();
    if (!cursor.done) exemplar.timestamp = number(cursor, 'exemplar timestamp');
    sample.exemplar = exemplar;
  }
  cursor.skipSpaces();
  if (!cursor.done) throw new LineError(`unexpected text at column ${cursor.i + 1}`);
  return sample;
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(n|\\|")/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Parser state over one file. */
class MetricsReader {
  private readonly families = new Map<string, MetricFamily>();
  readonly problems: MetricsProblem[] = [];
  problemCount = 0;
  samples = 0;
  eof = false;
  /** Label names of the last sample line, in order (see Cursor.labelName). */
  private readonly labelNames: string[] = [];

  /** True once a family exists: from then on the text cannot be refused as not metrics. */
  get hasFamilies(): boolean {
    return this.families.size > 0;
  }

  problem(line: number, problem: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push({ line, problem });
  }

  private family(name: string): MetricFamily {
    let family = this.families.get(name);
    if (!family) {
      family = { name, type: 'untyped', samples: [] };
      this.families.set(name, family);
    }
    return family;
  }

  /** The declared family a sample belongs to, by exact name or by a suffix its type owns. */
  private familyOfSample(sampleName: string): MetricFamily {
    const exact = this.families.get(sampleName);
    if (exact) return exact;
    for (const suffix of ALL_SUFFIXES) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = this.families.get(sampleName.slice(0, -suffix.length));
      if (base && SUFFIXES[base.type].includes(suffix)) return base;
    }
    return this.family(sampleName);
  }

  comment(line: string, lineNo: number): void {
    const match = /^#\s+(HELP|TYPE|UNIT)\s+([A-Za-z_:][A-Za-z0-9_:]*)(?:\s+(.*))?$/.exec(line);
    if (!match) {
      if (/^#\s*EOF\s*$/.test(line)) this.eof = true;
      return; // Other comments are allowed and carry nothing.
    }
    const [, keyword, name, rest = ''] = match as unknown as [string, string, string, string | undefined];
    const family = this.family(name);
    if (keyword === 'HELP') family.help = unescapeHelp(rest);
    else if (keyword === 'UNIT') {
      if (rest) family.unit = rest.trim();
    } else {
      const type = TYPES[rest.trim().toLowerCase()];
      if (!type) this.problem(lineNo, `unknown metric type ${JSON.stringify(rest.trim())} for ${name}`);
      else if (family.samples.length > 0 && family.type !== type) this.problem(lineNo, `# TYPE for ${name} after its samples`);
      else family.type = type;
    }
  }

  sample(line: string, lineNo: number): void {
    try {
      const sample = parseSample(line, this.labelNames);
      this.familyOfSample(sample.name).samples.push(sample);
      this.samples++;
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      this.problem(lineNo, err.message);
    }
  }

  result(): MetricsParseResult {
    return { families: [...this.families.values()], problems: this.problems, problemCount: this.problemCount, eof: this.eof };
  }
}

export interface MetricsParseOptions {
  /**
   * Sample names (with their suffix) to parse; lines of other samples are skipped, by their name,
   * without reading their labels. A ztunnel scrape is some 150 KB of per-connection series and
   * analyze reads three sample names from it. Skipping starts only once the text has shown a
   * family (a `# TYPE`/`# HELP`/`# UNIT` line or a parsed sample), after which no line can make
   * the text be refused, so a text that is not metrics is refused as without options. Problems
   * are those of the lines read. Each selected sample lands in a family whose name prefixes its
   * own, as without options, so findSamples and sumSamples find the same samples (in another
   * order only when a `# TYPE` line follows samples of its family, which the text may not do).
   */
  samples?: ReadonlySet<string>;
}

/** A sample line's name: everything before its labels or value (what Cursor.name reads when the line parses). */
function sampleNameOf(line: string): string {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x7b /* { */ || c === 0x20 || c === 0x09) return line.slice(0, i);
  }
  return line;
}

/** Parses metrics text, returning the families and every problem found. See parseMetrics for errors. */
export function parseMetricsText(text: string, file: string, options: MetricsParseOptions = {}): MetricsParseResult {
  const wanted = options.samples;
  const reader = new MetricsReader();
  let badLines = 0;
  let lineNo = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (reader.eof) {
      reader.problem(lineNo, 'content after # EOF');
      continue;
    }
    if (line.startsWith('#')) reader.comment(line, lineNo);
    else {
      const sampleLine = line.trimStart();
      if (wanted && reader.hasFamilies && !wanted.has(sampleNameOf(sampleLine))) continue;
      const before = reader.problemCount;
      reader.sample(sampleLine, lineNo);
      if (reader.problemCount > before) badLines++;
    }
  }
  const result = reader.result();
  if (reader.samples === 0 && badLines > 0 && result.families.length === 0) {
    const first = result.problems[0];
    throw new BundleError(file, `not Prometheus or OpenMetrics text (line ${first?.line ?? 1}: ${first?.problem ?? 'no samples'})`);
  }
  return result;
}

/**
 * The metric families of a Prometheus/OpenMetrics text. Bad lines are skipped (use
 * parseMetricsText to see them); throws BundleError only when the text is not empty and nothing in
 * it parses.
 */
export function parseMetrics(text: string, file: string, options: MetricsParseOptions = {}): MetricFamily[] {
  return parseMetricsText(text, file, options).families;
}

export type LabelMatch = Record<string, string | RegExp>;

function matches(labels: Record<string, string>, match: LabelMatch | undefined): boolean {
  if (!match) return true;
  for (const [name, want] of Object.entries(match)) {
    const have = Object.hasOwn(labels, name) ? (labels[name] as string) : '';
    if (typeof want === 'string' ? have !== want : !want.test(have)) return false;
  }
  return true;
}

/** Samples named exactly `sampleName` whose labels match (a missing label matches ''). */
export function findSamples(families: readonly MetricFamily[], sampleName: string, match?: LabelMatch): MetricSample[] {
  const found: MetricSample[] = [];
  for (const family of families) {
    if (!sampleName.startsWith(family.name)) continue;
    for (const sample of family.samples) if (sample.name === sampleName && matches(sample.labels, match)) found.push(sample);
  }
  return found;
}

/** Sum of the matching samples' values; NaN samples are skipped, 0 when none match. */
export function sumSamples(families: readonly MetricFamily[], sampleName: string, match?: LabelMatch): number {
  let sum = 0;
  for (const sample of findSamples(families, sampleName, match)) if (!Number.isNaN(sample.value)) sum += sample.value;
  return sum;
}

/** One labeled series of a family: histogram/summary samples gathered under their shared labels. */
export interface MetricSeries {
  labels: Record<string, string>;
  /** Counter `_total`, gauge, untyped, info value. */
  value?: number;
  buckets?: Array<{ le: number; count: number }>;
  quantiles?: Array<{ quantile: number; value: number }>;
  sum?: number;
  count?: number;
  created?: number;
}

/** Groups a family's samples into series by their labels minus `le` and `quantile`. */
export function seriesOf(family: MetricFamily): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  for (const sample of family.samples) {
    const { le, quantile, ...labels } = sample.labels;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let series = byKey.get(key);
    if (!series) {
      series = { labels };
      byKey.set(key, series);
    }
    const suffix = sample.name.slice(family.name.length);
    if (suffix === '_bucket' && le !== undefined) (series.buckets ??= []).push({ le: parseMetricValue(le) ?? NaN, count: sample.value });
    else if (suffix === '' && quantile !== undefined) (series.quantiles ??= []).push({ quantile: parseMetricValue(quantile) ?? NaN, value: sample.value });
    else if (suffix === '_sum' || suffix === '_gsum') series.sum = sample.value;
    else if (suffix === '_count' || suffix === '_gcount') series.count = sample.value;
    else if (suffix === '_created') series.created = sample.value;
    else series.value = sample.value;
  }
  return [...byKey.values()];
}
