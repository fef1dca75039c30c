/**
 * Renders one run's results as a Markdown table (readable on a terminal as is, and pasted into
 * docs/performance.md unchanged): every figure beside the baseline measured in the same run.
 */
import { describeExponent, growthExponent, marginalPerUnit } from './growth.js';
import { mib } from './targets.js';
import type { BenchResults, TargetCheck } from './types.js';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function renderResults(results: BenchResults, checks: readonly TargetCheck[]): string {
  const out: string[] = [];
  out.push(`Machine: ${results.cores} cores (${results.cpuModel}), ${mib(results.totalMemBytes)} RAM, Node ${results.node}`);
  out.push('', '### analyze (baseline: `gzip -dc bundle.tar.gz > /dev/null`, same run)', '');
  out.push(table(
    ['nodes', 'workloads per dump', 'bundle (dir)', 'bundle (.tar.gz)', 'floor', 'analyze', 'ratio', 'peak RSS'],
    results.analyze.map((a) => [
      String(a.nodes), String(a.nodes * a.workloadsPerNode), mib(a.dirBytes), mib(a.archiveBytes), s(a.floorMs),
      a.exitCode === 0 ? s(a.wallMs) : `exit ${a.exitCode}`, `${(a.wallMs / a.floorMs).toFixed(1)}x`, mib(a.maxRssBytes),
    ]),
  ));
  if (results.collect.length > 0) {
    out.push('', '### collect against `serve` (20 ms added per call)', '');
    const slowest = new Map<number, number>();
    for (const c of results.collect) if (c.concurrency === 1) slowest.set(c.ztunnels, c.wallMs);
    out.push(table(
      ['ztunnels', 'workloads', 'concurrency', 'wall', 'vs concurrency 1', 'of which collecting', 'peak RSS', 'bundle (.tar.gz)', 'exit'],
      results.collect.map((c) => {
        const base = slowest.get(c.ztunnels);
        return [String(c.ztunnels), String(c.workloads), String(c.concurrency), s(c.wallMs),
          base === undefined ? 'n/a' : `${(base / c.wallMs).toFixed(1)}x faster`, c.collectPhaseMs === undefined ? 'n/a' : s(c.collectPhaseMs), mib(c.maxRssBytes), mib(c.archiveBytes), String(c.exitCode)];
      }),
    ));
  }
  out.push('', '### growth with N', '');
  const ok = results.analyze.filter((a) => a.exitCode === 0);
  // Growth in N only compares bundles with the same workloads per node; growth in bytes uses all.
  const mainW = mostCommon(ok.map((a) => a.workloadsPerNode));
  const sameW = ok.filter((a) => a.workloadsPerNode === mainW);
  const rows: string[][] = [];
  const add = (what: string, points: { n: number; value: number }[]) => {
    const g = growthExponent(points);
    const variable = what.endsWith('bytes') ? 'bytes' : 'N';
    if (g) rows.push([what, describeExponent(g.overall, variable), describeExponent(g.tail, variable)]);
  };
  add(`bundle bytes (dir) vs N (${mainW} workloads per node)`, sameW.map((a) => ({ n: a.nodes, value: a.dirBytes })));
  add('floor (gzip -dc) vs N', sameW.map((a) => ({ n: a.nodes, value: a.floorMs })));
  add('analyze time vs N', sameW.map((a) => ({ n: a.nodes, value: a.wallMs })));
  add('analyze time vs bundle bytes', ok.map((a) => ({ n: a.dirBytes, value: a.wallMs })));
  add('analyze peak RSS vs N', sameW.filter((a) => a.maxRssBytes).map((a) => ({ n: a.nodes, value: a.maxRssBytes! })));
  const bytesByNodes = new Map(ok.map((a) => [a.nodes, a.dirBytes]));
  for (const c of [...new Set(results.collect.map((x) => x.concurrency))]) {
    const pts = results.collect.filter((x) => x.concurrency === c && x.exitCode === 0);
    add(`collect time (concurrency ${c}) vs N`, pts.map((x) => ({ n: x.ztunnels, value: x.wallMs })));
    add(`collect time (concurrency ${c}) vs bundle bytes`, pts.map((x) => ({ n: bytesByNodes.get(x.ztunnels) ?? 0, value: x.wallMs })));
  }
  out.push(table(['cost', 'fit over all sizes', 'between the two largest'], rows));
  const perDir = marginalPerUnit(sameW.map((a) => ({ n: a.nodes, value: a.dirBytes })));
  const perArchive = marginalPerUnit(sameW.map((a) => ({ n: a.nodes, value: a.archiveBytes })));
  if (perDir !== undefined && perArchive !== undefined) {
    const largest = sameW.reduce((m, a) => (a.nodes > m ? a.nodes : m), 0);
    out.push('', `Bundle size per additional ztunnel (between the two largest sizes, up to ${largest} nodes): ${kib(perDir)} uncompressed, ${kib(perArchive)} in the .tar.gz. It grows with N, since each new ztunnel's dump lists the whole cluster.`);
  }
  const d = results.duplication;
  if (d) {
    out.push('', `Duplication in the ${d.nodes}-node bundle: ${mib(d.duplicateFileBytes)} of ${mib(d.totalBytes)} (${pct(d.duplicateFileBytes, d.totalBytes)}) are files identical to another file, `
      + `of which ${mib(d.linkedFileBytes)} (${pct(d.linkedFileBytes, d.duplicateFileBytes)}) are now stored once (hard links; link entries in the .tar.gz); `
      + `workload and service entries across the ztunnel config_dumps take ${mib(d.entryBytes)} (compact JSON), of which ${mib(d.distinctEntryBytes)} are distinct (${pct(d.entryBytes - d.distinctEntryBytes, d.entryBytes)} repeats).`);
  }
  for (const n of results.notRun) out.push('', `Not run: ${n}`);
  out.push('', '### targets (issue 5)', '');
  out.push(table(['target', 'measured', 'status'], checks.map((c) => [c.target, c.measured, c.status === 'missed' ? 'MISSED' : c.status])));
  return `${out.join('\n')}\n`;
}

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(0)}%`;
}
