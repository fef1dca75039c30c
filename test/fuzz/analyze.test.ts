/**
 * Mutation fuzzing one level up: the whole analyze pipeline (bundle -> facts -> rules -> report)
 * on the broken fixture with one to three of its files mutated, structurally for JSON (values of
 * the wrong type, removed keys) and byte-wise for logs, metrics and ready.txt. The pipeline must
 * always produce a report that validates against the report schema, record a file it could not
 * read as an artifact-unreadable finding rather than fail, and never let a wrong type through the
 * parsers into a rule (no rule errors).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/analyze/analyze.js';
import { overlayBundle } from '../../src/bundle/memory.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { validateReport } from '../../src/report/schema.js';
import { loadRules } from '../../src/rules/loader.js';
import type { Rule } from '../../src/rules/types.js';
import { ROOT } from '../support/cli.js';
import { expectOnlyBundleErrorAsync, FUZZ_TEST_TIMEOUT_MS, mutatedBytes, mutatedJson, printCounts } from './mutate.js';

const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1500) / 10);
const FIXTURE = join(ROOT, 'fixtures/broken');

let base: BundleSource;
let rules: Rule[];

beforeAll(async () => {
  base = await openBundle(FIXTURE);
  rules = await loadRules();
});
afterAll(async () => {
  printCounts('fuzz: analyze pipeline');
  await base?.close();
});

/** One mutated file of the fixture: a bundle path and its new content. */
function mutatedFile(paths: string[]): fc.Arbitrary<[string, string | Buffer]> {
  return fc.constantFrom(...paths).chain((path) => {
    const seed = readFileSync(join(FIXTURE, ...path.split('/')));
    const content: fc.Arbitrary<string | Buffer> = path.endsWith('.json') ? mutatedJson([seed]) : mutatedBytes([seed]);
    return content.map((c): [string, string | Buffer] => [path, c]);
  });
}

describe('analyzeBundle on the broken fixture with mutated files', () => {
  it('always reports (schema-valid), records unreadable files, and has no rule errors', async () => {
    const paths = base.list().filter((p) => /\.(json|log|prom|txt)$/.test(p));
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedFile(paths), { minLength: 1, maxLength: 3 }), async (files) => {
        const bundle = overlayBundle(base, Object.fromEntries(files));
        const result = await expectOnlyBundleErrorAsync('analyzeBundle', () => analyzeBundle(bundle, rules));
        // Bad files inside a readable bundle never fail the analysis.
        expect(result).toBeDefined();
        const report = result!.report;
        expect(validateReport(report)).toEqual([]);
        expect(report.ruleErrors).toEqual([]);
        for (const f of report.findings.filter((x) => x.ruleId === 'artifact-unreadable')) {
          expect(files.map(([p]) => p)).toContain(f.subject.name);
        }
      }),
      { numRuns: RUNS },
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});
