/**
 * The HTML diff: one self-contained page, built like the HTML report. It reuses the report's
 * stylesheet (plus a few rules of its own), has no script at all, and carries the same kind of
 * Content-Security-Policy: styles allowed only by hash, nothing loaded from anywhere. Bundle text
 * reaches the page only through Handlebars' default escaping; links only through safeHref.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { safeHref } from '../report/html.js';
import { SEVERITIES, type Finding } from '../report/types.js';
import { packagePath } from '../util/package.js';
import type { DiffReport, DiffSide } from './types.js';

const DIFF_STYLE = `
.change-counts td.new { color: var(--error); font-weight: 700; }
.change-counts td.resolved { color: #1a7f37; font-weight: 700; }
.finding.change-resolved { opacity: .8; }
.was { color: var(--muted); }
.was del { text-decoration: line-through; }
`;

const TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{csp}}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{{tool.name}} {{tool.version}}">
<title>ztunnel-bundle diff: {{before.source}} → {{after.source}}</title>
<style>{{style}}</style>
</head>
<body>
<header id="report-header">
  <h1>ztunnel-bundle diff</h1>
  <dl class="meta">
    {{#each sides}}
    <div><dt>{{label}}</dt><dd><code class="bundle-source">{{side.source}}</code><br>{{#if side.collectedAt}}<time>{{side.collectedAt}}</time>{{else}}collection time unknown{{/if}} · {{total}} findings{{#if side.summary.suppressed}} ({{side.summary.suppressed}} suppressed){{/if}}</dd></div>
    {{/each}}
    <div><dt>Tool</dt><dd>{{tool.name}} {{tool.version}}</dd></div>
  </dl>
</header>
<main>
<section id="summary" aria-labelledby="summary-title">
  <h2 id="summary-title">Summary</h2>
  <table class="change-counts" id="change-table">
    <thead><tr><th scope="col">Change</th>{{#each severities}}<th scope="col" class="num">{{this}}</th>{{/each}}<th scope="col" class="num">Total</th></tr></thead>
    <tbody>
      {{#each rows}}
      <tr data-change="{{key}}"><th scope="row">{{label}}</th>{{#each counts}}<td class="num{{#unless this}} zero{{/unless}}">{{this}}</td>{{/each}}<td class="num {{key}}">{{total}}</td></tr>
      {{/each}}
    </tbody>
  </table>
</section>
{{#each sections}}
<section id="{{key}}" aria-labelledby="{{key}}-title">
  <h2 id="{{key}}-title">{{title}} ({{entries.length}})</h2>
  <p>{{intro}}</p>
  {{#each entries}}
  <article class="finding sev-{{finding.severity}} change-{{../key}}" data-change="{{../key}}" data-severity="{{finding.severity}}" data-rule-id="{{finding.ruleId}}">
    <header>
      <span class="badge sev-{{finding.severity}}">{{finding.severity}}</span>
      <code class="rule-id">{{finding.ruleId}}</code>
      <h4 class="title">{{finding.title}}</h4>
      <span class="category">{{finding.category}}</span>
    </header>
    <p class="subject"><span class="kind">{{finding.subject.kind}}</span> {{#if finding.subject.namespace}}<span class="namespace">{{finding.subject.namespace}}</span>/{{/if}}<span class="name">{{finding.subject.name}}</span>{{#if finding.subject.node}} <span class="node">on node <span class="node-name">{{finding.subject.node}}</span></span>{{/if}}</p>
    <p class="message">{{finding.message}}</p>
    {{#if previousMessage}}<p class="was">Before: <del>{{previousMessage}}</del></p>{{/if}}
    {{#if full}}
    {{#if finding.evidence.length}}
    <div class="evidence"><h5>Evidence</h5><ul>{{#each finding.evidence}}<li><code class="file">{{file}}</code>{{#if pointer}} <code class="pointer">#{{pointer}}</code>{{/if}}{{#if line}} <code class="line">line {{line}}</code>{{/if}}</li>{{/each}}</ul></div>
    {{/if}}
    <p class="remediation"><strong>Remediation:</strong> {{finding.remediation}}</p>
    <p class="docs"><strong>Docs:</strong> {{#if docsHref}}<a href="{{docsHref}}" rel="noopener noreferrer" target="_blank">{{finding.docs}}</a>{{else}}<span class="docs-text">{{finding.docs}}</span>{{/if}}</p>
    {{/if}}
  </article>
  {{else}}
  <p class="none">None.</p>
  {{/each}}
</section>
{{/each}}
</main>
<footer>Generated offline by {{tool.name}} {{tool.version}}. This file loads nothing from the network.</footer>
</body>
</html>
`;

interface Compiled {
  render: HandlebarsTemplateDelegate;
  style: string;
  csp: string;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  if (!compiled) {
    const style = readFileSync(packagePath('templates/report-style.hbs'), 'utf8') + DIFF_STYLE;
    if (style.includes('{{') || /<\/style/i.test(style)) throw new Error('templates/report-style.hbs must be static text: its CSP hash is computed from it');
    const hash = `'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`;
    // No script on this page, so script-src allows nothing.
    const csp = ["default-src 'none'", `style-src ${hash}`, "script-src 'none'", 'img-src data:', "base-uri 'none'", "form-action 'none'"].join('; ');
    compiled = { render: Handlebars.create().compile(TEMPLATE, { strict: false, preventIndent: true }), style, csp };
  }
  return compiled;
}

function total(side: DiffSide): number {
  return SEVERITIES.reduce((n, s) => n + side.summary[s], 0);
}

function entry(finding: Finding, full: boolean, previousMessage?: string) {
  return { finding, full, previousMessage, docsHref: full ? safeHref(finding.docs) : undefined };
}

function view(diff: DiffReport) {
  const unchanged = diff.unchanged.map((u) => u.finding);
  const row = (key: string, label: string, list: Finding[]) => ({ key, label, counts: SEVERITIES.map((s) => list.filter((f) => f.severity === s).length), total: list.length });
  const sections = [
    { key: 'new', title: 'New', intro: 'Findings in the AFTER bundle only.', entries: diff.new.map((f) => entry(f, true)) },
    { key: 'resolved', title: 'Resolved', intro: 'Findings in the BEFORE bundle that no longer fire.', entries: diff.resolved.map((f) => entry(f, false)) },
    {
      key: 'not-rechecked',
      title: 'Not re-checked',
      intro: 'BEFORE findings whose rule could not run on the AFTER bundle (missing data): not known to be fixed.',
      entries: diff.notRechecked.map((f) => entry(f, false)),
    },
    { key: 'unchanged', title: 'Unchanged', intro: 'Findings in both bundles, as they are in the AFTER bundle.', entries: diff.unchanged.map((u) => entry(u.finding, false, u.previousMessage)) },
  ].filter((s) => s.key !== 'not-rechecked' || s.entries.length > 0);
  return {
    tool: diff.tool,
    before: diff.before,
    after: diff.after,
    sides: [
      { label: 'Before', side: diff.before, total: total(diff.before) },
      { label: 'After', side: diff.after, total: total(diff.after) },
    ],
    severities: SEVERITIES.map((s) => s[0]!.toUpperCase() + s.slice(1)),
    rows: [row('new', 'New', diff.new), row('resolved', 'Resolved', diff.resolved), row('unchanged', 'Unchanged', unchanged), ...(diff.notRechecked.length > 0 ? [row('not-rechecked', 'Not re-checked', diff.notRechecked)] : [])],
    sections,
  };
}

export function renderDiffHtml(diff: DiffReport): string {
  const { render, style, csp } = compile();
  if (!/^[A-Za-z0-9 '+/=;:-]+$/.test(csp)) throw new Error('internal: unexpected characters in the CSP');
  return render({ ...view(diff), style: new Handlebars.SafeString(style), csp: new Handlebars.SafeString(csp) });
}
