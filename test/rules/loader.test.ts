import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuleLoadError } from '../../src/errors.js';
import { loadRules } from '../../src/rules/loader.js';

const valid = `
id: my-rule
title: A custom rule
severity: warning
category: certificates
for: certificates
when: item.state == "Initializing"
message: ztunnel {{ztunnel}} still initializes {{identity}}
remediation: wait, then look at {{node}}
docs: https://example.com/docs
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zb-rules-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(): Promise<RuleLoadError> {
  try {
    await loadRules({ dirs: [dir], builtin: false });
  } catch (err) {
    if (err instanceof RuleLoadError) return err;
    throw err;
  }
  throw new Error('expected the rules to fail to load');
}

describe('loadRules', () => {
  it('loads every built-in rule, compiled, sorted by id', async () => {
    const rules = await loadRules();
    expect(rules.length).toBeGreaterThanOrEqual(7);
    expect(rules.map((r) => r.id)).toEqual([...rules.map((r) => r.id)].sort());
    const categories = new Set(rules.map((r) => r.category));
    for (const c of ['ztunnel-health', 'workloads', 'certificates', 'xds-sync', 'traffic', 'policy', 'collection']) {
      expect(categories, `a built-in rule in category ${c}`).toContain(c);
    }
  });

  it('loads a user directory next to the built-in rules, recursively, ignoring test case files', async () => {
    await mkdir(join(dir, 'nested'));
    await writeFile(join(dir, 'nested', 'my-rule.yaml'), valid);
    await writeFile(join(dir, 'nested', 'my-rule.test.yaml'), 'cases: []\n');
    const rules = await loadRules({ dirs: [dir] });
    const mine = rules.find((r) => r.id === 'my-rule');
    expect(mine?.builtin).toBe(false);
    expect(mine?.for).toBe('certificates');
    expect(rules.filter((r) => r.builtin).length).toBeGreaterThan(0);
  });

  it('reports every problem of every file at once, with file, rule id and field', async () => {
    await writeFile(join(dir, 'bad-severity.yaml'), valid.replace('my-rule', 'bad-severity').replace('warning', 'fatal'));
    await writeFile(join(dir, 'bad-cel.yaml'), valid.replace('my-rule', 'bad-cel').replace('item.state == "Initializing"', 'item.state == &&'));
    await writeFile(join(dir, 'bad-placeholder.yaml'), valid.replace('my-rule', 'bad-placeholder').replace('{{identity}}', '{{idenity}}'));
    await writeFile(join(dir, 'bad-collection.yaml'), valid.replace('my-rule', 'bad-collection').replace('for: certificates', 'for: certs'));
    await writeFile(join(dir, 'wrong-name.yaml'), valid);
    await writeFile(join(dir, 'missing-docs.yaml'), valid.replace('my-rule', 'missing-docs').replace(/docs: .*\n/, 'extra: 1\n'));
    await writeFile(join(dir, 'broken-yaml.yaml'), 'id: [unclosed\n');
    const err = await loadError();
    const text = err.message;
    const byFile = (name: string) => err.problems.filter((p) => p.file.endsWith(name));
    expect(byFile('bad-severity.yaml')[0]).toMatchObject({ ruleId: 'bad-severity', field: '/severity' });
    expect(byFile('bad-severity.yaml')[0]?.reason).toContain('critical, error, warning, info');
    expect(byFile('bad-cel.yaml')[0]).toMatchObject({ ruleId: 'bad-cel', field: '/when' });
    expect(byFile('bad-cel.yaml')[0]?.reason).toMatch(/^invalid CEL: /);
    expect(byFile('bad-placeholder.yaml')[0]).toMatchObject({ field: '/message' });
    expect(byFile('bad-placeholder.yaml')[0]?.reason).toContain('{{idenity}}');
    expect(byFile('bad-collection.yaml')[0]?.reason).toContain('unknown fact collection "certs"');
    expect(byFile('wrong-name.yaml')[0]).toMatchObject({ ruleId: 'my-rule', field: '/id' });
    expect(byFile('missing-docs.yaml').map((p) => p.field).sort()).toEqual(['/docs', '/extra']);
    expect(byFile('broken-yaml.yaml')[0]?.reason).toMatch(/^invalid YAML at line \d+/);
    // One line per problem, each naming its file.
    expect(text.split('\n').length).toBe(err.problems.length);
    expect(err.exitCode).toBe(2);
  });

  it('refuses two rules with the same id', async () => {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'a', 'my-rule.yaml'), valid);
    await writeFile(join(dir, 'b', 'my-rule.yaml'), valid);
    const err = await loadError();
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.reason).toMatch(/^duplicates the rule in .*a\/my-rule\.yaml$/);
  });

  it('refuses a --rules path that is not a directory', async () => {
    await expect(loadRules({ dirs: [join(dir, 'nope')], builtin: false })).rejects.toThrow(/nope is not a directory of rules/);
  });
});
