#!/usr/bin/env node
// `npm run bench`: speed and scale benchmarks of issue 5 (not tests; never part of `npm test`).
// Builds dist/, then runs src/bench/run.ts and prints the table with each figure beside its baseline
// from the same run. Exits 1 when a target is missed, 2 on a usage or run error.
//   --quick        10 and 100 nodes only (about 3 minutes here)
//   --full         adds 300 and 1,000 nodes at 5 workloads each (sizes that do not fit are listed as not run)
//   --keep         keep the generated bundles in --work
//   --work DIR     scratch directory (default: $TMPDIR/ztunnel-bundle-bench)
//   --json FILE    also write the raw results as JSON
//   --markdown FILE also write the table as Markdown
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

let values;
try {
  ({ values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false }, full: { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
      work: { type: 'string' }, json: { type: 'string' }, markdown: { type: 'string' },
    },
    strict: true,
  }));
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(2);
}

const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(2);

const { runBench } = await import('../dist/bench/run.js');
const { checkTargets } = await import('../dist/bench/targets.js');
const { renderResults } = await import('../dist/bench/table.js');
const { DEFAULT_CONCURRENCY } = await import('../dist/commands/collect.js');

// The issue's sizes: 100 ztunnels with 2,000 workloads (20 per node), 1,000 nodes with 5 each.
const workloadsPerNode = (nodes) => (nodes <= 100 ? 20 : 5);
const analyzeNodes = values.quick ? [10, 100] : values.full ? [10, 50, 100, 300, 1000] : [10, 50, 100];
const collectNodes = values.quick ? [100] : values.full ? [10, 50, 100, 300, 1000] : [10, 50, 100];
const collectConcurrency = (n) => (n === 100 ? [1, DEFAULT_CONCURRENCY] : [DEFAULT_CONCURRENCY]);

const started = Date.now();
const log = (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
let results;
try {
  results = await runBench({
    analyzeNodes, collectNodes, collectConcurrency, workloadsPerNode, logLines: 100, latencyMs: 20,
    workDir: values.work ?? join(tmpdir(), 'ztunnel-bundle-bench'), keep: values.keep, log,
  });
} catch (err) {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
const checks = checkTargets(results, DEFAULT_CONCURRENCY);
const text = renderResults(results, checks);
process.stdout.write(`\n${text}\nBench run took ${((Date.now() - started) / 1000).toFixed(0)} s.\n`);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ results, checks }, null, 2)}\n`);
if (values.markdown) writeFileSync(values.markdown, text);
const missed = checks.filter((c) => c.status === 'missed');
if (missed.length > 0) {
  process.stderr.write(`bench: ${missed.length} target(s) missed:\n${missed.map((c) => `  - ${c.target}: ${c.measured}`).join('\n')}\n`);
  process.exit(1);
}
