#!/usr/bin/env node
// Writes docs/rules.md from the built-in rules and the fact catalogue (run through `npm run docs`,
// which builds dist/ first). With --check it writes nothing and exits 1 when the file is stale,
// so CI can say "run npm run docs" instead of shipping an outdated reference.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRuleDocs } from '../dist/docs/rule-docs.js';
import { loadRules } from '../dist/rules/loader.js';

const target = fileURLToPath(new URL('../docs/rules.md', import.meta.url));
const text = renderRuleDocs({ rules: await loadRules({ builtin: true }) });
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('docs/rules.md is out of date: run npm run docs');
    process.exit(1);
  }
  console.log('docs/rules.md is current');
} else {
  writeFileSync(target, text);
  console.log(`wrote docs/rules.md (${text.length} characters)`);
}
