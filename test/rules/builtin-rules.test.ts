/**
 * Every built-in rule against its own test cases (rules/<category>/<id>.test.yaml): a rule without
 * a silent and a firing case, or whose cases fail, fails here.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/loader.js';
import { testRule } from '../../src/rules/tester.js';

const rules = await loadRules();

describe.each(rules.map((r) => [r.id, r] as const))('rule %s', (_id, rule) => {
  it('passes all its test cases, including a silent and a firing one', async () => {
    const results = await testRule(rule);
    const failures = results.filter((r) => r.problems.length > 0).map((r) => `${r.caseName}:\n  ${r.problems.join('\n  ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(2);
  });
});
