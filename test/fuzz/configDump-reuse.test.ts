/**
 * Differential fuzzing of ConfigDumpParser against parseConfigDump. The reusing parser first sees
 * the unmutated dumps (so their sections are known), then each mutated dump: whatever the damage
 * (inside a known section, beside it, or a section that only looks known), both must agree on the
 * dump or on the error, and on the line of every citable pointer.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { decodeText } from '../../src/bundle/limits.js';
import { ConfigDumpParser } from '../../src/parse/configDump-reuse.js';
import { expectSameAsOrdinary } from '../support/dump-equivalence.js';
import { FUZZ_TEST_TIMEOUT_MS, mutatedBytes, mutatedJson, seeds } from './mutate.js';

const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1500) / 5);
const FILE = 'ztunnel/ztunnel-fuzz/config_dump.json';
const dumps = seeds(/^ztunnel\/[^/]+\/config_dump\.json$/);

function primedParser(): ConfigDumpParser {
  const parser = new ConfigDumpParser();
  for (const seed of dumps) parser.parse(decodeText(seed), FILE);
  return parser;
}

describe('ConfigDumpParser agrees with parseConfigDump on mutated dumps', () => {
  it('byte mutations', () => {
    const parser = primedParser();
    fc.assert(fc.property(mutatedBytes(dumps), (bytes) => void expectSameAsOrdinary(parser, decodeText(bytes), FILE)), { numRuns: RUNS });
  }, FUZZ_TEST_TIMEOUT_MS);

  it('structural mutations', () => {
    const parser = primedParser();
    fc.assert(fc.property(mutatedJson(dumps), (text) => void expectSameAsOrdinary(parser, text, FILE)), { numRuns: RUNS });
  }, FUZZ_TEST_TIMEOUT_MS);
});
