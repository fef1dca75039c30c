#!/usr/bin/env node
// Runs the vitest suite and ends with a plain "N passed, N failed, N skipped" line, which CI
// harnesses read (vitest's own summary is not in a format they know). Exit code is vitest's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const resultsDir = '.test-results';
mkdirSync(resultsDir, { recursive: true });
const jsonFile = join(resultsDir, 'vitest.json');
const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)];
const run = spawnSync('npx', args, { stdio: 'inherit' });
let summary = 'tests: 0 passed, 0 failed';
try {
  const r = JSON.parse(readFileSync(jsonFile, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : '');
} catch {
  // vitest did not write results (crashed before running): the exit code below says so.
}
console.log(summary);
process.exit(run.status ?? 1);
