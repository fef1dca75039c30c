/**
 * Entry point of the synthetic bundle generator:
 *   node dist/synth/cli.js --preset healthy|broken --out DIR [--force]
 *   node dist/synth/cli.js --nodes N --workloads-per-node W --log-lines L --out DIR [--seed S] [--force]
 * Parsing and the overwrite guard live in runSynthCli so tests can call it; this file's bottom
 * lines only run it when executed directly, and report errors as one line with an exit code.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ToolError, UsageError, errorText } from '../errors.js';
import { generateBundle, type GenerateResult } from './generate.js';
import { brokenPreset, healthyPreset, scalePreset } from './presets.js';
import type { ClusterSpec } from './spec.js';

const USAGE = 'usage: synth --preset healthy|broken --out DIR [--force]\n'
  + '       synth --nodes N --workloads-per-node W --log-lines L --out DIR [--seed S] [--force]';

function positiveInt(flag: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${flag} is required\n${USAGE}`);
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag}: expected a positive integer, got "${value}"`);
  return n;
}

export function specFromArgs(args: string[]): { spec: ClusterSpec; out: string; force: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        preset: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean', default: false },
        nodes: { type: 'string' }, 'workloads-per-node': { type: 'string' }, 'log-lines': { type: 'string' }, seed: { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(`${errorText(err)}\n${USAGE}`);
  }
  if (!values.out) throw new UsageError(`--out is required\n${USAGE}`);
  let spec: ClusterSpec;
  if (values.preset !== undefined) {
    if (values.nodes !== undefined) throw new UsageError('--preset and --nodes cannot be combined');
    if (values.preset === 'healthy') spec = healthyPreset();
    else if (values.preset === 'broken') spec = brokenPreset();
    else throw new UsageError(`--preset: expected healthy or broken, got "${values.preset}"`);
  } else {
    const nodes = positiveInt('nodes', values.nodes);
    const workloadsPerNode = positiveInt('workloads-per-node', values['workloads-per-node'], 5);
    if (workloadsPerNode > 240) throw new UsageError('--workloads-per-node: at most 240 (one /24 pod CIDR per node)');
    spec = scalePreset({
      nodes, workloadsPerNode, logLines: positiveInt('log-lines', values['log-lines'], 100),
      seed: values.seed === undefined ? 1 : positiveInt('seed', values.seed),
    });
  }
  return { spec, out: resolve(values.out), force: values.force ?? false };
}

export async function runSynthCli(args: string[]): Promise<GenerateResult & { out: string }> {
  const { spec, out, force } = specFromArgs(args);
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${out}: exists and is not a directory`);
  if (existsSync(out) && (await readdir(out)).length > 0) {
    if (!force) throw new UsageError(`${out}: directory is not empty (use --force to replace its contents)`);
    await rm(out, { recursive: true, force: true });
  }
  return { ...(await generateBundle(spec, out)), out };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  runSynthCli(process.argv.slice(2)).then(
    (r) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`wrote ${r.files} files to ${r.out} in ${seconds}s (manifest status ${r.manifest.status})\n`);
    },
    (err: unknown) => {
      process.stderr.write(`synth: ${errorText(err)}\n`);
      process.exitCode = err instanceof ToolError ? err.exitCode : 1;
    },
  );
}
