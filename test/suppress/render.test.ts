/**
 * Suppressed findings and expired suppressions are visible in every human format (Markdown,
 * HTML, terminal), escaped like the rest of the report; reports without them are unchanged.
 */
import { describe, expect, it } from 'vitest';
import { applySuppressions, parseSuppressions } from '../../src/analyze/suppress.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import type { Report } from '../../src/report/types.js';
import { certFinding, trafficFinding, xdsFinding } from '../report/reports.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const base: Report = {
  schemaVersion: '1',
  tool: { name: 'ztunnel-bundle', version: '0.1.0' },
  bundle: { source: 'bundle.tar.gz', collectedAt: '2026-11-25T09:30:00Z', ztunnelPods: 3 },
  summary: { critical: 1, error: 1, warning: 1, info: 0, rulesRun: 3, rulesSkipped: 0, suppressed: 0 },
  findings: [certFinding, trafficFinding, xdsFinding],
  skippedRules: [],
  ruleErrors: [],
};

const suppressions = parseSuppressions({
  flags: ['access-log-connection-refused=reviews/*'],
  file: { path: 'accepted.yaml', text: '- rule: xds-connection-errors\n  reason: "<b>istiod</b> restart | planned"\n  expires: 2026-11-01\n' },
});
const report = applySuppressions(base, suppressions, { now: NOW });

describe('suppressions in the human reports', () => {
  it('Markdown lists suppressed findings with their reason and the expired suppressions, escaped', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('1 finding suppressed');
    expect(md).toContain('## Suppressed');
    expect(md).toContain('| `access-log-connection-refused` | error | Workload `reviews/reviews-v1-5fd6d4f8f8-26j92` | suppressed on the command line \\(--suppress\\) |');
    expect(md).toContain('## Expired suppressions');
    expect(md).toContain('&lt;b&gt;istiod&lt;/b&gt; restart \\| planned');
    expect(md).not.toContain('<b>');
    expect(renderMarkdown(base)).not.toContain('## Suppressed');
  });

  it('HTML adds an escaped section inside <main> and keeps reports without suppressions unchanged', () => {
    const html = renderHtml(report);
    const main = html.slice(html.indexOf('<main>'), html.indexOf('</main>'));
    expect(main).toContain('<section id="suppressed"');
    expect(main).toContain('data-rule-id="access-log-connection-refused"');
    expect(main).toContain('<section id="expired-suppressions"');
    expect(main).toContain('&lt;b&gt;istiod&lt;/b&gt; restart | planned');
    expect(html).not.toContain('<b>istiod</b>');
    expect(html.match(/<\/main>/g)).toHaveLength(1);
    expect(renderHtml(base)).not.toContain('id="suppressed"');
  });

  it('the terminal summary says what was suppressed and which suppressions expired', () => {
    const text = renderTerminalSummary(report, { color: false });
    expect(text).toContain('(3 rules run, 1 suppressed)');
    expect(text).toContain('1 finding suppressed (access-log-connection-refused); listed in the report.');
    expect(text).toContain('Suppression expired 2026-11-01, no longer applied: xds-connection-errors (accepted.yaml entry 1)');
  });
});
