/**
 * `ztunnel-bundle collect`: validates the options, loads the kubeconfig, checks the API server
 * answers, then runs one collection (or, with --check, the permission review) and returns the exit
 * code: 0 complete, 3 partial (see manifest.json), 130 interrupted, 2 when it could not start.
 * Ctrl-C once finishes a partial bundle marked interrupted; twice leaves nothing behind.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkPermissions, formatPermissionTable, requiredPermissions } from '../collect/check.js';
import { bundleStamp, collect, type CollectResult } from '../collect/collect.js';
import { parseDurationSeconds } from '../collect/duration.js';
import { KubeClient, loadKubeConfig } from '../collect/kube-client.js';
import { formatBytes, Progress } from '../collect/progress.js';
import { openBundle } from '../bundle/open.js';
import { ExitCode, ToolError, UsageError, errorText } from '../errors.js';
import { scanBundle, type ScanHit } from '../scan/scan.js';
import { toolVersion } from '../util/package.js';

export interface CollectOptions {
  kubeconfig?: string;
  context?: string;
  istioNamespace: string;
  output?: string;
  since?: string;
  focus: string[];
  concurrency: number;
  timeoutMs: number;
  maxLogBytes: number;
  redact: boolean;
  check: boolean;
  /** First abort: finish a partial bundle. Without it, runCollect handles SIGINT itself. */
  signal?: AbortSignal;
  /** Abort after `signal`: discard the archive (a second Ctrl-C). */
  hardSignal?: AbortSignal;
  stderr?: NodeJS.WritableStream;
  /** For --check's table; defaults to process.stdout. */
  stdout?: NodeJS.WritableStream;
  isTTY?: boolean;
}

/**
 * 16: each port-forward is a websocket through the API server to a kubelet, and each log a long
 * streaming request; 16 keeps well under the API server's default max-requests-inflight (400) and
 * per-user priority-and-fairness shares, while already hiding a 20-50 ms round trip (measured in
 * docs/collect.md). istioctl's 32 execs were tuned for much heavier per-pod work.
 */
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_LOG_BYTES = 50 * 1024 ** 2;

export async function runCollect(opts: CollectOptions): Promise<number> {
  const stderr = opts.stderr ?? process.stderr;
  try {
    return await collectCommand(opts, stderr);
  } catch (err) {
    if (err instanceof ToolError) {
      stderr.write(`ztunnel-bundle collect: ${err.message}\n`);
      return ExitCode.usage;
    }
    stderr.write(`ztunnel-bundle collect: ${errorText(err)}\n`);
    return ExitCode.usage;
  }
}

async function collectCommand(opts: CollectOptions, stderr: NodeJS.WritableStream): Promise<number> {
  validate(opts);
  const sinceSeconds = opts.since ? parseDurationSeconds(opts.since) : undefined;
  const kc = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context });
  const signals = opts.signal ? { signal: opts.signal, hardSignal: opts.hardSignal, dispose: () => {} } : sigintSignals(stderr);
  try {
    const clockOffsetMs = await preflight(new KubeClient(kc), opts.timeoutMs, signals.signal);
    if (opts.check) return await runCheck(opts, kc, signals.signal);

    const output = resolve(opts.output ?? `ztunnel-bundle-${bundleStamp(new Date())}.tar.gz`);
    await checkOutput(output);
    const progress = new Progress({ stream: stderr, isTTY: opts.isTTY ?? Boolean((stderr as { isTTY?: boolean }).isTTY) });
    const started = Date.now();
    const result = await collect({
      kc,
      // Whole seconds: the server's clock is only known to the second.
      now: () => new Date(Math.floor((Date.now() + clockOffsetMs) / 1000) * 1000),
      istioNamespace: opts.istioNamespace,
      output,
      ...(sinceSeconds ? { sinceSeconds } : {}),
      focus: opts.focus,
      concurrency: opts.concurrency,
      timeoutMs: opts.timeoutMs,
      maxLogBytes: opts.maxLogBytes,
      redact: opts.redact,
      tool: { name: 'ztunnel-bundle', version: toolVersion() },
      manifestOptions: {
        istioNamespace: opts.istioNamespace,
        ...(opts.since ? { since: opts.since } : {}),
        focus: opts.focus,
        concurrency: opts.concurrency,
        timeoutMs: opts.timeoutMs,
        maxLogBytes: opts.maxLogBytes,
        redact: opts.redact,
      },
      signal: signals.signal,
      ...(signals.hardSignal ? { hardSignal: signals.hardSignal } : {}),
      events: {
        onPlanned: (n) => progress.addTotal(n),
        onStart: (task) => progress.start(task),
        onDone: (record) => progress.finish(record),
        onWarning: (line) => progress.print(`warning: ${line}`),
      },
    });
    progress.clear();
    stderr.write(`${summary(result, Date.now() - started)}\n`);
    if (result.output) printScan(result.scanHits ?? (await scanOwnOutput(result.output)), result.output, opts.redact, stderr);
    return exitCodeFor(result);
  } finally {
    signals.dispose();
  }
}

/**
 * The post-redaction leak check on the bundle just written: redaction by pattern can miss, so
 * what still looks like a secret is listed before the user attaches the bundle anywhere. The
 * collection scans what it writes (collect/output-scan.ts); reading the bundle back is for when
 * only that can tell (an archive over the reader's limits, an overflow of hits).
 */
