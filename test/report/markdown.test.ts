/**
 * renderMarkdown: the GitHub-issue report. Checks the structure on a realistic report, that
 * hostile bundle text cannot become HTML, links, images, mentions or extra table cells (using a
 * small CommonMark-style scanner that removes code spans and fences, the only places where raw
 * text is allowed), and that the size limit holds with an exact account of what was left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mdCode, mdFence, renderMarkdown } from '../../src/report/markdown.js';
import { SEVERITIES } from '../../src/report/types.js';
import { ACCESS_LOG_FAILURE, hostileReport, manyFindings, PAYLOADS, realisticReport } from './reports.js';

/** Fenced blocks as [fence, content] and the text left once fences are removed. */
function splitFences(md: string): { blocks: string[]; rest: string[] } {
  const blocks: string[] = [];
  const rest: string[] = [];
  let fence: string | undefined;
  let body: string[] = [];
  for (const line of md.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,})/.exec(line);
      if (open?.[1]) {
        fence = open[1];
        body = [];
      } else rest.push(line);
    } else if (new RegExp(`^${fence}\`*\\s*$`).test(line)) {
      blocks.push(body.join('\n'));
      fence = undefined;
    } else body.push(line);
  }
  expect(fence, 'every fence is closed').toBeUndefined();
  return { blocks, rest };
}

/** Removes backslash escapes and code spans (a run of n backticks closed by a run of exactly n). */
function outsideCode(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; ) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      out += '·'; // an escaped character is shown literally: not markup
      i += 2;
    } else if (ch === '`') {
      const run = /^`+/.exec(line.slice(i))?.[0] ?? '`';
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      close.lastIndex = i + run.length;
      const m = close.exec(line);
      if (m) i = m.index + run.length;
      else {
        out += run;
        i += run.length;
      }
    } else {
      out += ch;
      i += 1;
    }
  }
  return out;
}

