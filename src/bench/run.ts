/**
 * The benchmark run behind `npm run bench`: generates healthy synthetic bundles of N nodes (src/synth),
 * times `analyze` on each .tar.gz next to `gzip -dc` of the same archive, times `collect` against
 * `serve` of the same bundle with 20 ms added per call at concurrency 1 and the default, and measures
 * the bundle's duplication. The generator writes identical files as hard links, so `tar -czf` and
 * collect both store them once (link entries): the .tar.gz sizes reflect that. Every measured command is a child process (bin/ztunnel-bundle.js), so
 * its peak RSS is its own. Sizes whose bundle would not fit (disk, or the reader's 8 GiB cap) are
 * skipped and listed as not run, never silently.
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundle } from '../bundle/open.js';
import { DEFAULT_LIMITS } from '../bundle/source.js';
import { startReplayServer } from '../serve/server.js';
import { measureDuplication } from './duplication.js';
import { measureChild } from './measure.js';
import type { AnalyzeSample, BenchResults, CollectSample } from './types.js';

export interface BenchOptions {
  /** Node counts for analyze (ascending order is not required). */
  analyzeNodes: number[];
  /** ztunnel counts for collect; each needs a bundle of that many nodes. */
  collectNodes: number[];
  /** Concurrencies collect is measured at for each size (1 and the default for the mid size). */
  collectConcurrency: (ztunnels: number) => number[];
  workloadsPerNode: (nodes: number) => number;
  logLines: number;
  latencyMs: number;
  workDir: string;
  keep: boolean;
  log: (line: string) => void;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'bin', 'ztunnel-bundle.js');
const SYNTH = join(REPO, 'dist', 'synth', 'cli.js');

async function run(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const code = await new Promise<number | null>((resolve, reject) => { child.on('error', reject); child.on('close', resolve); });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${err.trim().slice(0, 500)}`);
}

/**
 * Sum of file sizes under a directory, from `du -sbl` (apparent size) for speed on huge trees. -l
 * counts every name of a hard-linked file (the generator links identical files): what analyze
 * reads, not what the disk holds.
 */
async function dirBytes(dir: string, options: { countLinks: boolean } = { countLinks: true }): Promise<number> {
  const { stdout } = await measureChild({ command: 'du', args: [options.countLinks ? '-sbl' : '-sb', dir], forceProbe: true });
  return Number.parseInt(stdout, 10);
}

interface Prepared {
  nodes: number;
  dir: string;
  archive: string;
  dirBytes: number;
  /** The same, counting each hard-linked file once: what extraction writes. */
  storedBytes: number;
  archiveBytes: number;
}

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  await mkdir(opts.workDir, { recursive: true });
  const results: BenchResults = {
    cores: cpus().length, cpuModel: cpus()[0]?.model.trim() ?? 'unknown', totalMemBytes: totalmem(), node: process.version,
    analyze: [], collect: [], notRun: [],
  };
  const sizes = [...new Set([...opts.analyzeNodes, ...opts.collectNodes])].sort((a, b) => a - b);
  const prepared = new Map<number, Prepared>();
  let previous: Prepared | undefined;
  for (const nodes of sizes) {
    const refusal = await wontFit(nodes, previous, opts);
    if (refusal) {
      results.notRun.push(`${nodes} nodes: ${refusal}`);
      opts.log(`skipping ${nodes} nodes: ${refusal}`);
      continue;
    }
    const p = await prepare(nodes, opts);
    prepared.set(nodes, p);
    previous = p;
    if (opts.analyzeNodes.includes(nodes)) results.analyze.push(await benchAnalyze(p, opts));
    for (const concurrency of opts.collectNodes.includes(nodes) ? opts.collectConcurrency(nodes) : []) {
      results.collect.push(await benchCollect(p, concurrency, opts));
    }
    if (nodes === 100 || (results.duplication === undefined && nodes === sizes[sizes.length - 1])) {
      opts.log(`measuring duplication in the ${nodes}-node bundle`);
      results.duplication = await measureDuplication(p.dir, nodes);
    }
    if (!opts.keep) await rm(p.dir, { recursive: true, force: true });
    if (!opts.keep) await rm(p.archive, { force: true });
  }
  return results;
}

/**
 * Why a size cannot run here, judged from the previous size: the bundle grows with N² (each dump
 * lists every workload), so its size is extrapolated quadratically before anything is written.
 */
async function wontFit(nodes: number, previous: Prepared | undefined, opts: BenchOptions): Promise<string | undefined> {
  if (!previous) return undefined;
  const scale = (nodes / previous.nodes) ** 2 * (opts.workloadsPerNode(nodes) / opts.workloadsPerNode(previous.nodes));
  // The reader caps the bytes stored and, apart, the bytes hard links name again (archive.ts).
  const stored = previous.storedBytes * scale;
  const linked = (previous.dirBytes - previous.storedBytes) * scale;
  const fs = await statfs(opts.workDir);
  const free = fs.bavail * fs.bsize;
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  const cap = DEFAULT_LIMITS.maxTotalBytes;
  if (stored > cap) return `its bundle would store about ${gib(stored)} uncompressed, over the bundle reader's ${gib(cap)} cap (maxTotalBytes), so analyze would refuse it`;
  if (linked > cap) return `its hard links would name about ${gib(linked)}, over the bundle reader's ${gib(cap)} cap for them, so analyze would refuse it`;
  // The directory, its archive and collect's archive must fit together, with room to spare.
  if (stored * 1.5 > free * 0.8) return `its bundle would store about ${gib(stored)}; ${gib(free)} free on ${opts.workDir}`;
  return undefined;
}

