/**
 * Runs one measured command as a child process and reports its wall time and peak resident set
 * size. The peak RSS comes from GNU time (`/usr/bin/time -f %M`, kilobytes) when the machine has
 * it; otherwise a Node child is started with a tiny preload (a data: URL, so it works from src/
 * under vitest as well as from dist/) that writes its own process.resourceUsage().maxRSS at exit. Measuring a child, not the bench process, keeps the
 * bench's own memory (bundles it generated, the replay server) out of the figure.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildMeasure {
  wallMs: number;
  /** Peak RSS in bytes; undefined when neither GNU time nor the Node probe could report it. */
  maxRssBytes: number | undefined;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  /** Where the child's stdout goes: captured (default) or discarded (for multi-GB output). */
  discardStdout?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Force the Node preload probe even when /usr/bin/time exists (tests use it). */
  forceProbe?: boolean;
}

const GNU_TIME = '/usr/bin/time';
const TIME_MARK = '__bench_max_rss_kb=';
const PROBE_SOURCE = "import{writeFileSync}from'node:fs';const t=process.env.BENCH_RSS_FILE;"
  + "if(t)process.on('exit',()=>writeFileSync(t,String(process.resourceUsage().maxRSS)))";
const PROBE = `data:text/javascript,${encodeURIComponent(PROBE_SOURCE)}`;

/** "__bench_max_rss_kb=1234" as GNU time's last stderr line -> bytes; the line is removed from stderr. */
export function takeTimeLine(stderr: string): { stderr: string; maxRssBytes: number | undefined } {
  const at = stderr.lastIndexOf(TIME_MARK);
  if (at === -1) return { stderr, maxRssBytes: undefined };
  const kb = Number.parseInt(stderr.slice(at + TIME_MARK.length), 10);
  return { stderr: stderr.slice(0, at), maxRssBytes: Number.isFinite(kb) ? kb * 1024 : undefined };
}

export async function measureChild(opts: MeasureOptions): Promise<ChildMeasure> {
  const useTime = !opts.forceProbe && existsSync(GNU_TIME);
  const probeFile = join(tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  let command = opts.command;
  let args = [...opts.args];
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (useTime) {
    args = ['-f', `${TIME_MARK}%M`, command, ...args];
    command = GNU_TIME;
  } else if (command === process.execPath || command === 'node') {
    args = ['--import', PROBE, ...args];
    env.BENCH_RSS_FILE = probeFile;
  }
  const started = performance.now();
  const child = spawn(command, args, { cwd: opts.cwd, env, stdio: ['ignore', opts.discardStdout ? 'ignore' : 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < 1_000_000) stdout += d; });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 1_000_000) stderr += d; });
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - started;
  if (useTime) {
    const taken = takeTimeLine(stderr);
    return { wallMs, maxRssBytes: taken.maxRssBytes, exitCode, stdout, stderr: taken.stderr };
  }
  let maxRssBytes: number | undefined;
  if (existsSync(probeFile)) {
    // resourceUsage().maxRSS is in kilobytes, like GNU time's %M.
    const kb = Number.parseInt(readFileSync(probeFile, 'utf8'), 10);
    maxRssBytes = Number.isFinite(kb) ? kb * 1024 : undefined;
    rmSync(probeFile, { force: true });
  }
  return { wallMs, maxRssBytes, exitCode, stdout, stderr };
}
