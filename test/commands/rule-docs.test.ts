/**
 * docs/rules.md is generated (npm run docs) from the built-in rules and the fact catalogue. This
 * fails when the committed file is stale, so CI catches a rule or fact change without its docs;
 * it also checks that the generator covers every rule, collection and bundle field, that its
 * internal links resolve, and that its output does not depend on load order.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderRuleDocs } from '../../src/docs/rule-docs.js';
import { BUNDLE_FIELDS, COLLECTIONS } from '../../src/facts/collections.js';
import { loadRules } from '../../src/rules/loader.js';
import { ROOT } from '../support/cli.js';

const rules = await loadRules();
const generated = renderRuleDocs({ rules });

/** GitHub's heading ids: lowercase, punctuation dropped, spaces to dashes, repeats get -1, -2. */
function headingIds(md: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of md.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    ids.add(n === 0 ? base : `${base}-${n}`);
  }
  return ids;
}

describe('docs/rules.md', () => {
  it('is current (if this fails: run npm run docs and commit docs/rules.md)', async () => {
    const committed = await readFile(`${ROOT}docs/rules.md`, 'utf8').catch(() => '');
    expect(committed === generated, 'docs/rules.md is out of date: run npm run docs').toBe(true);
  });

  it('documents every rule with its severity, condition, message and docs link, grouped by category', () => {
    for (const rule of rules) {
      const start = generated.indexOf(`### \`${rule.id}\`\n`);
      expect(start, rule.id).toBeGreaterThan(0);
      const section = generated.slice(start, generated.indexOf('\n### ', start + 1));
      expect(section).toContain(`- **Severity:** ${rule.severity}`);
      expect(section).toContain(`\`\`\`text\n${rule.when.trim()}\n\`\`\``);
      expect(section).toContain(`**Docs:** <${rule.docs}>`);
      // The rule sits under its category's heading.
      expect(generated.lastIndexOf('\n## ', start)).toBe(generated.indexOf(`\n## ${rule.category}\n`));
    }
  });

  it('documents every fact collection with its fields and every bundle field', () => {
    for (const [name, info] of Object.entries(COLLECTIONS)) {
      const start = generated.indexOf(`### Collection \`${name}\`\n`);
      expect(start, name).toBeGreaterThan(0);
      for (const field of Object.keys(info.fields)) expect(generated.indexOf(`| \`${field}\` |`, start), `${name}.${field}`).toBeGreaterThan(start);
    }
    const bundleStart = generated.indexOf('## Bundle fields');
    for (const field of Object.keys(BUNDLE_FIELDS)) expect(generated.indexOf(`| \`${field}\` |`, bundleStart), field).toBeGreaterThan(bundleStart);
  });

  it('has no internal link to a heading that does not exist', () => {
    const ids = headingIds(generated);
    const links = [...generated.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(rules.length);
    expect(links.filter((l) => !ids.has(l))).toEqual([]);
  });

  it('does not depend on the order the rules were loaded in', () => {
    expect(renderRuleDocs({ rules: [...rules].reverse() })).toBe(generated);
  });
});
