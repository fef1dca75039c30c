/**
 * The Markdown diff, for a pull request or an issue comment: what changed between two bundles.
 * New findings are written in full (they are what needs attention); resolved, unchanged and
 * not re-checked ones take one line each. Escaping is the report renderer's, so bundle text
 * stays plain text on GitHub, and the whole text stays under `maxChars` by dropping whole
 * entries from the end and saying how many.
 */
import { findingMarkdown, mdCode, mdText } from '../report/markdown.js';
import { SEVERITIES, type Finding } from '../report/types.js';
import type { DiffReport, DiffSide, UnchangedFinding } from './types.js';

export interface DiffMarkdownOptions {
  maxChars?: number;
}

function sideLine(label: string, s: DiffSide): string {
  const collected = s.collectedAt ? `collected ${mdText(s.collectedAt)}` : 'collection time unknown';
  const total = SEVERITIES.reduce((n, sev) => n + s.summary[sev], 0);
  return `**${label}:** ${mdCode(s.source)} · ${collected} · ${total} finding${total === 1 ? '' : 's'}${s.summary.suppressed ? ` (${s.summary.suppressed} suppressed)` : ''}`;
}

function subjectId(f: Finding): string {
  return f.subject.namespace ? `${f.subject.namespace}/${f.subject.name}` : f.subject.name;
}

function oneLine(f: Finding): string {
  return `- **${mdText(f.severity)}** ${mdCode(f.ruleId)} ${mdText(f.subject.kind)} ${mdCode(subjectId(f))}: ${mdText(f.message)}`;
}

function unchangedLine(u: UnchangedFinding): string {
  const line = oneLine(u.finding);
  return u.previousMessage === undefined ? line : `${line}\n  - was: ${mdText(u.previousMessage)}`;
}

function countsTable(diff: DiffReport): string {
  const row = (label: string, list: Finding[]) => `| ${label} | ${SEVERITIES.map((s) => list.filter((f) => f.severity === s).length).join(' | ')} | ${list.length} |`;
  return [
    '| Change | Critical | Error | Warning | Info | Total |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('New', diff.new),
    row('Resolved', diff.resolved),
    row('Unchanged', diff.unchanged.map((u) => u.finding)),
    ...(diff.notRechecked.length > 0 ? [row('Not re-checked', diff.notRechecked)] : []),
  ].join('\n');
}

export function renderDiffMarkdown(diff: DiffReport, options: DiffMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? 65_000;
  const head = [
    '# ztunnel-bundle diff\n',
    `${sideLine('Before', diff.before)}  \n${sideLine('After', diff.after)}\n`,
    `**${diff.summary.new} new, ${diff.summary.resolved} resolved, ${diff.summary.unchanged} unchanged** (${diff.summary.messageChanged} with a changed message)\n`,
    `${countsTable(diff)}\n\n`,
  ].join('\n');
  const sections: { title: string; intro: string; entries: string[] }[] = [
    { title: `New (${diff.new.length})`, intro: 'Findings in the AFTER bundle only.', entries: diff.new.map((f) => `${findingMarkdown(f).trimEnd()}\n\n`) },
    { title: `Resolved (${diff.resolved.length})`, intro: 'Findings in the BEFORE bundle that no longer fire.', entries: diff.resolved.map((f) => `${oneLine(f)}\n`) },
    {
      title: `Not re-checked (${diff.notRechecked.length})`,
      intro: 'BEFORE findings whose rule could not run on the AFTER bundle (missing data): not known to be fixed.',
      entries: diff.notRechecked.map((f) => `${oneLine(f)}\n`),
    },
    { title: `Unchanged (${diff.unchanged.length})`, intro: 'Findings in both bundles; "was" shows a message that changed.', entries: diff.unchanged.map((u) => `${unchangedLine(u)}\n`) },
  ];
  let budget = maxChars - head.length - 400;
  let left = 0;
  const body: string[] = [];
  for (const section of sections) {
    if (section.entries.length === 0 && !section.title.startsWith('New')) continue;
    const top = `## ${section.title}\n\n${section.entries.length === 0 ? 'None.' : section.intro}\n\n`;
    budget -= top.length;
    body.push(top);
    for (const entry of section.entries) {
      if (entry.length > budget) {
        left += 1;
        continue;
      }
      budget -= entry.length;
      body.push(entry);
    }
    // One-line entries form a tight list; end it before the next heading.
    if (!body.at(-1)?.endsWith('\n\n')) body.push('\n');
  }
  const note = left > 0 ? `> **${left} entr${left === 1 ? 'y was' : 'ies were'} left out** to keep this text under ${maxChars} characters. The JSON and HTML diffs have them all.\n` : '';
  return head + body.join('') + note;
}
