/**
 * parseJson checks the nesting depth on the parsed value (and scans the text only to cite the
 * bracket), where it used to scan every character before parsing. These tests hold it to the old
 * verdicts: the reference below is the old pre-scan, and on generated nested, escaped, truncated
 * and hostile texts both must accept the same values and refuse with the same message.
 */
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { findExcessiveNesting, MAX_JSON_DEPTH, parseJson } from '../../src/parse/json.js';

const FILE = 'cluster/pods.json';

/** The pre-scan parseJson used to run over every text, character by character. */
function referenceNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** What parseJson answers: the value, or the one-line problem of its BundleError. */
function outcome(text: string, maxDepth?: number): { value: unknown } | { problem: string } {
  try {
    return { value: parseJson(text, FILE, maxDepth === undefined ? {} : { maxDepth }) };
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    return { problem: err.problem };
  }
}

/** Texts made of JSON's structural characters, escapes and words: nested, cut, unbalanced. */
const jsonish = fc
  .array(fc.constantFrom('[', ']', '{', '}', '"', '\\', '\\"', '\\\\', ',', ':', ' ', '\n', '1', 'a', 'null', '"k":', '[]', '{}'), { maxLength: 60 })
  .map((parts) => parts.join(''));

/** Valid JSON of a random shape, sometimes deep, with brackets and escapes inside its strings. */
const nestedJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('[', '{"a": "}\\\\"}', '"\\"[["', '1', 'null'),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => `{${xs.map((x, i) => `"k${i}": ${x}`).join(', ')}}`),
  ),
})).value.filter((t) => t !== '[');

describe('findExcessiveNesting', () => {
  it('finds the same bracket as the character-by-character scan', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, nestedJson), fc.integer({ min: 0, max: 5 }), (text, maxDepth) => {
        expect(findExcessiveNesting(text, maxDepth)).toBe(referenceNesting(text, maxDepth));
      }),
      { numRuns: 3000 },
    );
  });

  it('treats a quote after an even run of backslashes as closing and after an odd run as escaped', () => {
    expect(findExcessiveNesting('["\\\\"]]', 0)).toBe(0);
    expect(findExcessiveNesting('"\\\\"[', 0)).toBe(4);
    expect(findExcessiveNesting('"\\"[', 0)).toBeUndefined();
    expect(findExcessiveNesting('"\\\\\\"[', 0)).toBeUndefined();
  });
});

describe('parseJson depth verdicts', () => {
  it('accepts and refuses exactly what the pre-scan did, with the same message', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, nestedJson), fc.integer({ min: 0, max: 5 }), (text, maxDepth) => {
        const got = outcome(text, maxDepth);
        const tooDeep = referenceNesting(text, maxDepth);
        if (tooDeep !== undefined) expect(got).toEqual({ problem: expect.stringMatching(new RegExp(`nesting deeper than ${maxDepth} levels$`)) });
        else if ('value' in got) expect(got.value).toEqual(JSON.parse(text));
        else expect(got.problem).not.toMatch(/nesting deeper/);
      }),
      { numRuns: 3000 },
    );
  });

  it('cites the first too-deep bracket even when the text is also cut or broken later', () => {
    const deep = `{"a": ${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}, "b": }`;
    expect(outcome(deep)).toEqual({ problem: `invalid JSON at line 1 column ${7 + MAX_JSON_DEPTH - 1}: nesting deeper than ${MAX_JSON_DEPTH} levels` });
    const valid = `{"a": ${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(outcome(valid)).toEqual({ problem: `invalid JSON at line 1 column ${7 + MAX_JSON_DEPTH - 1}: nesting deeper than ${MAX_JSON_DEPTH} levels` });
    const atLimit = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect('value' in outcome(atLimit)).toBe(true);
  });

  it('walks objects with a __proto__ key and arrays of mixed values', () => {
    expect(outcome('{"__proto__": {"x": [[1]]}}', 4)).toEqual({ value: JSON.parse('{"__proto__": {"x": [[1]]}}') });
    expect(outcome('{"__proto__": {"x": [[1]]}}', 3)).toEqual({ problem: 'invalid JSON at line 1 column 22: nesting deeper than 3 levels' });
    expect(outcome('[1, "s", null, true, {"a": {}}]', 3)).toEqual({ value: [1, 's', null, true, { a: {} }] });
    expect(outcome('[1, "s", null, true, {"a": {}}]', 2)).toEqual({ problem: 'invalid JSON at line 1 column 28: nesting deeper than 2 levels' });
    expect(outcome('[1, "s", null, true, {"a": {}}]', 1)).toEqual({ problem: 'invalid JSON at line 1 column 22: nesting deeper than 1 levels' });
  });

  it('handles a limit too high to walk recursively by scanning first', () => {
    const deep = '['.repeat(6000) + ']'.repeat(6000);
    expect('value' in outcome(deep, 10_000)).toBe(true);
    expect(outcome(deep, 5000)).toEqual({ problem: 'invalid JSON at line 1 column 5001: nesting deeper than 5000 levels' });
  });
});

const fixtures = fileURLToPath(new URL('../../fixtures/broken/', import.meta.url));
describe('parseJson on the fixture bundle', () => {
  it.each(['cluster/pods.json', 'cluster/services.json', 'manifest.json'])('%s: the value JSON.parse gives, and the depth the scan measures', (file) => {
    const path = `${fixtures}${file}`;
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(parseJson(text, file)).toEqual(JSON.parse(text));
    // The deepest level the scan measures is where both checks draw the line.
    let deepest = 0;
    while (referenceNesting(text, deepest) !== undefined) deepest++;
    expect(outcome(text, deepest)).toHaveProperty('value');
    expect(outcome(text, deepest - 1)).toEqual({ problem: expect.stringMatching(/nesting deeper than/) });
  });
});
