/**
 * The scale generator and the CLI: a 50-node cluster generates in a few seconds with every
 * ztunnel listing all workloads of the cluster, generation is deterministic per seed, and the
 * CLI refuses to write into a non-empty directory without --force.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { cluster, ztunnel } from '../../src/bundle/paths.js';
import { runSynthCli } from '../../src/synth/cli.js';
import { generateBundle } from '../../src/synth/generate.js';
import { scalePreset } from '../../src/synth/presets.js';
import { Rng } from '../../src/synth/random.js';
import { Bundle, listFiles, parseLog } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'synth-scale-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scale generation', () => {
  it('writes 50 nodes x 5 workloads in a few seconds, every ztunnel listing every workload', async () => {
    const out = join(tmp, 'scale50');
    const started = performance.now();
    const result = await generateBundle(scalePreset({ nodes: 50, workloadsPerNode: 5, logLines: 100 }), out);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(8);
    expect(result.manifest.status).toBe('complete');
    const b = new Bundle(out);
    const pods = b.pods();
    const zts = [...b.ztunnelsByNode().values()];
    expect(zts.length).toBe(50);
    expect(pods.filter((p) => p.metadata.namespace === 'apps').length).toBe(250);
    const workloadCount = pods.filter((p) => !p.spec.hostNetwork).length;
    for (const z of [zts[0], zts[17], zts[49]]) {
      const dump = b.json(ztunnel.configDump(z.metadata.name));
      expect(dump.workloads.length).toBe(workloadCount);
      expect(Object.keys(dump.workloadState).length).toBe(5);
      const access = parseLog(b.text(ztunnel.log(z.metadata.name))).filter((l) => l.target === 'access');
      expect(access.length).toBeGreaterThanOrEqual(90);
      expect(access.length).toBeLessThanOrEqual(110);
    }
    expect(b.json(cluster.nodes).items.length).toBe(50);
  });

  it('is deterministic for a seed and changes with it', async () => {
    const spec = (seed: number) => scalePreset({ nodes: 3, workloadsPerNode: 2, logLines: 10, seed });
    await generateBundle(spec(7), join(tmp, 'a'));
    await generateBundle(spec(7), join(tmp, 'b'));
    await generateBundle(spec(8), join(tmp, 'c'));
    const files = listFiles(join(tmp, 'a'));
    for (const f of files) expect(readFileSync(join(tmp, 'b', f)).equals(readFileSync(join(tmp, 'a', f))), f).toBe(true);
    expect(readFileSync(join(tmp, 'c', cluster.pods), 'utf8')).not.toBe(readFileSync(join(tmp, 'a', cluster.pods), 'utf8'));
  });
});

describe('Rng', () => {
  it('gives the same stream for the same seed and label, and valid ids', () => {
    const a = new Rng(42).fork('x');
    const b = new Rng(42).fork('x');
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(new Rng(42).fork('y').nextUint32()).not.toBe(seqA[0]);
    const r = new Rng(1);
    for (let i = 0; i < 200; i++) {
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(BigInt(r.serialDecimal())).toBeLessThan(2n ** 127n);
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5).toBe(true);
    }
  });
});

describe('synth CLI', () => {
  it('writes a preset, refuses a non-empty directory without --force, replaces it with --force', async () => {
    const out = join(tmp, 'cli');
    const first = await runSynthCli(['--preset', 'healthy', '--out', out]);
    expect(first.manifest.status).toBe('complete');
    writeFileSync(join(out, 'stray.txt'), 'left over');
    await expect(runSynthCli(['--preset', 'broken', '--out', out])).rejects.toThrow(/directory is not empty \(use --force/);
    const second = await runSynthCli(['--preset', 'broken', '--out', out, '--force']);
    expect(second.manifest.status).toBe('partial');
    expect(existsSync(join(out, 'stray.txt'))).toBe(false);
  });

  it('writes into an existing empty directory and generates the scale preset from flags', async () => {
    const out = join(tmp, 'cli-scale');
    mkdirSync(out);
    const r = await runSynthCli(['--nodes', '4', '--workloads-per-node', '3', '--log-lines', '20', '--out', out, '--seed', '9']);
    expect(new Bundle(out).pods().filter((p) => p.metadata.namespace === 'apps').length).toBe(12);
    expect(r.files).toBe(listFiles(out).length);
  });

  it('refuses an --out that is a file', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    await expect(runSynthCli(['--preset', 'healthy', '--out', file, '--force'])).rejects.toThrow(/exists and is not a directory/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it.each([
    [['--preset', 'healthy'], /--out is required/],
    [['--preset', 'weird', '--out', 'x'], /--preset: expected healthy or broken, got "weird"/],
    [['--nodes', '0', '--out', 'x'], /--nodes: expected a positive integer, got "0"/],
    [['--nodes', '3', '--workloads-per-node', '300', '--out', 'x'], /at most 240/],
    [['--bogus', '--out', 'x'], /bogus/],
  ])('rejects %j with a usage error', async (args, message) => {
    const err = await runSynthCli(args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
  });
});
