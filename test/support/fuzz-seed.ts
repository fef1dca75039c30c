/**
 * Property and fuzz tests run from a fixed seed in `npm test`, so that CI is reproducible: a run
 * that fails on one commit fails the same way on the next. `npm run fuzz` (scripts/fuzz.mjs) sets
 * FUZZ_SEED=random and many more runs to look for new counterexamples; fast-check prints the seed
 * of a failure, and FUZZ_SEED=<that seed> replays it.
 */
import fc from 'fast-check';

const DEFAULT_SEED = 20261125;
const raw = process.env.FUZZ_SEED ?? String(DEFAULT_SEED);
if (raw !== 'random') {
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer or "random", not ${JSON.stringify(raw)}`);
  fc.configureGlobal({ seed });
}
