/**
 * `ztunnel-bundle rules list|validate|test`: the rule author's loop. `list` shows what would run;
 * `validate` loads rule directories and reports every problem at once (rule files through the
 * loader, test files against schemas/rule-test.schema.json, rules without tests), exit 0 or 2;
 * `test` runs each rule's cases (<id>.test.yaml) like `npm test` would and prints PASS/FAIL per
 * rule, exit 0, 1 on a failing case, 2 when the rules do not load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { ExitCode, RuleLoadError, UsageError, formatRuleProblem, type RuleProblem } from '../errors.js';
import { terminalText } from '../report/terminal.js';
import { findRuleFiles, loadRules } from '../rules/loader.js';
import { testRule, type CaseResult } from '../rules/tester.js';
import type { Rule } from '../rules/types.js';
import { packagePath } from '../util/package.js';

export interface RulesOptions {
  action: 'list' | 'validate' | 'test';
  /** Rule directories (--rules DIR for list, positional DIR... for validate and test). */
  dirs: string[];
  /** Include the built-in rules. validate and test include them anyway when no directory is given. */
  builtin: boolean;
  format?: 'table' | 'json';
  stdout?: NodeJS.WritableStream;
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function print(stdout: NodeJS.WritableStream, lines: string[]): void {
  stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
}

// ---- list -----------------------------------------------------------------------------------

