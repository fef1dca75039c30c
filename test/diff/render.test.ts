/**
 * The diff renderers: JSON valid against schemas/diff.schema.json, Markdown and HTML showing each
 * change with bundle text escaped (the report renderers' hostile payloads), the HTML page
 * self-contained under a CSP whose style hash matches and which allows no script, and the
 * terminal summary listing new and resolved findings without control characters.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDiffReport } from '../../src/diff/classify.js';
import { renderDiffHtml } from '../../src/diff/html.js';
import { renderDiffJson } from '../../src/diff/json.js';
import { renderDiffMarkdown } from '../../src/diff/markdown.js';
import { validateDiff } from '../../src/diff/schema.js';
import { renderDiffTerminal } from '../../src/diff/terminal.js';
import { buildReport, certFinding, hostileReport, infoFinding, manyFindings, PAYLOADS, trafficFinding, xdsFinding } from '../report/reports.js';

const grown = { ...xdsFinding, message: 'ztunnel-x2k9p logged 40 XDS client connection errors.' };
const diff = buildDiffReport(buildReport([certFinding, xdsFinding, infoFinding]), buildReport([trafficFinding, grown, infoFinding]));
const hostile = buildDiffReport(buildReport([]), hostileReport());

describe('diff renderers', () => {
  it('JSON follows the diff schema and round-trips the classification', () => {
    const json = JSON.parse(renderDiffJson(diff)) as typeof diff;
    expect(validateDiff(json)).toEqual([]);
    expect(json).toEqual(diff);
    expect(validateDiff({ ...json, summary: { ...json.summary, new: -1 } })).toEqual(['/summary/new must be >= 0']);
    expect(validateDiff(JSON.parse(renderDiffJson(hostile)))).toEqual([]);
  });

  it('Markdown has the counts table, full new findings, one line per resolved/unchanged and the old message', () => {
    const md = renderDiffMarkdown(diff);
    expect(md).toContain('**1 new, 1 resolved, 2 unchanged** (1 with a changed message)');
    expect(md).toContain('| New | 0 | 1 | 0 | 0 | 1 |');
    expect(md).toContain('| Resolved | 1 | 0 | 0 | 0 | 1 |');
    expect(md).toContain('## New (1)');
    expect(md).toContain('**Remediation:** Check that the destination pod listens on port 9080');
    expect(md).toContain('## Resolved (1)\n\nFindings in the BEFORE bundle that no longer fire.\n\n- **critical** `certificate-unavailable` Certificate `spiffe://cluster.local/ns/reviews/sa/bookinfo-reviews`:');
    expect(md).toContain('  - was: ztunnel-x2k9p logged 12 XDS client connection errors.');
  });

  it('Markdown escapes bundle text and stays under its size limit by leaving out whole entries', () => {
    const md = renderDiffMarkdown(hostile);
    // Outside fenced blocks, escapes and code spans (where GitHub shows text literally) no markup is left.
    const prose = md
      .replace(/^(`{3,})text\n[\s\S]*?\n\1$/gm, '')
      .replace(/\\./g, '')
      .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(prose).toContain('Findings in the AFTER bundle only.');
    expect(prose).not.toMatch(/<|\]\(|!\[|@[a-z]/i);
    const big = renderDiffMarkdown(buildDiffReport(buildReport([]), manyFindings(2_000)), { maxChars: 20_000 });
    expect(big.length).toBeLessThanOrEqual(20_000);
    expect(big).toMatch(/> \*\*\d+ entries were left out\*\*/);
  });

  it('HTML is self-contained: CSP with the style hash, no script, nothing loaded, payloads escaped', () => {
    const html = renderDiffHtml(hostile);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(?!https:\/\/istio\.io)/);
    expect(html).not.toContain(PAYLOADS.breakout);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript:');
  });

  it('HTML sections carry data attributes for each change and show the old message', () => {
    const html = renderDiffHtml(diff);
    expect(html.match(/data-change="new" data-severity/g)).toHaveLength(1);
    expect(html.match(/data-change="resolved" data-severity/g)).toHaveLength(1);
    expect(html.match(/data-change="unchanged" data-severity/g)).toHaveLength(2);
    expect(html).toContain('<p class="was">Before: <del>ztunnel-x2k9p logged 12 XDS client connection errors.</del></p>');
  });

  it('the terminal summary lists new and resolved findings and strips control characters', () => {
    const text = renderDiffTerminal(diff, { color: false, written: ['out/diff.html'], width: 160 });
    expect(text).toContain('Findings: 1 new, 1 resolved, 2 unchanged (1 message changed)');
    expect(text).toMatch(/^ {2}NEW {6}ERROR {4}access-log-connection-refused {2}Workload reviews\/reviews-v1-5fd6d4f8f8-26j92: 3 outbound/m);
    expect(text).toMatch(/^ {2}RESOLVED CRITICAL certificate-unavailable/m);
    expect(text).toContain('Reports: out/diff.html');
    const evil = buildDiffReport(buildReport([]), buildReport([{ ...trafficFinding, message: 'x\u001b[2J\nFAKE line' }]));
    expect(renderDiffTerminal(evil, { color: false })).not.toMatch(/\u001b|\nFAKE/);
  });
});
