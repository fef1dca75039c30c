/**
 * toCelInput builds CEL maps and lists once per fact instead of handing plain objects to
 * @bufbuild/cel (which turned them into maps on every read). These tests hold it to the old input:
 * the same expressions over the same facts, bound either way, give the same value or the same
 * error, on generated fact-shaped values and on the facts of the broken fixture bundle.
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { buildFacts } from '../../src/facts/build.js';
import type { FactBase, FactModel } from '../../src/facts/types.js';
import { compileCel, evaluate, toCelInput } from '../../src/rules/cel.js';
import { loadRules } from '../../src/rules/loader.js';

/** The input as it was: plain objects and arrays, whole numbers as bigint, undefined fields dropped. */
function plainInput(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(plainInput);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plainInput(v);
    return out;
  }
  return value;
}

const EXPRESSIONS = [
  'item', 'item.name', 'item.count * 2 + 1', 'item.ratio > 0.5', 'has(item.maybe)', 'has(item.nested.deep)', 'item.nested.deep',
  'item.list', 'size(item.list)', 'item.list[0]', 'item.list.exists(x, x == 2)', 'item.objs.map(o, o.k)', 'item.objs.filter(o, has(o.k)).size()',
  'item.nested == {"deep": "x"}', 'item.list == [1, 2]', '"a" in item.nested', 'item.missing', 'item.name.startsWith("w")',
  'bundle.collectedAt', 'bundle.ztunnelCount > 1', 'item.objs[5]', 'item.holes[0]', 'size(item.holes)', 'item.nested.deep.lowerAscii()',
];

const factLike = fc.record(
  {
    name: fc.constantFrom('web', 'cart', ''),
    count: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true, min: -3, max: 3 })),
    ratio: fc.double({ noNaN: true, min: 0, max: 1 }),
    maybe: fc.option(fc.boolean(), { nil: undefined }),
    nested: fc.oneof(fc.constant({ deep: 'x' }), fc.record({ deep: fc.constantFrom('X', 'y') }), fc.constant({}), fc.constant({ deep: undefined, a: 1 })),
    list: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    objs: fc.array(fc.record({ k: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }), n: fc.integer() }, { requiredKeys: [] }), { maxLength: 3 }),
    holes: fc.constantFrom([], [undefined], [1, undefined]),
  },
  { requiredKeys: ['name', 'count', 'ratio', 'nested', 'list', 'objs', 'holes'] },
);

/** evaluate's answer, or what it threw (both inputs make toPlain throw on a list holding undefined). */
function run(expr: ReturnType<typeof compileCel>, item: object, bundle: object): unknown {
  try {
    return evaluate(expr, item, bundle);
  } catch (err) {
    return { threw: err instanceof Error ? err.message : String(err) };
  }
}

const BUNDLE = { source: 'b', collectedAt: '2026-11-25T06:00:00Z', ztunnelCount: 3, ambientNamespaces: ['apps'] };
const compiled = EXPRESSIONS.map((source) => compileCel(source));

describe('toCelInput', () => {
  it('gives every expression the value or error the plain input gave, on generated facts', () => {
    fc.assert(
      fc.property(factLike, (fact) => {
        const cel = toCelInput(fact) as object;
        const plain = plainInput(fact) as object;
        for (const expr of compiled) {
          expect({ expr: expr.source, got: run(expr, cel, toCelInput(BUNDLE) as object) }).toEqual({ expr: expr.source, got: run(expr, plain, plainInput(BUNDLE) as object) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is used as is: a converted fact read by many expressions is not converted again', () => {
    const cel = toCelInput({ a: { b: [1, 2] } }) as object;
    const first = evaluate(compileCel('item.a'), cel, {});
    expect(first).toEqual({ ok: true, value: { b: [1, 2] } });
    // The same CelMap instance comes back from two reads.
    const same = compileCel('item.a');
    const a1 = same.program({ item: cel, bundle: {} });
    const a2 = same.program({ item: cel, bundle: {} });
    expect(a1).toBe(a2);
  });
});

const broken = fileURLToPath(new URL('../../fixtures/broken/', import.meta.url));
describe('toCelInput on the broken fixture bundle', () => {
  it("gives every built-in rule's condition and data the same results as the plain input, for every fact", async () => {
    const facts: FactModel = await buildFacts(await openBundle(broken));
    const rules = await loadRules({ dirs: [], builtin: true });
    const bundleCel = toCelInput(facts.bundle) as object;
    const bundlePlain = plainInput(facts.bundle) as object;
    let compared = 0;
    let truths = 0;
    for (const rule of rules) {
      for (const item of facts[rule.for] as readonly FactBase[]) {
        const cel = toCelInput(item) as object;
        const plain = plainInput(item) as object;
        for (const expr of [rule.condition, ...Object.values(rule.dataExpressions)]) {
          const got = evaluate(expr, cel, bundleCel);
          expect(got).toEqual(evaluate(expr, plain, bundlePlain));
          if (expr === rule.condition && got.ok && got.value === true) truths++;
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(truths).toBeGreaterThan(10);
  });
});
