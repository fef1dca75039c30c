/**
 * parseJson on hostile and damaged input (deep nesting, truncation, stray characters, bad
 * escapes) and the pointer locator against positions computed independently from the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { MAX_JSON_DEPTH, parseJson } from '../../src/parse/json.js';
import { createLocator, lineOfPointer } from '../../src/parse/jsonLocate.js';

const FILE = 'istiod/istiod-1/debug/syncz.json';

function problemOf(text: string, maxDepth?: number): string {
  try {
    parseJson(text, FILE, maxDepth === undefined ? {} : { maxDepth });
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).file).toBe(FILE);
    expect((err as BundleError).message.split('\n')).toHaveLength(1);
    return (err as BundleError).problem;
  }
  throw new Error('expected a BundleError');
}

describe('parseJson', () => {
  it('parses valid JSON like JSON.parse, duplicate keys last-wins', () => {
    expect(parseJson('{"a": 1, "a": [true, null, "x\\"y"]}', FILE)).toEqual({ a: [true, null, 'x"y'] });
  });

  it('refuses nesting deeper than the limit before JSON.parse can overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(problemOf(deep)).toBe(`invalid JSON at line 1 column ${MAX_JSON_DEPTH + 1}: nesting deeper than ${MAX_JSON_DEPTH} levels`);
    expect(problemOf('{"a":{"b":{}}}', 2)).toMatch(/column 11: nesting deeper than 2 levels/);
    // Brackets inside strings do not count.
    expect(parseJson(`{"s": "${'['.repeat(5000)}"}`, FILE)).toEqual({ s: '['.repeat(5000) });
  });

  it.each([
    ['{\n  "a": }', 'line 2 column 8: unexpected "}"'],
    ['{\n  "a": 1\n', 'line 3 column 1: unexpected end of input (truncated file?)'],
    ['{"a": "unterminated', 'line 1 column 20: unexpected end of input (truncated file?)'],
    ['[1, 2,]', 'line 1 column 7: unexpected "]"'],
    ['{"a" 1}', `line 1 column 6: expected ':', unexpected "1"`],
    ['{"a": 1}}', 'line 1 column 9: unexpected "}" after the JSON value'],
    ['{"a": "\\x"}', 'line 1 column 8: bad escape in string'],
    ['{a: 1}', 'line 1 column 2: expected a property name, unexpected "a"'],
    ['[tru]', 'line 1 column 2: unexpected "t"'],
  ])('locates the error in %j', (text, where) => {
    expect(problemOf(text)).toBe(`invalid JSON at ${where}`);
  });

  it('never throws anything but BundleError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseJson(text, FILE);
        } catch (err) {
          return err instanceof BundleError && /^invalid JSON at line \d+ column \d+: /.test(err.problem);
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});

describe('createLocator', () => {
  const text = JSON.stringify(
    {
      workloads: [{ name: 'a', uid: 'x' }, { name: 'b', waypoint: { destination: '/10.0.0.1' } }],
      'we/ird~key': { 'a "q"': [1, [2, [3, { deep: true }]]] },
      empty: {},
    },
    null,
    2,
  );
  const lines = text.split('\n');
  const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;

  it('finds values at every depth, with RFC 6901 escapes', () => {
    const loc = createLocator(text, { indexDepth: 1 });
    expect(loc.line('')).toBe(1);
    expect(loc.line('/workloads/1')).toBe(lineOf('"name": "b"') - 1);
    expect(loc.line('/workloads/1/waypoint/destination')).toBe(lineOf('"destination"'));
    expect(loc.line('/we~1ird~0key/a "q"/1/1/1/deep')).toBe(lineOf('"deep"'));
    expect(loc.line('/empty')).toBe(lineOf('"empty"'));
  });

  it('answers undefined for absent pointers and malformed text, without throwing', () => {
    const loc = createLocator(text);
    expect(loc.line('/workloads/2')).toBeUndefined();
    expect(loc.line('/workloads/0/name/x')).toBeUndefined();
    expect(loc.line('/nope/deeper/still')).toBeUndefined();
    expect(loc.line('no-slash')).toBeUndefined();
    expect(lineOfPointer('{"a": [1, 2', '/a/0')).toBe(1);
    expect(lineOfPointer('{"a": [1, 2', '/a/5')).toBeUndefined();
    expect(lineOfPointer('['.repeat(100_000), '/0/0')).toBe(1);
  });

  it('agrees with a naive search on generated pretty-printed documents', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.stringMatching(/^[a-z]{1,8}$/), tags: fc.array(fc.integer(), { maxLength: 3 }) }), { minLength: 1, maxLength: 20 }), (items) => {
        const doc = JSON.stringify({ items }, null, 2);
        const docLines = doc.split('\n');
        const loc = createLocator(doc);
        return items.every((item, i) => docLines[loc.line(`/items/${i}/name`)! - 1] === `      "name": ${JSON.stringify(item.name)},`);
      }),
      { numRuns: 100 },
    );
  });
});
