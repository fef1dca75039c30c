#!/usr/bin/env node
// Build step (after tsc): the built-in rules parsed and schema-checked once, for analyze's start
// (src/rules/snapshot.ts). Never fails the build: without a snapshot, rules are parsed at run time.
const { writeRuleSnapshot } = await import('../dist/rules/snapshot-write.js');
const result = await writeRuleSnapshot();
if (!result.written) console.error(`rule snapshot not written: ${result.problems} problem(s) in the built-in rules (analyze reports them)`);