function listRules(rules: Rule[], format: 'table' | 'json'): string[] {
  if (format === 'json') {
    const rows = rules.map((r) => ({ id: r.id, severity: r.severity, category: r.category, title: r.title, for: r.for, tags: r.tags ?? [], source: r.builtin ? 'built-in' : 'user', file: r.file }));
    return [JSON.stringify(rows, null, 2)];
  }
  const rows = [['ID', 'SEVERITY', 'CATEGORY', 'SOURCE', 'TITLE'], ...rules.map((r) => [r.id, r.severity, r.category, r.builtin ? 'built-in' : 'user', terminalText(r.title)])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return [...rows.map((row) => row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ')), `${rules.length} rule${rules.length === 1 ? '' : 's'}`];
}

// ---- validate -------------------------------------------------------------------------------

let testSchema: ValidateFunction | undefined;

function testCaseValidator(): ValidateFunction {
  if (!testSchema) {
    const schema = JSON.parse(readFileSync(packagePath('schemas/rule-test.schema.json'), 'utf8')) as object;
    testSchema = new Ajv({ allErrors: true, strict: false }).compile(schema);
  }
  return testSchema;
}

/** Problems of the test file beside one rule file: missing, not YAML, not the schema, no silent or firing case. */
async function testFileProblems(rulePath: string): Promise<RuleProblem[]> {
  const ruleId = basename(rulePath).replace(/\.ya?ml$/, '');
  const testPath = rulePath.replace(/\.ya?ml$/, '.test.yaml');
  const file = display(testPath);
  if (!existsSync(testPath)) return [{ file: display(rulePath), ruleId, field: '', reason: `has no test file: add ${basename(testPath)} beside it with a silent and a firing case` }];
  const doc = parseDocument(await readFile(testPath, 'utf8'), { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return [{ file, ruleId, field: '', reason: `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}` }];
  const value: unknown = doc.toJS();
  const validate = testCaseValidator();
  if (!validate(value)) {
    return (validate.errors ?? []).map((e) => ({
      file,
      ruleId,
      field: e.instancePath,
      reason: e.keyword === 'additionalProperties' ? `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"` : (e.message ?? 'is invalid'),
    }));
  }
  const cases = (value as { cases: { expect: unknown[] }[] }).cases;
  const problems: RuleProblem[] = [];
  if (!cases.some((c) => c.expect.length === 0)) problems.push({ file, ruleId, field: '/cases', reason: 'no case that must stay silent (expect: [])' });
  if (!cases.some((c) => c.expect.length > 0)) problems.push({ file, ruleId, field: '/cases', reason: 'no case that must fire' });
  return problems;
}

async function validateRules(dirs: string[], builtin: boolean): Promise<{ problems: RuleProblem[]; ruleCount: number }> {
  const problems: RuleProblem[] = [];
  let ruleCount = 0;
  try {
    ruleCount = (await loadRules({ dirs, builtin })).length;
  } catch (err) {
    if (!(err instanceof RuleLoadError)) throw err;
    problems.push(...err.problems);
  }
  const all = [...(builtin ? [packagePath('rules')] : []), ...dirs];
  for (const dir of all) {
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) continue; // the loader already said so
    for (const path of await findRuleFiles(dir)) problems.push(...(await testFileProblems(path)));
  }
  return { problems, ruleCount };
}

// ---- test -----------------------------------------------------------------------------------

function indent(text: string, spaces: number): string {
  return text.split('\n').map((line) => ' '.repeat(spaces) + terminalText(line)).join('\n');
}

function ruleLines(rule: Rule, results: CaseResult[]): string[] {
  const failed = results.some((r) => r.problems.length > 0);
  const lines = [`${failed ? 'FAIL' : 'PASS'} ${rule.id}`];
  for (const r of results) {
    lines.push(`  ${r.problems.length > 0 ? 'FAIL' : 'pass'}: ${terminalText(r.caseName)}`);
    for (const p of r.problems) lines.push(indent(p, 8));
  }
  return lines;
}

// ---- entry ----------------------------------------------------------------------------------

export async function runRules(opts: RulesOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const format = opts.format ?? 'table';
  // validate and test with no directory mean "the built-in rules", so CI can check them.
  const builtin = opts.action === 'list' ? opts.builtin : opts.builtin || opts.dirs.length === 0;

  if (opts.action === 'list') {
    print(stdout, listRules(await loadRules({ dirs: opts.dirs, builtin }), format));
    return ExitCode.ok;
  }

  if (opts.action === 'validate') {
    const { problems, ruleCount } = await validateRules(opts.dirs, builtin);
    if (format === 'json') print(stdout, [JSON.stringify({ valid: problems.length === 0, rules: ruleCount, problems }, null, 2)]);
    else if (problems.length > 0) print(stdout, [...problems.map((p) => terminalText(formatRuleProblem(p))), `${problems.length} problem${problems.length === 1 ? '' : 's'}`]);
    else print(stdout, [`${ruleCount} rule${ruleCount === 1 ? '' : 's'} valid, each with test cases`]);
    return problems.length > 0 ? ExitCode.usage : ExitCode.ok;
  }

  if (opts.action !== 'test') throw new UsageError(`rules: unknown action "${String(opts.action)}"; use list, validate or test`);
  let rules: Rule[];
  try {
    rules = await loadRules({ dirs: opts.dirs, builtin });
  } catch (err) {
    if (!(err instanceof RuleLoadError)) throw err;
    print(stdout, [...err.problems.map((p) => terminalText(formatRuleProblem(p))), 'rules did not load: no test was run']);
    return ExitCode.usage;
  }
  let passed = 0;
  let failed = 0;
  const report: { id: string; passed: boolean; cases: { name: string; passed: boolean; problems: string[] }[] }[] = [];
  for (const rule of rules) {
    const results = await testRule(rule);
    for (const r of results) {
      if (r.problems.length > 0) failed += 1;
      else passed += 1;
    }
    report.push({ id: rule.id, passed: results.every((r) => r.problems.length === 0), cases: results.map((r) => ({ name: r.caseName, passed: r.problems.length === 0, problems: r.problems })) });
    if (format === 'table') print(stdout, ruleLines(rule, results));
  }
  // Always this exact shape (even "1 rules"): CI scripts read it.
  const summary = `${rules.length} rules, ${passed} cases passed, ${failed} failed`;
  print(stdout, format === 'json' ? [JSON.stringify({ rules: report, summary: { rules: rules.length, passed, failed } }, null, 2)] : [summary]);
  return failed > 0 ? ExitCode.findings : ExitCode.ok;
}
