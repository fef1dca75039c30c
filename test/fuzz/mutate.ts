/**
 * Mutation fuzzing support: real-format seeds (our fixture bundles' files, read in place), byte
 * mutations of them (flip, insert, delete, truncate, splice two seeds, repeat a region), structural
 * mutations of JSON seeds (a value swapped for one of another type, a key removed), and the check
 * every parser must pass on any input: it returns, or throws a one-line BundleError, quickly.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { ROOT } from '../support/cli.js';

/** Largest time one parser call may take on one (at most a few hundred KB) input. */
export const PER_INPUT_BUDGET_MS = 2000;

/** Time for one fuzz test: 2 minutes in `npm test`; `npm run fuzz` raises it with FUZZ_TIMEOUT_MS for long campaigns. */
export const FUZZ_TEST_TIMEOUT_MS = Number(process.env.FUZZ_TIMEOUT_MS ?? 120_000);

/** Inputs tried per parser, for the report; filled as properties run. */
export const inputCounts = new Map<string, number>();

export function countInput(parser: string): void {
  inputCounts.set(parser, (inputCounts.get(parser) ?? 0) + 1);
}

/** Every fixture file (both bundles) whose bundle path matches `pattern`, as bytes. */
export function seeds(pattern: RegExp): Buffer[] {
  const out: Buffer[] = [];
  for (const bundle of ['fixtures/healthy', 'fixtures/broken']) {
    const root = join(ROOT, bundle);
    for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name).slice(root.length + 1).split('\\').join('/');
      if (pattern.test(path)) out.push(readFileSync(join(root, path)));
    }
  }
  if (out.length === 0) throw new Error(`no fixture file matches ${pattern}`);
  return out;
}

/** Bytes worth inserting: structure of JSON, Prometheus text and logs, and broken UTF-8. */
const TOKENS = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\ud800', '\n', '\r\n', '\t', ' ', '0', '-1', '1e999', 'null', 'true',
  '# TYPE ', '# HELP ', '# EOF\n', '=', 'NaN', '+Inf', '{le="', '\x00', '\xff', '\u00e9', '\u{1f600}', 'T', 'Z', '\tinfo\t', 'error', 'src.addr='];
const TOKEN_BYTES = [...TOKENS.map((t) => Buffer.from(t, 'utf8')), Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf0, 0x9f])];

type ByteOp =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'splice'; at: number; other: number; from: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

const position = fc.nat({ max: 1 << 30 });
const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.oneof(fc.constantFrom(...TOKEN_BYTES), fc.uint8Array({ minLength: 1, maxLength: 16 })) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('splice' as const), at: position, other: fc.nat(), from: position }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 32 }), times: fc.integer({ min: 2, max: 200 }) }),
);

function applyOp(data: Buffer, op: ByteOp, all: readonly Buffer[]): Buffer {
  const at = op.at % (data.length + 1);
  switch (op.kind) {
    case 'flip': {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      const i = at % data.length;
      copy[i] = copy[i]! ^ (1 << op.bit);
      return copy;
    }
    case 'insert':
      return Buffer.concat([data.subarray(0, at), op.bytes, data.subarray(at)]);
    case 'delete':
      return Buffer.concat([data.subarray(0, at), data.subarray(at + op.length)]);
    case 'truncate':
      return data.subarray(0, at);
    case 'splice': {
      const other = all[op.other % all.length]!;
      return Buffer.concat([data.subarray(0, at), other.subarray(op.from % (other.length + 1))]);
    }
    case 'repeat': {
      const region = data.subarray(at, at + op.length);
      return Buffer.concat([data.subarray(0, at), ...Array.from({ length: op.times }, () => region), data.subarray(at)]);
    }
  }
}

/** A seed with 1 to 6 byte mutations applied. */
export function mutatedBytes(all: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.nat(), fc.array(byteOp, { minLength: 1, maxLength: 6 })).map(([seed, ops]) => ops.reduce((data, op) => applyOp(data, op, all), all[seed % all.length]!));
}