async function prepare(nodes: number, opts: BenchOptions): Promise<Prepared> {
  const dir = join(opts.workDir, `bundle-${nodes}`);
  const archive = join(opts.workDir, `bundle-${nodes}.tar.gz`);
  opts.log(`generating ${nodes} nodes x ${opts.workloadsPerNode(nodes)} workloads`);
  await run(process.execPath, [SYNTH, '--nodes', String(nodes), '--workloads-per-node', String(opts.workloadsPerNode(nodes)), '--log-lines', String(opts.logLines), '--out', dir, '--force']);
  await rm(archive, { force: true });
  // --sort=name: the same archive whatever order the file system lists the directory in (a hash
  // order on ext4), with the cluster lists first, as collect writes them (it fetches them first).
  await run('tar', ['--sort=name', '-czf', archive, '-C', opts.workDir, `bundle-${nodes}`]);
  // Flush what generating and packing wrote (13 GiB at 1,000 nodes) before anything is timed:
  // otherwise the kernel's writeback of it slows whichever measurement writes to disk next
  // (analyze extracts; the floor does not), and the comparison would not be like for like.
  await run('sync', []);
  return { nodes, dir, archive, dirBytes: await dirBytes(dir), storedBytes: await dirBytes(dir, { countLinks: false }), archiveBytes: (await stat(archive)).size };
}

/** Runs of the floor and of analyze per size; the fastest of each is reported. */
const TIMED_RUNS = 2;

async function benchAnalyze(p: Prepared, opts: BenchOptions): Promise<AnalyzeSample> {
  opts.log(`timing gzip -dc and analyze on ${p.nodes} nodes (best of ${TIMED_RUNS} each)`);
  // Best of a few runs for both: the first analyze after generating a large bundle pays for the
  // page cache the generator filled (it extracts gigabytes; the floor writes nothing), which moved
  // the 1,000-node figure between 33 s and 43 s from one run to the next.
  const floors: number[] = [];
  const runs: Awaited<ReturnType<typeof measureChild>>[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    floors.push((await measureChild({ command: 'sh', args: ['-c', 'gzip -dc "$0" > /dev/null', p.archive] })).wallMs);
    runs.push(await measureChild({ command: process.execPath, args: [CLI, 'analyze', p.archive, '--fail-on', 'none', '--no-color'], discardStdout: true }));
  }
  const failed = runs.find((r) => r.exitCode !== 0);
  if (failed) opts.log(`analyze ${p.nodes} nodes exited ${failed.exitCode}: ${failed.stderr.trim().slice(0, 300)}`);
  const rss = runs.map((r) => r.maxRssBytes).filter((b): b is number => b !== undefined);
  return {
    nodes: p.nodes, workloadsPerNode: opts.workloadsPerNode(p.nodes), dirBytes: p.dirBytes, archiveBytes: p.archiveBytes,
    floorMs: Math.min(...floors), wallMs: Math.min(...runs.map((r) => r.wallMs)),
    // Memory: the most any run needed.
    maxRssBytes: rss.length > 0 ? Math.max(...rss) : undefined,
    exitCode: failed?.exitCode ?? 0,
  };
}

/** "collect complete: … redacted, 15.4 s; bundle …" -> 15400. */
export function collectPhaseMs(stderr: string): number | undefined {
  const m = /^collect \w+: .*?, (\d+(?:\.\d+)?) s; bundle /m.exec(stderr);
  return m ? Number(m[1]) * 1000 : undefined;
}

async function benchCollect(p: Prepared, concurrency: number, opts: BenchOptions): Promise<CollectSample> {
  opts.log(`collecting ${p.nodes} ztunnels from serve (+${opts.latencyMs} ms per call) at concurrency ${concurrency}`);
  const source = await openBundle(p.dir);
  const server = await startReplayServer({ bundle: source, port: 0, latencyMs: opts.latencyMs });
  const kubeconfig = join(opts.workDir, `kubeconfig-${p.nodes}`);
  const output = join(opts.workDir, `collected-${p.nodes}-c${concurrency}.tar.gz`);
  try {
    await writeFile(kubeconfig, server.kubeconfig(), { mode: 0o600 });
    await rm(output, { force: true });
    const m = await measureChild({ command: process.execPath, args: [CLI, 'collect', '--kubeconfig', kubeconfig, '-o', output, '--concurrency', String(concurrency)] });
    if (m.exitCode !== 0) opts.log(`collect exited ${m.exitCode}: ${m.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 400)}`);
    const archiveBytes = await stat(output).then((s) => s.size, () => 0);
    return { ztunnels: p.nodes, workloads: p.nodes * opts.workloadsPerNode(p.nodes), concurrency, latencyMs: opts.latencyMs, wallMs: m.wallMs, collectPhaseMs: collectPhaseMs(m.stderr), maxRssBytes: m.maxRssBytes, exitCode: m.exitCode, archiveBytes };
  } finally {
    await server.close();
    await source.close();
    await rm(output, { force: true });
    await rm(kubeconfig, { force: true });
  }
}