describe('renderMarkdown on a realistic report', () => {
  const report = realisticReport();
  const md = renderMarkdown(report);

  it('starts with the title and bundle line, then the summary tables', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('# ztunnel-bundle report');
    expect(md).toContain('**Bundle:** `bundles/prod-eu1-2024-05-04.tar.gz` · collected 2024-05-04T10:12:00Z · 3 ztunnel pods');
    for (const s of SEVERITIES) expect(md).toMatch(new RegExp(`^\\| ${s[0]?.toUpperCase()}${s.slice(1)} \\| ${report.summary[s]} \\|$`, 'm'));
    expect(md).toMatch(/^\| certificates \| 1 \| 0 \| 0 \| 0 \|$/m);
  });

  it('groups findings by severity, critical first, with rule id, subject, evidence and docs', () => {
    const headings = [...md.matchAll(/^## (Critical|Error|Warning|Info) \(\d+\)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(['Critical', 'Error', 'Warning', 'Info']);
    expect(md).toContain('#### `access-log-connection-refused` Connections refused by the destination');
    expect(md).toContain('- **Subject:** Workload `reviews/reviews-v1-5fd6d4f8f8-26j92` on node `worker-1`');
    expect(md).toContain('- `ztunnel/ztunnel-x2k9p/ztunnel.log` `:4127`');
    expect(md).toContain('- `ztunnel/ztunnel-6hvcw/config_dump.json` `#/certificates/2/state`');
    expect(splitFences(md).blocks).toContain(ACCESS_LOG_FAILURE);
    expect(md).toContain('**Docs:** [istio.io/latest/docs/releases/supported-releases/](https://istio.io/latest/docs/releases/supported-releases/)');
  });

  it('lists skipped rules and rule errors after the findings', () => {
    const notChecked = md.indexOf('## Not checked');
    expect(notChecked).toBeGreaterThan(md.indexOf('## Info (1)'));
    expect(md).toMatch(/^\| cni-add-failures: istio-cni failed to add pods to ztunnel \| redirection \| the bundle has no istio-cni logs/m);
    expect(md).toContain('- `policy-denials` (`ztunnel-6hvcw`): no such key: rbac');
  });

  it('says so when there are no findings', () => {
    const empty = renderMarkdown({ ...report, findings: [], summary: { ...report.summary, critical: 0, error: 0, warning: 0, info: 0 } });
    expect(empty).toContain('No findings.');
    expect(empty).not.toContain('| Category | Critical |');
  });
});

describe('renderMarkdown escaping', () => {
  const md = renderMarkdown(hostileReport());
  const { blocks, rest } = splitFences(md);
  const prose = rest.map(outsideCode);

  it('leaves no raw HTML, link, image or mention outside code', () => {
    for (const line of prose) {
      expect(line).not.toMatch(/</);
      expect(line).not.toMatch(/\]\(|!\[/);
      expect(line).not.toMatch(/@[a-z]/i);
    }
  });

  it('keeps the mention readable but inert', () => {
    expect(md).toContain('@\u200docto-org/team');
  });

  it('renders non-http docs links as code, never as links', () => {
    expect(md).toContain('**Docs:** `javascript:alert(1)`');
    expect(md).toContain('**Docs:** `data:text/html,<script>alert(1)</script>`');
  });

  it('keeps an excerpt with backtick fences intact inside a longer fence', () => {
    const excerpt = hostileReport().findings.find((f) => f.severity === 'error')?.evidence[0]?.excerpt;
    expect(blocks).toContain(excerpt);
    expect(rest.some((line) => line === '# heading' || line === '> quote')).toBe(false);
  });

  it('keeps table rows to their columns when cells contain pipes', () => {
    const rows = rest.filter((l) => l.startsWith('| cni-add-failures'));
    expect(rows).toHaveLength(1);
    const unescapedPipes = (rows[0] ?? '').match(/(?<!\\)\|/g) ?? [];
    expect(unescapedPipes).toHaveLength(4);
  });

  it('escapes a message that would start a heading or a list', () => {
    const r = realisticReport();
    const f = r.findings[0];
    if (!f) throw new Error('fixture has findings');
    for (const message of ['# not a heading', '- not a list', '1. not a list', '> not a quote']) {
      const text = renderMarkdown({ ...r, findings: [{ ...f, message }] });
      const line = text.split('\n').find((l) => l.includes('not a'));
      expect(line).toBeDefined();
      expect(line).not.toMatch(/^(#|-|\d+\.|>)/);
    }
  });
});

describe('code spans and fences', () => {
  it('uses a backtick fence longer than any run in the value', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdFence('```\nx\n````')).toBe('`````text\n```\nx\n````\n`````');
  });

  it('recovers any string from mdCode with the CommonMark rule', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('`', 'a', ' ', '|', '<'), minLength: 1 }), (value) => {
        const span = mdCode(value);
        const fence = /^`+/.exec(span)?.[0] ?? '';
        let inner = span.slice(fence.length, span.length - fence.length);
        if (inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '') inner = inner.slice(1, -1);
        expect(inner).toBe(value);
        expect(inner.includes(fence)).toBe(false);
      }),
    );
  });
});

describe('renderMarkdown size limit', () => {
  function renderedCount(md: string): number {
    return md.match(/^#### /gm)?.length ?? 0;
  }

  it('stays under 65,000 characters with 5,000 findings and says exactly what was left out', () => {
    const report = manyFindings(5000);
    const md = renderMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(65_000);
    const kept = renderedCount(md);
    expect(kept).toBeGreaterThan(10);
    const left = report.findings.slice(kept);
    const detail = SEVERITIES.map((s) => [s, left.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    expect(md).toContain(`> **${left.length} findings were left out** (${detail}) to keep this text under 65000 characters. The JSON and HTML reports have them all.`);
    // Cut at a finding boundary: the last rendered finding is complete.
    const lastFinding = md.slice(md.lastIndexOf('#### '));
    expect(lastFinding).toContain('**Docs:**');
    expect(md).toContain('## Not checked');
  });

  it('leaves nothing out, and says nothing, when the report fits', () => {
    const md = renderMarkdown(manyFindings(20));
    expect(renderedCount(md)).toBe(20);
    expect(md).not.toContain('left out');
  });

  it('respects any maxChars', () => {
    const report = manyFindings(300);
    fc.assert(
      fc.property(fc.integer({ min: 2_000, max: 200_000 }), (maxChars) => {
        const md = renderMarkdown(report, { maxChars });
        expect(md.length).toBeLessThanOrEqual(maxChars);
        const kept = renderedCount(md);
        if (kept < 300) expect(md).toContain(`**${300 - kept} finding`);
      }),
      { numRuns: 25 },
    );
  });

  it('shortens a huge excerpt instead of dropping its finding', () => {
    const r = realisticReport();
    const f = r.findings[0];
    if (!f) throw new Error('fixture has findings');
    const huge = 'x'.repeat(100_000);
    const md = renderMarkdown({ ...r, findings: [{ ...f, evidence: [{ file: 'ztunnel/z/ztunnel.log', line: 1, excerpt: huge }] }] });
    expect(renderedCount(md)).toBe(1);
    expect(md).toContain('… (98000 more characters in the bundle file)');
  });
});

void PAYLOADS;