async function scanOwnOutput(output: string): Promise<ScanHit[]> {
  const bundle = await openBundle(output);
  try {
    return await scanBundle(bundle);
  } finally {
    await bundle.close();
  }
}

function printScan(hits: readonly ScanHit[], output: string, redacted: boolean, stderr: NodeJS.WritableStream): void {
  if (hits.length === 0) {
    stderr.write('scan: no secrets found in the bundle\n');
    return;
  }
  stderr.write(`scan: ${hits.length} possible secret(s) remain${redacted ? '' : ' (collected with --no-redact)'}; check them before sharing the bundle:\n`);
  for (const hit of hits.slice(0, 20)) stderr.write(`  ${hit.file}:${hit.line} ${hit.kind} ${hit.excerpt}\n`);
  if (hits.length > 20) stderr.write(`  … ${hits.length - 20} more: ztunnel-bundle scan ${output}\n`);
}

export function exitCodeFor(result: Pick<CollectResult, 'status'>): number {
  switch (result.status) {
    case 'complete':
      return ExitCode.ok;
    case 'partial':
      return ExitCode.partial;
    default:
      return ExitCode.interrupted;
  }
}

function validate(opts: CollectOptions): void {
  if (!opts.istioNamespace) throw new UsageError('--istio-namespace: must not be empty');
  if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 256) throw new UsageError(`--concurrency: ${opts.concurrency} is not an integer from 1 to 256`);
  if (!(opts.timeoutMs > 0)) throw new UsageError(`--timeout: ${opts.timeoutMs} ms is not a positive duration`);
  if (!Number.isInteger(opts.maxLogBytes) || opts.maxLogBytes < 1024) throw new UsageError(`--max-log-bytes: ${opts.maxLogBytes} is below 1024`);
  for (const entry of opts.focus) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(entry)) throw new UsageError(`--focus: "${entry}" is not NAMESPACE/POD`);
  }
}

/** A cluster we cannot reach or that refuses us is a could-not-start error, not an empty bundle. */
/**
 * Checks the API server answers, and returns how far its clock is from ours (ms). The bundle's
 * collectedAt is in cluster time: certificates are judged against it, so a laptop with a wrong
 * clock (or a replayed cluster, whose clock is the original collection time) must not shift it.
 */
async function preflight(client: KubeClient, timeoutMs: number, signal: AbortSignal): Promise<number> {
  try {
    const before = Date.now();
    const res = await client.get('/version', { timeoutMs, maxBytes: 1024 * 1024, signal });
    const serverTime = res.date ? Date.parse(res.date) : NaN;
    // The Date header has 1 s resolution: offsets under 2 s are noise.
    const offset = Number.isNaN(serverTime) ? 0 : serverTime - Math.round((before + Date.now()) / 2);
    return Math.abs(offset) < 2000 ? 0 : offset;
  } catch (err) {
    throw new UsageError(`cannot reach the API server ${client.server}: ${errorText(err).split('\n')[0]}`);
  }
}

async function checkOutput(output: string): Promise<void> {
  const dir = dirname(output);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) throw new UsageError(`--output: directory ${dir} does not exist`);
  const existing = await stat(output).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--output: ${output} is a directory; give a .tar.gz or .zip file name`);
}

async function runCheck(opts: CollectOptions, kc: ReturnType<typeof loadKubeConfig>, signal: AbortSignal): Promise<number> {
  const results = await checkPermissions(kc, requiredPermissions(opts.istioNamespace), signal);
  const stdout = opts.stdout ?? process.stdout;
  stdout.write(`${formatPermissionTable(results)}\n`);
  const denied = results.filter((r) => !r.allowed).length;
  stdout.write(denied === 0 ? `all ${results.length} permissions allowed\n` : `${denied} of ${results.length} permissions missing: the bundle would be partial (see docs/rbac.yaml)\n`);
  return denied === 0 ? ExitCode.ok : ExitCode.partial;
}

function summary(result: CollectResult, elapsedMs: number): string {
  const count = (s: string): number => result.records.filter((r) => r.status === s).length;
  const redactions = result.records.reduce((n, r) => n + Object.values(r.redactions ?? {}).reduce((a, b) => a + b, 0), 0);
  const where = result.output ? `bundle ${result.output} (${formatBytes(result.archiveBytes)})` : 'interrupted twice: no bundle written';
  return `collect ${result.status}: ${count('ok')} ok, ${count('error')} error, ${count('skipped')} skipped, ${redactions} value(s) redacted, ${(elapsedMs / 1000).toFixed(1)} s; ${where}`;
}

/** SIGINT once: interrupt; twice: discard. Handlers are removed when the command ends. */
function sigintSignals(stderr: NodeJS.WritableStream): { signal: AbortSignal; hardSignal: AbortSignal; dispose(): void } {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSigint = (): void => {
    if (!soft.signal.aborted) {
      stderr.write('\ninterrupted: finishing a partial bundle (Ctrl-C again to discard it)\n');
      soft.abort();
    } else {
      hard.abort();
    }
  };
  process.on('SIGINT', onSigint);
  return { signal: soft.signal, hardSignal: hard.signal, dispose: () => process.off('SIGINT', onSigint) };
}
