/**
 * renderHtml: one self-contained page. Checks the content and the predictable DOM (ids, classes,
 * data attributes) that browser tests rely on, that hostile bundle text never becomes markup
 * (fixed payloads plus a property test comparing the tag structure with a harmless report), that
 * nothing is loaded from outside, and that the CSP hashes match the inline style and script.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHtml, safeHref } from '../../src/report/html.js';
import type { Finding, Report } from '../../src/report/types.js';
import { ACCESS_LOG_FAILURE, buildReport, certFinding, hostileReport, manyFindings, PAYLOADS, realisticReport } from './reports.js';

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

function inline(html: string, tag: 'style' | 'script'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

function cspOf(html: string): string {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  if (csp === undefined) throw new Error('no CSP meta tag');
  return csp;
}

/** Tag names in document order: the page's structure, independent of text. */
function tagSequence(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[0]);
}

function assertNoInjectedMarkup(html: string): void {
  expect(html.match(/<script/gi)).toHaveLength(1);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
  expect(html).not.toMatch(/href\s*=\s*["']?\s*data:/i);
  for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^https?:\/\//);
}

describe('renderHtml on a realistic report', () => {
  const report = realisticReport();
  const html = renderHtml(report);

  it('is one self-contained document that loads nothing from anywhere', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(inline(html, 'style')).toHaveLength(1);
    expect(inline(html, 'script')).toHaveLength(1);
  });

  it('has a strict CSP whose hashes match the exact inline style and script', () => {
    const csp = cspOf(html);
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
    const [style] = inline(html, 'style');
    const [script] = inline(html, 'script');
    expect(csp).toBe(
      `default-src 'none'; style-src ${sha(style ?? '')}; script-src ${sha(script ?? '')}; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    // The CSP must precede every element that it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<title>'));
  });

  it('shows the header: bundle source, collection time, ztunnel pods and tool version', () => {
    expect(html).toContain('<code id="bundle-source">bundles/prod-eu1-2024-05-04.tar.gz</code>');
    expect(html).toContain('<time>2024-05-04T10:12:00Z</time>');
    expect(html).toContain('<dd id="bundle-ztunnel-pods">3</dd>');
    expect(html).toContain('<dd id="tool-version">ztunnel-bundle 0.1.0</dd>');
  });

  it('summarises counts by severity and by category', () => {
    for (const s of ['critical', 'error', 'warning', 'info'] as const) {
      expect(html).toContain(`data-severity="${s}"><span class="n">${report.summary[s]}</span>`);
    }
    const row = /<tr data-category="certificates">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    expect([...row.matchAll(/<td class="num[^"]*">(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([1, 0, 0, 0, 1]);
    expect(html).not.toContain('data-category="load-balancing"><th');
  });

  it('renders one card per finding, in report order, with data-severity and data-category', () => {
    const cards = [...html.matchAll(/<article class="finding sev-(\w+)" id="finding-(\d+)" data-severity="(\w+)" data-category="([\w-]+)" data-rule-id="([\w-]+)">/g)];
    expect(cards.map((m) => [m[3], m[4], m[5]])).toEqual(report.findings.map((f) => [f.severity, f.category, f.ruleId]));
    expect(cards.map((m) => m[2])).toEqual(report.findings.map((_, i) => String(i + 1)));
  });

  it('shows subject, message, evidence with file and pointer or line and excerpt, remediation and docs', () => {
    const card = /<article[^>]*data-rule-id="access-log-connection-refused">([\s\S]*?)<\/article>/.exec(html)?.[1] ?? '';
    expect(card).toContain('<span class="kind">Workload</span> <span class="namespace">reviews</span>/<span class="name">reviews-v1-5fd6d4f8f8-26j92</span>');
    expect(card).toContain('<span class="node-name">worker-1</span>');
    expect(card).toContain('<code class="file">ztunnel/ztunnel-x2k9p/ztunnel.log</code> <code class="line">line 4127</code>');
    expect(card).toContain('<code class="pointer">#/workloads/7</code>');
    const pre = /<pre class="excerpt">\n([\s\S]*?)<\/pre>/.exec(card)?.[1];
    expect(decode(pre ?? '')).toBe(ACCESS_LOG_FAILURE);
    expect(card).toContain('<a href="https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/" rel="noopener noreferrer" target="_blank">');
  });

  it('lists skipped rules and rule errors', () => {
    expect(html).toContain('<tr class="skipped-rule" data-rule-id="cni-add-failures" data-category="redirection">');
    expect(html).toContain('<li class="rule-error" data-rule-id="policy-denials"><code>policy-denials</code> (<code>ztunnel-6hvcw</code>): no such key: rbac</li>');
  });

  it('is readable without JS: the filter form starts hidden and every card is visible', () => {
    expect(html).toMatch(/<form id="filters" class="filters" hidden>/);
    expect(html).not.toMatch(/<article[^>]*hidden/);
    expect(html).toContain('<input type="checkbox" name="severity" value="critical" checked>');
    expect(html).toContain('<option value="traffic">traffic (1)</option>');
  });

  it('says there are no findings, without a filter form, when there are none', () => {
    const empty = renderHtml(buildReport([]));
    expect(empty).toContain('id="no-findings"');
    expect(empty).not.toContain('id="filters"');
    expect(empty).not.toContain('<article');
  });
});

describe('renderHtml with hostile bundle text', () => {
  const html = renderHtml(hostileReport());

  it('escapes every payload: no script, image, event handler or javascript: link gets through', () => {
    assertNoInjectedMarkup(html);
    expect(html).not.toContain(PAYLOADS.script);
    expect(html).not.toContain(PAYLOADS.breakout);
    expect(html).toContain('&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });

  it('renders non-http docs links as text', () => {
    expect(html).toContain('<span class="docs-text">javascript:alert(1)</span>');
    expect(html).toContain('<span class="docs-text">data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</span>');
  });

  it('renders Handlebars syntax in data literally', () => {
    expect(html).toContain('<span class="name">@octo-org/team &lt;script&gt;alert(1)&lt;/script&gt; {{constructor}}</span>');
    expect(html).toContain('<span class="node-name">{{#with &quot;x&quot;}}{{lookup this &quot;constructor&quot;}}{{/with}}</span>');
    expect(html).toContain('{{constructor}}</li>');
  });

  it('keeps the same tag structure as a report with harmless text', () => {
    const harmless = hostileReport();
    const rename = (s: string) => s.replace(/[^a-z0-9 ]/gi, 'x');
    harmless.bundle.source = rename(harmless.bundle.source);
    harmless.findings = harmless.findings.map((f) => ({
      ...f,
      title: rename(f.title),
      message: rename(f.message),
      subject: { ...f.subject, namespace: f.subject.namespace && rename(f.subject.namespace), name: rename(f.subject.name), node: f.subject.node && rename(f.subject.node) },
      evidence: f.evidence.map((e) => ({ ...e, file: rename(e.file), pointer: e.pointer && rename(e.pointer), excerpt: e.excerpt && rename(e.excerpt) })),
      remediation: rename(f.remediation),
      docs: rename(f.docs),
    }));
    expect(tagSequence(html)).toEqual(tagSequence(renderHtml(harmless)));
  });
});

describe('renderHtml escaping, property-based', () => {
  const text = fc.string({ unit: fc.constantFrom('<', '>', '"', "'", '`', '=', '&', '/', '{', '}', ' ', 'a', 's', 'c', 'r', 'i', 'p', 't', 'o', 'n', '\n'), minLength: 1, maxLength: 40 });

  it('never lets any string change the page structure', () => {
    // The generated docs are never http(s) URLs (no ':' in the alphabet), so the baseline has text docs too.
    const baseline = renderHtml(buildReport([{ ...certFinding, docs: 'see the istio docs' }]));
    const structure = tagSequence(baseline);
    fc.assert(
      fc.property(fc.record({ title: text, message: text, name: text, node: text, file: text, excerpt: text, docs: text, source: text }), (v) => {
        const finding: Finding = {
          ...certFinding,
          title: v.title,
          message: v.message,
          subject: { ...certFinding.subject, name: v.name, node: v.node },
          evidence: [{ file: v.file, pointer: '/certificates/2/state', excerpt: v.excerpt }],
          docs: v.docs,
        };
        const report: Report = buildReport([finding]);
        report.bundle.source = v.source;
        const html = renderHtml(report);
        expect(tagSequence(html)).toEqual(structure);
        expect(html.match(/<script/gi)).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('safeHref', () => {
  it.each([
    ['https://istio.io/latest/docs/', 'https://istio.io/latest/docs/'],
    ['http://example.com/a b', 'http://example.com/a%20b'],
    ['javascript:alert(1)', undefined],
    [' JavaScript:alert(1)', undefined],
    ['data:text/html,x', undefined],
    ['/relative/path', undefined],
    ['', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});

describe('renderHtml with 5,000 findings', () => {
  it('renders every finding', () => {
    const report = manyFindings(5000);
    const started = performance.now();
    const html = renderHtml(report);
    const ms = performance.now() - started;
    expect(html.match(/<article class="finding/g)).toHaveLength(5000);
    expect(ms).toBeLessThan(5_000);
    console.log(`renderHtml: 5,000 findings in ${ms.toFixed(0)} ms, ${(html.length / 1e6).toFixed(1)} MB`);
  });
});
