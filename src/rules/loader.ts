/**
 * Loads rule files: the built-in rules/ directory plus any --rules directories. Every file is
 * parsed, validated against the schema, checked for meaning (known collection, known
 * placeholders, CEL that compiles, unique ids, file named after its id), and compiled once.
 * Problems from all files are collected and thrown together, so one run shows them all.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { RuleLoadError, type RuleProblem } from '../errors.js';
import { BUNDLE_FIELDS, COLLECTIONS, isCollectionName } from '../facts/collections.js';
import { packagePath } from '../util/package.js';
import { compileCel, type CompiledExpression } from './cel.js';
import { readSnapshot, ruleKey } from './snapshot.js';
import { placeholders } from './template.js';
import type { Rule, RuleDocument } from './types.js';

export const BUILTIN_RULES_DIR = packagePath('rules');

/** Rule files under a directory, recursively, sorted; test case files (*.test.yaml) excluded. */
export async function findRuleFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && !/\.test\.ya?ml$/.test(entry.name)) found.push(path);
    }
  }
  await walk(dir);
  return found.sort();
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

export interface Parsed {
  file: string;
  doc?: RuleDocument;
  problems: RuleProblem[];
}

/** One rule file's text parsed and checked against the schema (exported for snapshot-write.ts). */
export async function parseRuleFile(path: string, text: string): Promise<Parsed> {
  const file = display(path);
  // YAML and ajv load only when a rule file is parsed: the built-in rules usually come from the
  // build's snapshot (snapshot.ts), and loading both cost every analyze about 60 ms.
  const [{ LineCounter, parseDocument }, { validateRuleDocument }] = await Promise.all([import('yaml'), import('./schema.js')]);
  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (yamlDoc.errors.length > 0) {
    return {
      file,
      problems: yamlDoc.errors.map((e) => ({ file, field: '', reason: `invalid YAML at line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}` })),
    };
  }
  const value: unknown = yamlDoc.toJS();
  const problems = validateRuleDocument(value, file);
  return problems.length > 0 ? { file, problems } : { file, doc: value as RuleDocument, problems };
}

function compileField(source: string, field: string, file: string, ruleId: string, problems: RuleProblem[]): CompiledExpression | undefined {
  try {
    return compileCel(source);
  } catch (err) {
    problems.push({ file, ruleId, field, reason: `invalid CEL: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` });
    return undefined;
  }
}

/** Meaning checks on a schema-valid document; compiles it when it passes. */
function checkAndCompile(doc: RuleDocument, path: string, file: string, builtin: boolean): { rule?: Rule; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const ruleId = doc.id;
  const name = basename(path).replace(/\.ya?ml$/, '');
  if (name !== doc.id) problems.push({ file, ruleId, field: '/id', reason: `must match the file name: rename the file to ${doc.id}.yaml or the id to ${name}` });
  if (!isCollectionName(doc.for)) {
    problems.push({ file, ruleId, field: '/for', reason: `unknown fact collection "${doc.for}"; known: ${Object.keys(COLLECTIONS).join(', ')}` });
  }
  const condition = compileField(doc.when, '/when', file, ruleId, problems);
  const dataExpressions: Record<string, CompiledExpression> = {};
  for (const [key, source] of Object.entries(doc.data ?? {})) {
    const compiled = compileField(source, `/data/${key}`, file, ruleId, problems);
    if (compiled) dataExpressions[key] = compiled;
  }
  if (isCollectionName(doc.for)) {
    const fields = COLLECTIONS[doc.for].fields;
    for (const field of ['message', 'remediation'] as const) {
      for (const p of placeholders(doc[field])) {
        const [head, second] = p.split('.');
        const known = head === 'bundle' ? second !== undefined && Object.hasOwn(BUNDLE_FIELDS, second) : Object.hasOwn(fields, head!) || Object.hasOwn(doc.data ?? {}, head!);
        if (!known) problems.push({ file, ruleId, field: `/${field}`, reason: `placeholder {{${p}}} is not a field of ${doc.for}, a bundle field or a data key` });
      }
    }
  }
  if (problems.length > 0 || !condition) return { problems };
  const rule: Rule = { ...doc, for: doc.for as Rule['for'], file, path, condition, dataExpressions, builtin };
  return { rule, problems };
}

export interface LoadRulesOptions {
  /** Extra rule directories (--rules), loaded after the built-in ones. */
  dirs?: string[];
  /** Load the built-in rules/ directory (default true). */
  builtin?: boolean;
  /** The built-in rules' snapshot to take parsed documents from (default: the build's; false: none). */
  snapshot?: string | false;
}

/** Loads and compiles every rule; throws RuleLoadError listing every problem of every file. */
export async function loadRules(options: LoadRulesOptions = {}): Promise<Rule[]> {
  const sources: { dir: string; builtin: boolean }[] = [];
  if (options.builtin !== false) sources.push({ dir: BUILTIN_RULES_DIR, builtin: true });
  for (const dir of options.dirs ?? []) sources.push({ dir, builtin: false });

  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  const seen = new Map<string, string>();
  for (const { dir, builtin } of sources) {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      problems.push({ file: display(dir), field: '', reason: 'is not a directory of rules' });
      continue;
    }
    const paths = await findRuleFiles(dir);
    const texts = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
    // Checked at build time, and taken only while the files are still the ones checked.
    const snapshot = builtin && options.snapshot !== false ? await readSnapshot(dir, paths, texts, options.snapshot) : undefined;
    for (const [i, path] of paths.entries()) {
      const known = snapshot?.get(ruleKey(dir, path));
      const parsed: Parsed = known ? { file: display(path), doc: known, problems: [] } : await parseRuleFile(path, texts[i]!);
      problems.push(...parsed.problems);
      if (!parsed.doc) continue;
      const { rule, problems: more } = checkAndCompile(parsed.doc, path, parsed.file, builtin);
      problems.push(...more);
      const previous = seen.get(parsed.doc.id);
      if (previous) problems.push({ file: parsed.file, ruleId: parsed.doc.id, field: '/id', reason: `duplicates the rule in ${previous}` });
      else seen.set(parsed.doc.id, parsed.file);
      if (rule) rules.push(rule);
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rules.sort((a, b) => a.id.localeCompare(b.id));
}
