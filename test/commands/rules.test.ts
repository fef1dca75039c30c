/**
 * `rules list|validate|test` on user rule directories written in the real format: what list shows
 * (table and JSON, built-in vs user), validate reporting every problem of rule and test files at
 * once with exit 2, and test printing PASS/FAIL per rule with case names, problems and the summary.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRules, type RulesOptions } from '../../src/commands/rules.js';
import { RuleLoadError } from '../../src/errors.js';
import { loadRules } from '../../src/rules/loader.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const RULE = `# yaml-language-server: $schema=../../schemas/rule.schema.json
id: ztunnel-many-restarts
title: ztunnel restarted more than twice
severity: error
category: ztunnel-health
tags: [F24]
for: ztunnels
when: item.restarts > 2
message: ztunnel {{name}} on node {{node}} restarted {{restarts}} times.
remediation: Read the previous log (kubectl -n {{namespace}} logs {{name}} --previous).
docs: https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/
`;

const CASES = `cases:
  - name: a healthy cluster's ztunnels never restarted
    bundle: healthy
    expect: []
  - name: five restarts fire
    bundle: healthy
    patch:
      cluster/pods.json:
        - { op: replace, path: /items/4/status/containerStatuses/0/restartCount, value: 5 }
    expect:
      - subject: ztunnel-8smsz
        messageIncludes: restarted 5 times
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zb-rules-cmd-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

async function run(opts: Omit<RulesOptions, 'stdout'>): Promise<{ code: number; out: string }> {
  const stdout = new Capture();
  const code = await runRules({ ...opts, stdout });
  return { code, out: stdout.text };
}

describe('rules list', () => {
  it('shows built-in and user rules with id, severity, category, source and title', async () => {
    await write({ 'ztunnel-health/ztunnel-many-restarts.yaml': RULE });
    const builtins = await loadRules();
    const { code, out } = await run({ action: 'list', dirs: [dir], builtin: true });
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID +SEVERITY +CATEGORY +SOURCE +TITLE$/);
    expect(lines.at(-1)).toBe(`${builtins.length + 1} rules`);
    expect(lines.find((l) => l.startsWith('ztunnel-many-restarts '))).toMatch(/^ztunnel-many-restarts +error +ztunnel-health +user +ztunnel restarted more than twice$/);
    const first = builtins[0]!;
    expect(lines.find((l) => l.startsWith(`${first.id} `))).toMatch(new RegExp(`^${first.id} +${first.severity} +${first.category} +built-in +`));
  });

  it('prints JSON with -o json, and only the user rules without built-ins', async () => {
    await write({ 'ztunnel-many-restarts.yaml': RULE });
    const { out } = await run({ action: 'list', dirs: [dir], builtin: false, format: 'json' });
    expect(JSON.parse(out)).toEqual([
      { id: 'ztunnel-many-restarts', severity: 'error', category: 'ztunnel-health', title: 'ztunnel restarted more than twice', for: 'ztunnels', tags: ['F24'], source: 'user', file: join(dir, 'ztunnel-many-restarts.yaml') },
    ]);
  });

  it('throws the loader error (every problem) when a rule does not load', async () => {
    await write({ 'bad.yaml': RULE.replace('id: ztunnel-many-restarts', 'id: bad').replace('for: ztunnels', 'for: ztunels') });
    await expect(run({ action: 'list', dirs: [dir], builtin: false })).rejects.toThrow(RuleLoadError);
  });
});

describe('rules validate', () => {
  it('exits 0 for a valid rule with test cases', async () => {
    await write({ 'ztunnel-many-restarts.yaml': RULE, 'ztunnel-many-restarts.test.yaml': CASES });
    expect(await run({ action: 'validate', dirs: [dir], builtin: false })).toEqual({ code: 0, out: '1 rule valid, each with test cases\n' });
  });

  it('reports every problem of every file at once: rule fields, bad CEL, missing tests, invalid test files; exit 2', async () => {
    const broken = RULE.replace('id: ztunnel-many-restarts', 'id: broken-rule').replace('when: item.restarts > 2', 'when: item.restarts >').replace('{{restarts}}', '{{restartz}}');
    await write({
      'ztunnel-many-restarts.yaml': RULE,
      'ztunnel-many-restarts.test.yaml': CASES.replace('    expect: []\n', '    expect: []\n    expected: []\n'),
      'broken-rule.yaml': broken,
      'only-firing.yaml': RULE.replace('id: ztunnel-many-restarts', 'id: only-firing'),
      'only-firing.test.yaml': CASES.replace('    expect: []\n', '    expect:\n      - subject: ztunnel-8smsz\n'),
    });
    const { code, out } = await run({ action: 'validate', dirs: [dir], builtin: false });
    expect(code).toBe(2);
    const lines = out.trimEnd().split('\n');
    const file = (name: string) => join(dir, name);
    expect(lines).toContain(`${file('broken-rule.yaml')} [broken-rule] /message: placeholder {{restartz}} is not a field of ztunnels, a bundle field or a data key`);
    expect(lines.some((l) => l.startsWith(`${file('broken-rule.yaml')} [broken-rule] /when: invalid CEL:`))).toBe(true);
    expect(lines).toContain(`${file('broken-rule.yaml')} [broken-rule] has no test file: add broken-rule.test.yaml beside it with a silent and a firing case`);
    expect(lines).toContain(`${file('ztunnel-many-restarts.test.yaml')} [ztunnel-many-restarts] /cases/0: unknown field "expected"`);
    expect(lines).toContain(`${file('only-firing.test.yaml')} [only-firing] /cases: no case that must stay silent (expect: [])`);
    expect(lines.at(-1)).toBe(`${lines.length - 1} problems`);
    expect(lines.length - 1).toBe(5);
  });

  it('prints the problems as JSON with -o json', async () => {
    await write({ 'ztunnel-many-restarts.yaml': RULE });
    const { code, out } = await run({ action: 'validate', dirs: [dir], builtin: false, format: 'json' });
    expect(code).toBe(2);
    expect(JSON.parse(out)).toEqual({
      valid: false,
      rules: 1,
      problems: [{ file: join(dir, 'ztunnel-many-restarts.yaml'), ruleId: 'ztunnel-many-restarts', field: '', reason: 'has no test file: add ztunnel-many-restarts.test.yaml beside it with a silent and a firing case' }],
    });
  });

  it('names a directory that does not exist', async () => {
    const { code, out } = await run({ action: 'validate', dirs: [join(dir, 'missing')], builtin: false });
    expect(code).toBe(2);
    expect(out).toContain(`${join(dir, 'missing')} is not a directory of rules`);
  });
});

describe('rules test', () => {
  it('prints PASS with every case name and the summary line; exit 0', async () => {
    await write({ 'ztunnel-many-restarts.yaml': RULE, 'ztunnel-many-restarts.test.yaml': CASES });
    const { code, out } = await run({ action: 'test', dirs: [dir], builtin: false });
    expect(out).toBe(
      [
        'PASS ztunnel-many-restarts',
        "  pass: a healthy cluster's ztunnels never restarted",
        '  pass: five restarts fire',
        '1 rules, 2 cases passed, 0 failed',
        '',
      ].join('\n'),
    );
    expect(code).toBe(0);
  });

  it('prints FAIL with the failing case and its problem, and a rule without tests; exit 1', async () => {
    await write({
      'ztunnel-many-restarts.yaml': RULE,
      'ztunnel-many-restarts.test.yaml': CASES.replace('subject: ztunnel-8smsz', 'subject: ztunnel-other'),
      'untested-rule.yaml': RULE.replace('id: ztunnel-many-restarts', 'id: untested-rule'),
    });
    const { code, out } = await run({ action: 'test', dirs: [dir], builtin: false });
    expect(code).toBe(1);
    expect(out).toContain('FAIL untested-rule\n  FAIL: (test file)\n        ');
    expect(out).toContain('FAIL ztunnel-many-restarts\n');
    expect(out).toContain('  FAIL: five restarts fire\n        finding 1: subject "ztunnel-8smsz" is not "ztunnel-other"\n');
    expect(out.trimEnd().split('\n').at(-1)).toBe('2 rules, 1 cases passed, 2 failed');
  });

  it('exits 2 without running anything when the rules do not load', async () => {
    await write({ 'ztunnel-many-restarts.yaml': RULE.replace('severity: error', 'severity: fatal') });
    const { code, out } = await run({ action: 'test', dirs: [dir], builtin: false });
    expect(code).toBe(2);
    expect(out).toContain('/severity');
    expect(out.trimEnd().split('\n').at(-1)).toBe('rules did not load: no test was run');
  });
});
