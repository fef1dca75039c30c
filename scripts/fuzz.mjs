#!/usr/bin/env node
// A longer fuzz campaign than `npm test` runs: random seeds and FUZZ_RUNS (default 20000) inputs
// spread over the suites in test/fuzz. A failure prints its seed; replay it with
// FUZZ_SEED=<seed> FUZZ_RUNS=<runs> npx vitest run test/fuzz. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, FUZZ_SEED: process.env.FUZZ_SEED ?? 'random', FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20000', FUZZ_TIMEOUT_MS: process.env.FUZZ_TIMEOUT_MS ?? '3600000' };
console.log(`fuzz: FUZZ_SEED=${env.FUZZ_SEED} FUZZ_RUNS=${env.FUZZ_RUNS}`);
const run = spawnSync('npx', ['vitest', 'run', 'test/fuzz', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