/** Values of the wrong type, size or shape, to put where the parser expects something else. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 0, -1, 1.5, 2 ** 53 + 2, 1e308, true, [], {}, [null], [{}], { '': '' }, '\u0000', '\ud800', 'x'.repeat(5000), '::1', '10.0.0.1:99999', 'AAAA'),
);

type JsonPath = (string | number)[];

/** Paths to every value in a parsed document (up to `limit` of them, breadth-first). */
function valuePaths(doc: unknown, limit = 5000): JsonPath[] {
  const out: JsonPath[] = [];
  const queue: { value: unknown; path: JsonPath }[] = [{ value: doc, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const { value, path } = queue.shift()!;
    out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => queue.push({ value: v, path: [...path, i] }));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) queue.push({ value: v, path: [...path, k] });
  }
  return out;
}

function setAt(doc: unknown, path: JsonPath, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? {} : value;
  let parent = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(parent)) delete parent[last];
  else parent[last] = value;
  return doc;
}

/** A JSON seed with 1 to 5 of its values replaced by odd ones (or removed), re-serialized. */
export function mutatedJson(all: readonly Buffer[]): fc.Arbitrary<string> {
  const docs = all.map((b) => JSON.parse(b.toString('utf8')) as unknown);
  const paths = docs.map((d) => valuePaths(d));
  const edit = fc.record({ at: fc.nat(), value: oddValue, remove: fc.boolean() });
  return fc.tuple(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 5 })).map(([seed, edits]) => {
    const i = seed % docs.length;
    let doc = structuredClone(docs[i]);
    const candidates = paths[i]!;
    for (const e of edits) {
      try {
        doc = setAt(doc, candidates[e.at % candidates.length]!, structuredClone(e.value), e.remove);
      } catch {
        // An earlier edit replaced an ancestor of this path: skip this one.
      }
    }
    return JSON.stringify(doc);
  });
}

/**
 * Runs one parser call on one input: it must return, or throw a one-line BundleError, within the
 * per-input budget. Returns the value (undefined when it threw).
 */
export function expectOnlyBundleError<T>(parser: string, call: () => T): T | undefined {
  countInput(parser);
  const started = performance.now();
  let result: T | undefined;
  try {
    result = call();
  } catch (err) {
    if (!(err instanceof BundleError)) throw new Error(`${parser} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    expect(err.message).not.toMatch(/[\n\r]/);
  }
  expect(performance.now() - started, `${parser} time on one input`).toBeLessThan(PER_INPUT_BUDGET_MS);
  return result;
}

/** Thrown when a call neither resolves nor rejects within the budget: a hang. */
export class Hang extends Error {}

/** The promise, or a Hang rejection after `ms` (the call itself cannot be cancelled). */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Hang(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The async twin of expectOnlyBundleError; a call that never settles fails as a Hang. */
export async function expectOnlyBundleErrorAsync<T>(parser: string, call: () => Promise<T>, onHang?: () => Promise<void>): Promise<T | undefined> {
  countInput(parser);
  const started = performance.now();
  let result: T | undefined;
  try {
    result = await withDeadline(call(), PER_INPUT_BUDGET_MS * 5, parser);
  } catch (err) {
    if (err instanceof Hang) {
      await onHang?.();
      throw err;
    }
    if (!(err instanceof BundleError)) throw new Error(`${parser} threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    expect(err.message).not.toMatch(/[\n\r]/);
  }
  expect(performance.now() - started, `${parser} time on one input`).toBeLessThan(PER_INPUT_BUDGET_MS);
  return result;
}

/** Prints "parser: N inputs" lines, for the closing note. */
export function printCounts(title: string): void {
  const lines = [...inputCounts].map(([parser, n]) => `  ${parser}: ${n} inputs`);
  console.log(`${title}\n${lines.join('\n')}`);
}
