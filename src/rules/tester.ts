/**
 * Runs rules against their test cases (<id>.test.yaml beside each rule), like ESLint's
 * RuleTester: each case starts from a bundle, changes a few files in memory, and must produce
 * exactly the expected findings of that rule (none for a silent case) and no rule errors.
 * Used by the test suite and by `ztunnel-bundle rules test DIR`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { Ajv } from 'ajv';
import fastJsonPatch from 'fast-json-patch';
import { parse as parseYaml } from 'yaml';
import { analyzeBundle } from '../analyze/analyze.js';
import { overlayBundle } from '../bundle/memory.js';
import { openBundle } from '../bundle/open.js';
import { errorText } from '../errors.js';
import type { Finding } from '../report/types.js';
import { packagePath } from '../util/package.js';
import type { Rule } from './types.js';

export interface ExpectedFinding {
  subject?: string;
  namespace?: string;
  message?: string;
  messageIncludes?: string;
  evidenceFile?: string;
}

export interface RuleTestCase {
  name: string;
  bundle: string;
  patch?: Record<string, fastJsonPatch.Operation[]>;
  append?: Record<string, string>;
  replace?: Record<string, string>;
  delete?: string[];
  expect: ExpectedFinding[];
}

export interface CaseResult {
  ruleId: string;
  caseName: string;
  /** Empty when the case passed. */
  problems: string[];
  findings: Finding[];
}

export const FIXTURES_DIR = packagePath('fixtures');

export function testFileFor(rule: Rule): string {
  return rule.path.replace(/\.ya?ml$/, '.test.yaml');
}

let caseValidator: ReturnType<Ajv['compile']> | undefined;

export async function loadCases(file: string): Promise<RuleTestCase[]> {
  if (!existsSync(file)) throw new Error(`${file}: no test cases (every rule needs a silent and a firing case)`);
  const doc: unknown = parseYaml(await readFile(file, 'utf8'));
  if (!caseValidator) {
    const schema = JSON.parse(await readFile(packagePath('schemas/rule-test.schema.json'), 'utf8')) as object;
    caseValidator = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  if (!caseValidator(doc)) {
    const errors = (caseValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`${file}: invalid test cases: ${errors}`);
  }
  return (doc as { cases: RuleTestCase[] }).cases;
}

function resolveBundle(name: string, testFile: string): string {
  if (/^[a-z0-9-]+$/.test(name) && existsSync(join(FIXTURES_DIR, name))) return join(FIXTURES_DIR, name);
  return isAbsolute(name) ? name : join(dirname(testFile), name);
}

async function overrides(c: RuleTestCase, base: Awaited<ReturnType<typeof openBundle>>): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const [file, ops] of Object.entries(c.patch ?? {})) {
    const doc: unknown = JSON.parse(await base.readText(file));
    // Cloned: applyPatch inserts values by reference, and cases (with YAML aliases) run concurrently.
    const patched = fastJsonPatch.applyPatch(doc, structuredClone(ops), true, false).newDocument;
    out[file] = `${JSON.stringify(patched, null, 2)}\n`;
  }
  for (const [file, text] of Object.entries(c.replace ?? {})) out[file] = text;
  for (const [file, text] of Object.entries(c.append ?? {})) {
    const current = out[file] ?? (base.has(file) ? await base.readText(file) : '');
    out[file] = current + (current === '' || current.endsWith('\n') ? '' : '\n') + text;
  }
  for (const file of c.delete ?? []) out[file] = null;
  return out;
}

function matches(f: Finding, e: ExpectedFinding): string[] {
  const problems: string[] = [];
  if (e.subject !== undefined && f.subject.name !== e.subject) problems.push(`subject "${f.subject.name}" is not "${e.subject}"`);
  if (e.namespace !== undefined && f.subject.namespace !== e.namespace) problems.push(`namespace "${f.subject.namespace}" is not "${e.namespace}"`);
  if (e.message !== undefined && f.message !== e.message) problems.push(`message "${f.message}" is not "${e.message}"`);
  if (e.messageIncludes !== undefined && !f.message.includes(e.messageIncludes)) problems.push(`message "${f.message}" does not include "${e.messageIncludes}"`);
  if (e.evidenceFile !== undefined && !f.evidence.some((ev) => ev.file === e.evidenceFile)) problems.push(`no evidence in ${e.evidenceFile}`);
  return problems;
}

export async function runCase(rule: Rule, c: RuleTestCase, testFile: string): Promise<CaseResult> {
  const result: CaseResult = { ruleId: rule.id, caseName: c.name, problems: [], findings: [] };
  let base: Awaited<ReturnType<typeof openBundle>> | undefined;
  try {
    base = await openBundle(resolveBundle(c.bundle, testFile));
    const bundle = overlayBundle(base, await overrides(c, base));
    const { report } = await analyzeBundle(bundle, [rule]);
    result.findings = report.findings;
    for (const e of report.ruleErrors) result.problems.push(`rule error${e.subject ? ` on ${e.subject}` : ''}: ${e.reason}`);
    for (const s of report.skippedRules) result.problems.push(`rule was skipped: ${s.reason}`);
    if (report.findings.length !== c.expect.length) {
      const got = report.findings.map((f) => `  - ${f.subject.name}: ${f.message}`).join('\n');
      result.problems.push(`expected ${c.expect.length} finding(s), got ${report.findings.length}${got ? `:\n${got}` : ''}`);
    } else {
      c.expect.forEach((e, i) => result.problems.push(...matches(report.findings[i]!, e).map((p) => `finding ${i + 1}: ${p}`)));
    }
  } catch (err) {
    result.problems.push(errorText(err));
  } finally {
    await base?.close();
  }
  return result;
}

/** Runs every case of a rule; a rule without a silent and a firing case fails. */
export async function testRule(rule: Rule): Promise<CaseResult[]> {
  const file = testFileFor(rule);
  let cases: RuleTestCase[];
  try {
    cases = await loadCases(file);
  } catch (err) {
    return [{ ruleId: rule.id, caseName: '(test file)', problems: [errorText(err)], findings: [] }];
  }
  const results = await Promise.all(cases.map((c) => runCase(rule, c, file)));
  const coverage: string[] = [];
  if (!cases.some((c) => c.expect.length === 0)) coverage.push('no case that must stay silent (expect: [])');
  if (!cases.some((c) => c.expect.length > 0)) coverage.push('no case that must fire');
  if (coverage.length > 0) results.push({ ruleId: rule.id, caseName: '(coverage)', problems: coverage, findings: [] });
  return results;
}
