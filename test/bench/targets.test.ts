/**
 * The issue-5 target checks and the printed table, on results shaped like a real run: every target
 * met, each one missed in turn, and sizes not run reported as "not measured" rather than met.
 */
import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../src/bench/targets.js';
import { renderResults } from '../../src/bench/table.js';
import type { AnalyzeSample, BenchResults, CollectSample } from '../../src/bench/types.js';

const MIB = 1024 ** 2;

function analyze(nodes: number, over: Partial<AnalyzeSample> = {}): AnalyzeSample {
  // Bytes grow with N² (every dump lists every workload); time linearly with the bytes.
  const dirBytes = 15_000 * nodes * nodes;
  return { nodes, workloadsPerNode: 5, dirBytes, archiveBytes: dirBytes / 18, floorMs: dirBytes / 200_000, wallMs: dirBytes / 150_000, maxRssBytes: 300 * MIB, exitCode: 0, ...over };
}

function collect(ztunnels: number, concurrency: number, over: Partial<CollectSample> = {}): CollectSample {
  const base = 15 * 15_000 * ztunnels * ztunnels / 1_000_000;
  return { ztunnels, workloads: ztunnels * 5, concurrency, latencyMs: 20, wallMs: concurrency === 1 ? base * 10 : base, collectPhaseMs: concurrency === 1 ? base * 9 : base * 0.6, maxRssBytes: 400 * MIB, exitCode: 0, archiveBytes: 1000, ...over };
}

function results(over: Partial<BenchResults> = {}): BenchResults {
  return {
    cores: 2, cpuModel: 'test cpu', totalMemBytes: 24 * 1024 * MIB, node: 'v20.19.0',
    analyze: [analyze(10), analyze(100), analyze(1000)],
    collect: [collect(100, 1), collect(100, 16), collect(1000, 16)],
    notRun: [],
    ...over,
  };
}

const statusOf = (r: BenchResults, fragment: string) => checkTargets(r, 16).find((c) => c.target.includes(fragment))?.status;

describe('checkTargets', () => {
  it('meets every target on a run that is within them', () => {
    const checks = checkTargets(results(), 16);
    expect(checks.filter((c) => c.status !== 'met')).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(8);
  });

  it('misses the floor target when analyze takes more than twice the decompression', () => {
    const r = results({ analyze: [analyze(10), analyze(100, { wallMs: 3 * analyze(100).floorMs }), analyze(1000)] });
    expect(statusOf(r, 'analyze 100 nodes within 2x')).toBe('missed');
    expect(statusOf(r, 'analyze 1000 nodes within 2x')).toBe('met');
  });

  it('misses the memory targets at 1 GiB and above', () => {
    const r = results({ analyze: [analyze(10), analyze(100), analyze(1000, { maxRssBytes: 1024 * MIB })], collect: [collect(100, 1), collect(100, 16), collect(1000, 16, { maxRssBytes: 2048 * MIB })] });
    expect(statusOf(r, 'analyze peak RSS')).toBe('missed');
    expect(statusOf(r, 'collect 1,000 ztunnels')).toBe('missed');
  });

  it('misses the collect targets: 15 s, the 8x speed-up, a failed collect', () => {
    const slow = results({ collect: [collect(100, 1, { wallMs: 160_000 }), collect(100, 16, { wallMs: 16_000 })] });
    expect(statusOf(slow, 'under 15 s')).toBe('missed');
    expect(statusOf(slow, '8x faster')).toBe('met');
    const flat = results({ collect: [collect(100, 1, { wallMs: 50_000 }), collect(100, 16, { wallMs: 10_000 })] });
    expect(statusOf(flat, '8x faster')).toBe('missed');
    const failed = results({ collect: [collect(100, 1), collect(100, 16, { exitCode: 3 })] });
    expect(statusOf(failed, 'at concurrency 16 completes')).toBe('missed');
  });

  it('misses the growth target when analyze time turns quadratic in the bytes', () => {
    const quad = results({ analyze: [analyze(10), analyze(100), analyze(1000, { wallMs: analyze(1000).wallMs * 10 })] });
    expect(statusOf(quad, 'analyze time grows linearly')).toBe('missed');
  });

  it('says "not measured", never "met", for sizes that were not run', () => {
    const r = results({ analyze: [analyze(10), analyze(100)], collect: [collect(100, 1), collect(100, 16)], notRun: ['1000 nodes: too big'] });
    expect(statusOf(r, 'analyze 1000 nodes within 2x')).toBe('not measured');
    expect(statusOf(r, 'analyze peak RSS')).toBe('not measured');
    expect(statusOf(r, 'collect 1,000 ztunnels')).toBe('not measured');
    expect(statusOf(r, 'analyze 100 nodes within 2x')).toBe('met');
  });
});

describe('renderResults', () => {
  it('prints each figure beside its baseline, the growth, the targets and what was not run', () => {
    const r = results({ notRun: ['3000 nodes: over the cap'], duplication: { nodes: 100, duplicateFileBytes: 50 * MIB, linkedFileBytes: 40 * MIB, totalBytes: 150 * MIB, entryBytes: 80 * MIB, distinctEntryBytes: 1 * MIB } });
    r.analyze[1] = analyze(100, { floorMs: 1000, wallMs: 3000, maxRssBytes: 512 * MIB });
    const text = renderResults(r, checkTargets(r, 16));
    expect(text).toContain('2 cores');
    expect(text).toMatch(/\| 100 +\| 500 +\|.*\| 1\.00 s +\| 3\.00 s +\| 3\.0x +\| 512 MiB/);
    expect(text).toMatch(/\| 100 +\| 500 +\| 16 +\| 2\.25 s +\| 10\.0x faster +\| 1\.35 s /);
    expect(text).toContain('analyze time vs bundle bytes');
    expect(text).toMatch(/analyze time vs bundle bytes +\| bytes\^/);
    expect(text).toContain('bundle bytes (dir) vs N (5 workloads per node) | N^2.00 (quadratic)');
    expect(text).toContain('33%) are files identical to another file, of which 40 MiB (80%) are now stored once');
    expect(text).toContain('(99% repeats)');
    expect(text).toContain('Not run: 3000 nodes: over the cap');
    expect(text).toMatch(/analyze 100 nodes within 2x.*\| MISSED/);
    expect(text).toMatch(/Bundle size per additional ztunnel .*: 16(\d{3}) KiB uncompressed/);
  });
});
