/**
 * The targets of issue 5, checked against one run's results. A target whose size was not run is
 * "not measured", never "met": the table says so and the bench names the flag that would run it.
 */
import { growthExponent } from './growth.js';
import type { AnalyzeSample, BenchResults, CollectSample, TargetCheck, TargetStatus } from './types.js';

const GIB = 1024 ** 3;
const FULL_NODES = 1000;
const MID_NODES = 100;
/** An exponent up to this counts as linear (timer noise and fixed costs move it a little). */
export const LINEAR_TOLERANCE = 1.15;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const mib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 ** 2).toFixed(0)} MiB`);
const status = (ok: boolean): TargetStatus => (ok ? 'met' : 'missed');

function analyzeAt(results: BenchResults, nodes: number): AnalyzeSample | undefined {
  return results.analyze.find((a) => a.nodes === nodes && a.exitCode === 0);
}

function collectAt(results: BenchResults, ztunnels: number, concurrency: number): CollectSample | undefined {
  return results.collect.find((c) => c.ztunnels === ztunnels && c.concurrency === concurrency);
}

function floorCheck(sample: AnalyzeSample | undefined, nodes: number): TargetCheck {
  const target = `analyze ${nodes} nodes within 2x of the decompression floor`;
  if (!sample) return { target, measured: `${nodes}-node bundle not run`, status: 'not measured' };
  const ratio = sample.wallMs / sample.floorMs;
  return { target, measured: `${seconds(sample.wallMs)} vs floor ${seconds(sample.floorMs)} (${ratio.toFixed(1)}x)`, status: status(ratio <= 2) };
}

export function checkTargets(results: BenchResults, defaultConcurrency: number): TargetCheck[] {
  const checks: TargetCheck[] = [floorCheck(analyzeAt(results, MID_NODES), MID_NODES), floorCheck(analyzeAt(results, FULL_NODES), FULL_NODES)];

  const full = analyzeAt(results, FULL_NODES);
  checks.push(full
    ? { target: 'analyze peak RSS under 1 GiB on 1,000 nodes', measured: mib(full.maxRssBytes), status: status(full.maxRssBytes !== undefined && full.maxRssBytes < GIB) }
    : { target: 'analyze peak RSS under 1 GiB on 1,000 nodes', measured: '1,000-node bundle not run', status: 'not measured' });
  for (const a of results.analyze.filter((s) => s.exitCode !== 0)) {
    checks.push({ target: `analyze ${a.nodes} nodes completes`, measured: `exit code ${a.exitCode}`, status: 'missed' });
  }

  const fast = collectAt(results, MID_NODES, defaultConcurrency);
  const slow = collectAt(results, MID_NODES, 1);
  checks.push(fast
    ? { target: `collect ${MID_NODES} ztunnels under 15 s at concurrency ${defaultConcurrency}`, measured: `${seconds(fast.wallMs)}, exit ${fast.exitCode}`, status: status(fast.wallMs < 15_000 && fast.exitCode === 0) }
    : { target: `collect ${MID_NODES} ztunnels under 15 s at concurrency ${defaultConcurrency}`, measured: 'not run', status: 'not measured' });
  checks.push(fast && slow
    ? { target: `collect ${MID_NODES} ztunnels at least 8x faster at concurrency ${defaultConcurrency} than at 1`, measured: `${(slow.wallMs / fast.wallMs).toFixed(1)}x`, status: status(slow.wallMs / fast.wallMs >= 8) }
    : { target: `collect ${MID_NODES} ztunnels at least 8x faster at concurrency ${defaultConcurrency} than at 1`, measured: 'not run', status: 'not measured' });
  const big = collectAt(results, FULL_NODES, defaultConcurrency);
  checks.push(big
    ? { target: 'collect 1,000 ztunnels completes with peak RSS under 1 GiB', measured: `${seconds(big.wallMs)}, ${mib(big.maxRssBytes)}, exit ${big.exitCode}`, status: status(big.exitCode === 0 && big.maxRssBytes !== undefined && big.maxRssBytes < GIB) }
    : { target: 'collect 1,000 ztunnels completes with peak RSS under 1 GiB', measured: '1,000-ztunnel collect not run', status: 'not measured' });
  for (const c of results.collect.filter((s) => s.exitCode !== 0)) {
    checks.push({ target: `collect ${c.ztunnels} ztunnels at concurrency ${c.concurrency} completes`, measured: `exit code ${c.exitCode}`, status: 'missed' });
  }
  checks.push(...growthChecks(results, defaultConcurrency));
  return checks;
}

/**
 * Growth is judged against the bundle's bytes, not N: every dump lists the whole cluster, so the
 * data itself grows with N², and only work per byte can be required to stay linear.
 */
function growthChecks(results: BenchResults, defaultConcurrency: number): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ok = results.analyze.filter((a) => a.exitCode === 0);
  const time = growthExponent(ok.map((a) => ({ n: a.dirBytes, value: a.wallMs })));
  const target = 'analyze time grows linearly (or better) with the bundle bytes';
  checks.push(time
    ? { target, measured: `bytes^${time.tail.toFixed(2)} between the two largest bundles`, status: status(time.tail <= LINEAR_TOLERANCE) }
    : { target, measured: 'fewer than two bundle sizes', status: 'not measured' });
  const coll = results.collect.filter((c) => c.concurrency === defaultConcurrency && c.exitCode === 0);
  const archive = new Map(ok.map((a) => [a.nodes, a.dirBytes]));
  const cGrowth = growthExponent(coll.map((c) => ({ n: archive.get(c.ztunnels) ?? 0, value: c.wallMs })));
  const ctarget = 'collect time grows linearly (or better) with the bundle bytes';
  checks.push(cGrowth
    ? { target: ctarget, measured: `bytes^${cGrowth.tail.toFixed(2)} between the two largest clusters`, status: status(cGrowth.tail <= LINEAR_TOLERANCE) }
    : { target: ctarget, measured: 'fewer than two cluster sizes', status: 'not measured' });
  return checks;
}
