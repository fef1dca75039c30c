/**
 * The JSON pointer locator, held to its previous implementation (test/parse/reference): on the
 * fixture bundles' JSON files, istioctl's real config_dump, truncated copies of them and generated
 * hostile texts, both must answer every pointer (present, absent, escaped, malformed) with the same
 * line, asked in the same order (a locator scans lazily, so order is part of what is compared).
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLocator } from '../../src/parse/jsonLocate.js';
import { createReferenceLocator } from './reference/jsonLocate.js';

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every pointer of a parsed document, parents before children, at most `limit` of them. */
function pointersOf(value: unknown, limit: number): string[] {
  const out: string[] = [];
  const walk = (v: unknown, pointer: string) => {
    if (out.length >= limit) return;
    out.push(pointer);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${pointer}/${escape(k)}`);
  };
  walk(value, '');
  return out;
}

/** Pointers that are absent or not pointers at all, next to present ones. */
function absentNear(pointers: readonly string[]): string[] {
  return [...pointers.slice(0, 50).map((p) => `${p}/999999`), ...pointers.slice(0, 20).map((p) => `${p}/no~1such`), 'no-slash', '/', '//', '/~2'];
}

/** Both locators' answers to the same pointers in the same order. */
function answers(text: string, pointers: readonly string[], indexDepth?: number): { got: (number | undefined)[]; want: (number | undefined)[] } {
  const options = indexDepth === undefined ? {} : { indexDepth };
  const current = createLocator(text, options);
  const reference = createReferenceLocator(text, options);
  return { got: pointers.map((p) => current.line(p)), want: pointers.map((p) => reference.line(p)) };
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

const fixtureFiles = ['healthy', 'broken'].flatMap((b) => jsonFiles(fileURLToPath(new URL(`../../fixtures/${b}/`, import.meta.url))));

describe('createLocator against the previous implementation', () => {
  it('has fixture files to compare on', () => {
    expect(fixtureFiles.length).toBeGreaterThan(20);
  });

  it.each(fixtureFiles.map((f) => [f.slice(f.indexOf('fixtures/')), f]))('%s: every pointer, forwards and backwards, indexed 1 and 2 deep', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const pointers = pointersOf(JSON.parse(text), 4000);
    const all = [...pointers, ...absentNear(pointers)];
    for (const depth of [1, 2]) {
      const forwards = answers(text, all, depth);
      expect(forwards.got).toEqual(forwards.want);
      expect(forwards.got.slice(0, pointers.length).every((line) => line !== undefined)).toBe(true);
      const backwards = answers(text, [...all].reverse(), depth);
      expect(backwards.got).toEqual(backwards.want);
    }
  });

  it('agrees on cut copies of a pods list, wherever the cut falls', () => {
    const pods = fixtureFiles.find((f) => f.endsWith('broken/cluster/pods.json'))!;
    const text = readFileSync(pods, 'utf8');
    const pointers = pointersOf(JSON.parse(text), 600);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), (cut) => {
        const { got, want } = answers(text.slice(0, cut), pointers);
        expect(got).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees on generated texts with escapes, odd keys and broken structure', () => {
    const piece = fc.constantFrom('{', '}', '[', ']', '"', '\\', '\\"', '\\\\', '"a/b"', '"t~x"', '"k\\u0041"', ':', ',', ' ', '\n', '1', 'null', '"s"');
    const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
    const pointer = fc.array(fc.constantFrom('0', '1', '2', 'a~1b', 't~0x', 'kA', 'k\\u0041', 's', ''), { maxLength: 4 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
    fc.assert(
      fc.property(text, fc.array(pointer, { minLength: 1, maxLength: 8 }), fc.constantFrom(1, 2, 3), (t, ps, depth) => {
        const { got, want } = answers(t, ps, depth);
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });
});

const upstreamDump = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json', import.meta.url));
describe.skipIf(!existsSync(upstreamDump))("createLocator on istioctl's real ztunnel config_dump (skipped: ../shared not present)", () => {
  it('answers every pointer like the previous implementation', () => {
    const text = readFileSync(upstreamDump, 'utf8');
    const pointers = pointersOf(JSON.parse(text), 20_000);
    const { got, want } = answers(text, [...pointers, ...absentNear(pointers)]);
    expect(got).toEqual(want);
    expect(got.slice(0, pointers.length).every((line) => line !== undefined)).toBe(true);
  });
});
