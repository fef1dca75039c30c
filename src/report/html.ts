/**
 * The HTML report: one self-contained file (inline CSS, one small inline script of our own for
 * filtering, nothing loaded from anywhere). Bundle data only ever reaches the page through
 * Handlebars' default escaping, and a strict Content-Security-Policy allows exactly our style
 * and script by hash, so even an escaping mistake could not run injected script or handlers.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { packagePath } from '../util/package.js';
import { CATEGORIES, SEVERITIES, type Finding, type Report, type Severity } from './types.js';

const SEVERITY_LABELS: Record<Severity, string> = { critical: 'Critical', error: 'Error', warning: 'Warning', info: 'Info' };

interface CompiledReport {
  render: HandlebarsTemplateDelegate;
  csp: string;
}

let compiledReport: CompiledReport | undefined;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The style and script are partials with no expressions, so their text in the page is exactly the file's. */
function staticPartial(name: string): string {
  const text = readFileSync(packagePath(`templates/${name}.hbs`), 'utf8');
  if (text.includes('{{') || /<\/(style|script)/i.test(text)) {
    throw new Error(`templates/${name}.hbs must be static text: its CSP hash is computed from the file`);
  }
  return text;
}

/** One isolated Handlebars instance, compiled once per process; all helpers are registered here. */
function compiled(): CompiledReport {
  if (!compiledReport) {
    const hbs = Handlebars.create();
    const style = staticPartial('report-style');
    const script = staticPartial('report-script');
    hbs.registerPartial('style', style);
    hbs.registerPartial('script', script);
    const csp = [
      "default-src 'none'",
      `style-src ${sha256(style)}`,
      `script-src ${sha256(script)}`,
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; ');
    const template = hbs.compile(readFileSync(packagePath('templates/report.html.hbs'), 'utf8'), { strict: false, preventIndent: true });
    compiledReport = { render: template, csp };
  }
  return compiledReport;
}

/** Only absolute http(s) URLs become links; javascript:, data: and the like are shown as text. */
export function safeHref(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function findingView(f: Finding, index: number) {
  return {
    anchor: `finding-${index + 1}`,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    category: f.category,
    subject: f.subject,
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    docs: f.docs,
    docsHref: safeHref(f.docs),
  };
}

/** Geometry of one load-balancing bar chart (inline SVG, no script): one bar per endpoint. */
const CHART = { labelWidth: 250, barMax: 300, bar: 18, gap: 6, pad: 4 };

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function trafficView(report: Report) {
  const t = report.traffic;
  if (!t) return undefined;
  const charts = t.loadBalancing.map((lb, index) => {
    const max = Math.max(1, ...lb.endpoints.map((e) => e.connections));
    const expected = lb.connections / Math.max(1, lb.endpoints.length);
    const bars = lb.endpoints.map((e, i) => {
      const y = CHART.pad + i * (CHART.bar + CHART.gap);
      const width = Math.round((e.connections / max) * CHART.barMax);
      return { name: e.name, label: shorten(e.name, 36), connections: e.connections, y, textY: y + CHART.bar - 5, width, countX: CHART.labelWidth + width + 6 };
    });
    const height = CHART.pad * 2 + lb.endpoints.length * (CHART.bar + CHART.gap);
    return {
      id: `lb-${index + 1}`,
      ...lb,
      pValueText: lb.pValue < 0.0001 ? '< 0.0001' : lb.pValue.toFixed(4),
      bars,
      width: CHART.labelWidth + CHART.barMax + 60,
      height,
      barX: CHART.labelWidth,
      expectedX: CHART.labelWidth + Math.round((expected / max) * CHART.barMax),
      uneven: lb.verdict === 'uneven',
      judged: lb.verdict !== 'too few connections',
      needed: 5 * lb.endpoints.length,
    };
  });
  return { rows: t.rows.map((r) => ({ ...r, failing: r.failures > 0 })), rowsOmitted: t.rowsOmitted, charts };
}

function view(report: Report) {
  const severityCounts = SEVERITIES.map((severity) => ({ severity, label: SEVERITY_LABELS[severity], count: report.findings.filter((f) => f.severity === severity).length }));
  const categoryRows = CATEGORIES.map((category) => {
    const counts = SEVERITIES.map((s) => report.findings.filter((f) => f.category === category && f.severity === s).length);
    return { category, counts, total: counts.reduce((a, b) => a + b, 0) };
  }).filter((row) => row.total > 0);
  const views = report.findings.map(findingView);
  const groups = SEVERITIES.map((severity) => {
    const findings = views.filter((f) => f.severity === severity);
    return { severity, label: SEVERITY_LABELS[severity], count: findings.length, single: findings.length === 1, findings };
  }).filter((g) => g.count > 0);
  return {
    tool: report.tool,
    bundle: report.bundle,
    summary: report.summary,
    ruleErrorCount: report.ruleErrors.length,
    severityCounts,
    categoryRows,
    findingCount: report.findings.length,
    groups,
    skippedRules: report.skippedRules,
    ruleErrors: report.ruleErrors,
    traffic: trafficView(report),
  };
}

/**
 * Suppressed findings and expired suppressions, rendered with the same escaping and placed at the
 * end of <main>. Kept beside the main template (not in it) so reports without suppressions are
 * byte-for-byte what they were.
 */
const SUPPRESSIONS_TEMPLATE = `{{#if suppressed.length}}
<section id="suppressed" aria-labelledby="suppressed-title">
  <h2 id="suppressed-title">Suppressed</h2>
  <p>These findings were accepted by a suppression and left out of the findings above; they do not count for --fail-on.</p>
  <table>
    <thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Subject</th><th scope="col">Message</th><th scope="col">Reason</th></tr></thead>
    <tbody>
      {{#each suppressed}}
      <tr class="suppressed-finding" data-rule-id="{{finding.ruleId}}"><td><code>{{finding.ruleId}}</code></td><td><span class="badge sev-{{finding.severity}}">{{finding.severity}}</span></td><td>{{finding.subject.kind}} {{#if finding.subject.namespace}}{{finding.subject.namespace}}/{{/if}}{{finding.subject.name}}</td><td>{{finding.message}}</td><td>{{reason}}</td></tr>
      {{/each}}
    </tbody>
  </table>
</section>
{{/if}}
{{#if expiredSuppressions.length}}
<section id="expired-suppressions" aria-labelledby="expired-suppressions-title">
  <h2 id="expired-suppressions-title">Expired suppressions</h2>
  <p>These suppressions are past their expiry date and no longer apply: their findings are reported again.</p>
  <ul>
    {{#each expiredSuppressions}}
    <li class="expired-suppression" data-rule-id="{{rule}}"><code>{{rule}}{{#if subject}}={{subject}}{{/if}}</code> expired {{expires}} ({{origin}}): {{reason}}</li>
    {{/each}}
  </ul>
</section>
{{/if}}
`;

let suppressionsTemplate: HandlebarsTemplateDelegate | undefined;

function suppressionsHtml(report: Report): string {
  if (!report.suppressed?.length && !report.expiredSuppressions?.length) return '';
  suppressionsTemplate ??= Handlebars.create().compile(SUPPRESSIONS_TEMPLATE, { strict: false, preventIndent: true });
  return suppressionsTemplate({ suppressed: report.suppressed ?? [], expiredSuppressions: report.expiredSuppressions ?? [] });
}

export function renderHtml(report: Report): string {
  const { render, csp } = compiled();
  // The CSP is our own text (hashes and keywords); it goes through escaping like everything else
  // except that it must stay readable, so it is checked here instead of entity-encoded.
  if (!/^[A-Za-z0-9 '+/=;:-]+$/.test(csp)) throw new Error('internal: unexpected characters in the CSP');
  const page = render({ ...view(report), csp: new Handlebars.SafeString(csp) });
  const extra = suppressionsHtml(report);
  // Bundle text is escaped, so the only literal </main> is the template's own (the last one).
  const end = page.lastIndexOf('</main>');
  return extra === '' || end < 0 ? page : page.slice(0, end) + extra + page.slice(end);
}
