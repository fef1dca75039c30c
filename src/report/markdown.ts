/**
 * The Markdown report, meant to be pasted into a GitHub issue: title, bundle line, summary
 * tables, findings grouped by severity, then what could not be checked. Every value from the
 * bundle is escaped so it renders as plain text on GitHub (no raw HTML, links, images,
 * headings, table breaks or @mentions), and the whole text stays under `maxChars` (GitHub
 * rejects issue bodies over 65,536 characters) by leaving out whole findings and saying so.
 */
import { CATEGORIES, SEVERITIES, type Evidence, type Finding, type Report, type Severity } from './types.js';

export interface MarkdownOptions {
  /** Upper bound on the length of the returned text, in UTF-16 code units (String.length). */
  maxChars?: number;
}

/** One excerpt may not crowd out the other findings. */
const MAX_EXCERPT_CHARS = 2_000;
/** Room kept for the "left out" note, which is written after the budget is spent. */
const OMISSION_NOTE_RESERVE = 400;

const SEVERITY_HEADINGS: Record<Severity, string> = { critical: 'Critical', error: 'Error', warning: 'Warning', info: 'Info' };

/** Zero-width joiner: breaks @mention and #reference autolinking without changing what is shown. */
const ZWJ = '\u200d';

/** Plain text on one line: everything that Markdown or GitHub would interpret is neutralised. */
export function mdText(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]()!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .trim();
}

