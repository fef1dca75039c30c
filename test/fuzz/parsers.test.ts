/**
 * Mutation fuzzing of the whole-file parsers with fast-check: config_dump, Kubernetes lists,
 * istiod's debug views, ready.txt, Prometheus metrics and parseJson itself. Seeds are our fixture
 * bundles' files; inputs are those files with bytes flipped, inserted, deleted, truncated,
 * spliced or repeated (decoded as the bundle reader decodes them, so broken UTF-8 included), and,
 * for JSON, documents with values swapped for ones of the wrong type. Every call must return or
 * throw a one-line BundleError within the per-input budget; a result that says it parsed must
 * have the shape callers rely on.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeText } from '../../src/bundle/limits.js';
import { parseConfigDump } from '../../src/parse/configDump.js';
import { parseAdsz, parseAmbientz, parseIstiodConfigDump, parseSyncz } from '../../src/parse/istiod.js';
import { parseJson } from '../../src/parse/json.js';
import { parseK8sList } from '../../src/parse/k8s.js';
import { parseMetrics } from '../../src/parse/metrics.js';
import { parseReady } from '../../src/parse/ready.js';
import { expectOnlyBundleError, inputCounts, mutatedBytes, mutatedJson, printCounts, seeds, FUZZ_TEST_TIMEOUT_MS } from './mutate.js';

/** Byte-mutation runs per parser; structural JSON runs are half of it. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

afterAll(() => printCounts('fuzz: whole-file parsers'));

interface Target {
  name: string;
  seeds: RegExp;
  json: boolean;
  parse: (text: string, file: string) => unknown;
  /** What a successful result must look like. */
  check: (result: unknown) => void;
}

const isArray = (v: unknown) => expect(Array.isArray(v)).toBe(true);

const targets: Target[] = [
  {
    name: 'parseConfigDump',
    seeds: /^ztunnel\/[^/]+\/config_dump\.json$/,
    json: true,
    parse: parseConfigDump,
    check: (r) => {
      const dump = r as { workloads: unknown; services: unknown; warnings: unknown };
      isArray(dump.workloads);
      isArray(dump.services);
      isArray(dump.warnings);
    },
  },
  {
    name: 'parseK8sList',
    seeds: /^(cluster\/[^/]+\.json|ztunnel\/[^/]+\/pod\.json)$/,
    json: true,
    parse: (text, file) => parseK8sList(text, file),
    check: (r) => {
      const list = r as { items: unknown[]; pointers: unknown[] };
      isArray(list.items);
      expect(list.pointers).toHaveLength(list.items.length);
    },
  },
  { name: 'parseSyncz', seeds: /\/debug\/syncz\.json$/, json: true, parse: parseSyncz, check: (r) => expect(r).toBeTypeOf('object') },
  { name: 'parseAdsz', seeds: /\/debug\/(adsz|connections)\.json$/, json: true, parse: parseAdsz, check: (r) => expect(r).toBeTypeOf('object') },
  { name: 'parseAmbientz', seeds: /\/debug\/ambientz\.json$/, json: true, parse: parseAmbientz, check: (r) => expect(r).toBeTypeOf('object') },
  { name: 'parseIstiodConfigDump', seeds: /\/debug\/config_dump\/[^/]+\.json$/, json: true, parse: parseIstiodConfigDump, check: (r) => expect(r).toBeTypeOf('object') },
  {
    name: 'parseJson',
    seeds: /\.json$/,
    json: true,
    parse: (text, file) => parseJson(text, file),
    check: () => {},
  },
  {
    name: 'parseReady',
    seeds: /\/ready\.txt$/,
    json: false,
    parse: parseReady,
    check: (r) => {
      const probe = r as { status: number; ready: boolean; body: string };
      expect(Number.isInteger(probe.status)).toBe(true);
      expect(probe.body.length).toBeLessThanOrEqual(2000);
    },
  },
  {
    name: 'parseMetrics',
    seeds: /\/metrics\.prom$/,
    json: false,
    parse: parseMetrics,
    check: (r) => isArray(r),
  },
];

describe.each(targets)('$name on mutated real-format input', (target) => {
  const all = seeds(target.seeds);
  const file = `fuzz/${target.name}`;

  it('byte mutations: returns or throws a one-line BundleError, fast', () => {
    fc.assert(
      fc.property(mutatedBytes(all), (bytes) => {
        const result = expectOnlyBundleError(target.name, () => target.parse(decodeText(bytes), file));
        if (result !== undefined) target.check(result);
      }),
      { numRuns: RUNS },
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  if (target.json) it('structural mutations (values of the wrong type, removed keys)', () => {
    fc.assert(
      fc.property(mutatedJson(all), (text) => {
        const result = expectOnlyBundleError(target.name, () => target.parse(text, file));
        if (result !== undefined) target.check(result);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it('the unmutated seeds parse', () => {
    for (const seed of all) expect(() => target.parse(decodeText(seed), file)).not.toThrow();
    expect(inputCounts.get(target.name) ?? 0).toBeGreaterThan(0);
  });
});
