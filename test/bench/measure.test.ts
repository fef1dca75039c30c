/**
 * measureChild on real child processes: wall time, exit code, output, and a peak RSS that follows
 * what the child allocated, both through GNU time (when installed) and through the Node preload probe.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { measureChild, takeTimeLine } from '../../src/bench/measure.js';

const MIB = 1024 ** 2;
const allocate = (mib: number) => ({ command: process.execPath, args: ['-e', `const b = Buffer.alloc(${mib} * 1024 * 1024, 1); console.log(b.length); process.exitCode = 3`] });

describe('takeTimeLine', () => {
  it('takes the marker line off stderr and converts kilobytes', () => {
    const got = takeTimeLine('warning: x\n__bench_max_rss_kb=2048\n');
    expect(got).toEqual({ stderr: 'warning: x\n', maxRssBytes: 2 * MIB });
  });
  it('leaves stderr alone without a marker', () => {
    expect(takeTimeLine('boom\n')).toEqual({ stderr: 'boom\n', maxRssBytes: undefined });
  });
});

describe('measureChild', () => {
  it('reports the peak RSS of a Node child through the preload probe', async () => {
    const small = await measureChild({ ...allocate(1), forceProbe: true });
    const big = await measureChild({ ...allocate(150), forceProbe: true });
    expect(big.exitCode).toBe(3);
    expect(big.stdout.trim()).toBe(String(150 * MIB));
    expect(big.maxRssBytes).toBeGreaterThan(150 * MIB);
    expect(small.maxRssBytes).toBeLessThan(big.maxRssBytes! - 100 * MIB);
    expect(big.wallMs).toBeGreaterThan(0);
  });

  it(`reports the peak RSS through ${existsSync('/usr/bin/time') ? 'GNU time' : 'the probe (no /usr/bin/time)'} and keeps stderr clean`, async () => {
    const big = await measureChild(allocate(150));
    expect(big.exitCode).toBe(3);
    expect(big.maxRssBytes).toBeGreaterThan(150 * MIB);
    expect(big.stderr).not.toContain('__bench_max_rss_kb');
  });

  it('times a child that sleeps', async () => {
    const m = await measureChild({ command: process.execPath, args: ['-e', 'setTimeout(() => {}, 300)'], discardStdout: true });
    expect(m.exitCode).toBe(0);
    expect(m.wallMs).toBeGreaterThanOrEqual(290);
    expect(m.stdout).toBe('');
  });
});