/** Plain text that starts a line, where a leading marker would make a heading or a list. */
export function mdParagraph(value: string): string {
  return mdText(value)
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

function longestRun(value: string, char: string): number {
  let longest = 0;
  for (const run of value.match(new RegExp(`\\${char}+`, 'g')) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/** Inline code: a backtick fence longer than any run inside, padded when the value touches it. */
export function mdCode(value: string): string {
  const text = value.replace(/[\r\n]+/g, ' ');
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  if (text === '') return '` `';
  // CommonMark strips one space from each side when both sides have one (unless all spaces).
  const stripped = text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '';
  const pad = text.startsWith('`') || text.endsWith('`') || stripped ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the content (minimum 3). */
export function mdFence(value: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(value, '`') + 1));
  return `${fence}text\n${value.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/** Only http(s) links become links; anything else (javascript:, data:, ...) is shown as code. */
function mdDocsLink(docs: string): string {
  let url: URL | undefined;
  try {
    url = new URL(docs);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return docs ? mdCode(docs) : '(none)';
  const href = url.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `[${mdText(url.host + url.pathname)}](${href})`;
}

function excerptOf(e: Evidence): string | undefined {
  if (e.excerpt === undefined || e.excerpt === '') return undefined;
  if (e.excerpt.length <= MAX_EXCERPT_CHARS) return e.excerpt;
  return `${e.excerpt.slice(0, MAX_EXCERPT_CHARS)}\n… (${e.excerpt.length - MAX_EXCERPT_CHARS} more characters in the bundle file)`;
}

function evidenceLines(e: Evidence): string {
  const where = [mdCode(e.file), e.pointer ? mdCode(`#${e.pointer}`) : '', e.line !== undefined ? mdCode(`:${e.line}`) : '']
    .filter(Boolean)
    .join(' ');
  const excerpt = excerptOf(e);
  return excerpt === undefined ? `- ${where}\n` : `- ${where}\n\n${mdFence(excerpt)}\n`;
}

function subjectText(f: Finding): string {
  const { kind, namespace, name, node } = f.subject;
  const id = namespace ? `${namespace}/${name}` : name;
  return `${mdText(kind)} ${mdCode(id)}${node ? ` on node ${mdCode(node)}` : ''}`;
}

export function findingMarkdown(f: Finding): string {
  const parts = [
    `#### ${mdCode(f.ruleId)} ${mdText(f.title)}\n`,
    `- **Subject:** ${subjectText(f)}\n- **Category:** ${mdText(f.category)}\n`,
    `${mdParagraph(f.message)}\n`,
  ];
  if (f.evidence.length > 0) parts.push(`**Evidence**\n\n${f.evidence.map(evidenceLines).join('\n')}`);
  parts.push(`**Remediation:** ${mdText(f.remediation)}\n`, `**Docs:** ${mdDocsLink(f.docs)}\n`);
  return `${parts.join('\n')}\n`;
}

function headMarkdown(report: Report): string {
  const { bundle, summary, tool } = report;
  const collected = bundle.collectedAt ? `collected ${mdText(bundle.collectedAt)}` : 'collection time unknown';
  const lines = [
    '# ztunnel-bundle report\n',
    `**Bundle:** ${mdCode(bundle.source)} · ${collected} · ${bundle.ztunnelPods} ztunnel pod${bundle.ztunnelPods === 1 ? '' : 's'} · ${mdText(tool.name)} ${mdText(tool.version)}\n`,
    `**Rules:** ${summary.rulesRun} run, ${summary.rulesSkipped} skipped (missing data), ${report.ruleErrors.length} failed, ${summary.suppressed} finding${summary.suppressed === 1 ? '' : 's'} suppressed\n`,
    '## Summary\n',
    '| Severity | Findings |\n| --- | ---: |',
    ...SEVERITIES.map((s) => `| ${SEVERITY_HEADINGS[s]} | ${summary[s]} |`),
    '',
  ];
  const byCategory = CATEGORIES.map((c) => ({ c, counts: SEVERITIES.map((s) => report.findings.filter((f) => f.category === c && f.severity === s).length) })).filter(
    (row) => row.counts.some((n) => n > 0),
  );
  if (byCategory.length > 0) {
    lines.push('| Category | Critical | Error | Warning | Info |\n| --- | ---: | ---: | ---: | ---: |');
    for (const row of byCategory) lines.push(`| ${mdText(row.c)} | ${row.counts.join(' | ')} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Rows listed per suppression table; the JSON report has them all. */
const MAX_SUPPRESSED_ROWS = 100;

/** Suppressed findings (one row each) and expired suppressions, so accepted risks stay visible. */
function suppressionsMarkdown(report: Report): string[] {
  const parts: string[] = [];
  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    parts.push('## Suppressed\n', 'These findings were accepted by a suppression and left out of the findings above; they do not count for --fail-on.\n');
    parts.push('| Rule | Severity | Subject | Reason |\n| --- | --- | --- | --- |');
    for (const { finding: f, reason } of suppressed.slice(0, MAX_SUPPRESSED_ROWS)) {
      const id = f.subject.namespace ? `${f.subject.namespace}/${f.subject.name}` : f.subject.name;
      parts.push(`| ${mdCode(f.ruleId)} | ${mdText(f.severity)} | ${mdText(f.subject.kind)} ${mdCode(id)} | ${mdText(reason)} |`);
    }
    if (suppressed.length > MAX_SUPPRESSED_ROWS) parts.push(`\n… and ${suppressed.length - MAX_SUPPRESSED_ROWS} more in the JSON report.`);
    parts.push('');
  }
  const expired = report.expiredSuppressions ?? [];
  if (expired.length > 0) {
    parts.push('## Expired suppressions\n', 'These suppressions are past their expiry date and no longer apply: their findings are reported again.\n');
    for (const e of expired.slice(0, MAX_SUPPRESSED_ROWS)) {
      parts.push(`- ${mdCode(e.subject ? `${e.rule}=${e.subject}` : e.rule)} expired ${mdText(e.expires)} (${mdText(e.origin)}): ${mdText(e.reason)}`);
    }
    parts.push('');
  }
  return parts;
}

/** Rows of the traffic tables in Markdown: a glance for the issue; HTML and JSON have them all. */
const MAX_MD_TRAFFIC_ROWS = 15;

function trafficMarkdown(report: Report): string[] {
  const t = report.traffic;
  if (!t || (t.rows.length === 0 && t.loadBalancing.length === 0)) return [];
  const parts = ['## Traffic\n', 'From the ztunnel access logs, failing pairs first.\n'];
  parts.push('| ztunnel | Direction | Source | Destination service | Connections | Failures | p95 ms |\n| --- | --- | --- | --- | ---: | ---: | ---: |');
  for (const r of t.rows.slice(0, MAX_MD_TRAFFIC_ROWS)) {
    parts.push(`| ${mdText(r.ztunnel)} | ${mdText(r.direction)} | ${mdText(`${r.srcNamespace}/${r.srcWorkload}`)} | ${mdText(r.dstService)} | ${r.connections} | ${r.failures} | ${r.p95DurationMs} |`);
  }
  const more = t.rows.length - MAX_MD_TRAFFIC_ROWS + t.rowsOmitted;
  if (more > 0) parts.push(`\n… and ${more} more pairs in the HTML and JSON reports.`);
  if (t.loadBalancing.length > 0) {
    parts.push('\n**Load balancing** (outbound connections per endpoint):\n', '| Source | Service | Connections per endpoint | Verdict |\n| --- | --- | --- | --- |');
    for (const lb of t.loadBalancing.slice(0, MAX_MD_TRAFFIC_ROWS)) {
      const spread = lb.endpoints.map((e) => `${e.name}: ${e.connections}`).join(', ');
      parts.push(`| ${mdText(`${lb.srcNamespace}/${lb.srcWorkload}`)} | ${mdText(lb.dstService)} | ${mdText(spread)} | ${mdText(lb.verdict)} (p ${lb.pValue < 0.0001 ? '< 0.0001' : lb.pValue.toFixed(4)}) |`);
    }
    if (t.loadBalancing.length > MAX_MD_TRAFFIC_ROWS) parts.push(`\n… and ${t.loadBalancing.length - MAX_MD_TRAFFIC_ROWS} more in the HTML and JSON reports.`);
  }
  parts.push('');
  return parts;
}

function tailMarkdown(report: Report): string {
  const parts: string[] = [...trafficMarkdown(report)];
  if (report.skippedRules.length > 0) {
    parts.push('## Not checked\n', 'These rules could not run because the bundle lacks their inputs. They are not passes.\n');
    parts.push('| Rule | Category | Reason |\n| --- | --- | --- |');
    for (const s of report.skippedRules) parts.push(`| ${mdText(s.ruleId)}: ${mdText(s.title)} | ${mdText(s.category)} | ${mdText(s.reason)} |`);
    parts.push('');
  }
  parts.push(...suppressionsMarkdown(report));
  if (report.ruleErrors.length > 0) {
    parts.push('## Rule errors\n', 'These rules failed while evaluating; their results are missing from this report.\n');
    for (const e of report.ruleErrors) parts.push(`- ${mdCode(e.ruleId)}${e.subject ? ` (${mdCode(e.subject)})` : ''}: ${mdText(e.reason)}`);
    parts.push('');
  }
  return parts.length > 0 ? `\n${parts.join('\n')}\n` : '';
}

function omissionNote(left: Finding[], maxChars: number): string {
  const per = SEVERITIES.map((s) => ({ s, n: left.filter((f) => f.severity === s).length })).filter((x) => x.n > 0);
  const detail = per.map((x) => `${x.n} ${x.s}`).join(', ');
  return `> **${left.length} finding${left.length === 1 ? ' was' : 's were'} left out** (${detail}) to keep this text under ${maxChars} characters. The JSON and HTML reports have them all.\n\n`;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 65_000;
  const head = headMarkdown(report);
  const tail = tailMarkdown(report);
  let budget = maxChars - head.length - tail.length - OMISSION_NOTE_RESERVE;
  const body: string[] = [];
  let current: Severity | undefined;
  let kept = 0;
  for (const f of report.findings) {
    const heading = f.severity !== current ? `## ${SEVERITY_HEADINGS[f.severity]} (${report.summary[f.severity]})\n\n` : '';
    const text = heading + findingMarkdown(f);
    if (text.length > budget) break; // cut at a finding boundary; later findings are less severe
    budget -= text.length;
    body.push(text);
    current = f.severity;
    kept += 1;
  }
  if (report.findings.length === 0) body.push('## Findings\n\nNo findings.\n\n');
  const left = report.findings.slice(kept);
  const note = left.length > 0 ? omissionNote(left, maxChars) : '';
  const text = head + body.join('') + note + tail;
  // The head and tail are bounded by the rule set, not the bundle, but a hostile report could
  // still make them huge: then even the summary is cut, rather than breaking the promise.
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 80)}\n\n> Report truncated at ${maxChars} characters.\n`;
}
