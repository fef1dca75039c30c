/**
 * One collection, start to finish: discover the pods, plan every artifact, run them under one
 * concurrency limit, then write manifest.json and finish the archive (temp file, then rename).
 * An interrupt (`signal`) stops new work, cancels what is in flight and still finishes a valid,
 * partial bundle marked "interrupted"; a second one (`hardSignal`) discards the archive instead.
 */
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ArtifactRecord, Manifest } from '../bundle/manifest.js';
import { resolveLimits } from '../bundle/limits.js';
import { MANIFEST } from '../bundle/paths.js';
import { DEFAULT_LIMITS } from '../bundle/source.js';
import type { ScanHit } from '../scan/scan.js';
import type { ArtifactTask, CollectContext } from './artifact.js';
import { BundleWriter, formatForOutput } from './bundle-writer.js';
import { OutputScan } from './output-scan.js';
import { RedactionMemo } from './redact-payload.js';
import { RedactPool } from './redact-pool.js';
import { KubeClient } from './kube-client.js';
import { clusterTasks, podsListTask } from './list-tasks.js';
import { cniTasks, istiodTasks, ztunnelTasks } from './pod-tasks.js';
import { discoverPods, onNodes, podRefs, resolveFocus, revisionsOf, type PodRef } from './pods.js';
import { TaskRunner, type RunnerEvents } from './runner.js';
import type { RetryOptions } from './retry.js';

export interface CollectRunOptions {
  kc: KubeConfig;
  istioNamespace: string;
  output: string;
  sinceSeconds?: number;
  focus: readonly string[];
  concurrency: number;
  timeoutMs: number;
  maxLogBytes: number;
  maxResponseBytes?: number;
  redact: boolean;
  tool: { name: string; version: string };
  /** Recorded in the manifest as given (no secrets: paths and numbers only). */
  manifestOptions?: Record<string, unknown>;
  signal?: AbortSignal;
  hardSignal?: AbortSignal;
  retry?: Omit<RetryOptions, 'signal'>;
  events?: RunnerEvents & { onPlanned?(count: number): void; onWarning?(line: string): void };
  now?: () => Date;
}

export interface CollectResult {
  /** Undefined when the archive was discarded (second interrupt). */
  output?: string;
  /**
   * The leak scan of the archive, done while writing it: the hits scanBundle finds in it.
   * Undefined when only reading the archive back can tell (see output-scan.ts), or no archive.
   */
  scanHits?: ScanHit[];
  status: Manifest['status'] | 'discarded';
  records: ArtifactRecord[];
  archiveBytes: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 ** 2;

export function bundleStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

const VERSION_PATH = 'cluster/version.json';

export async function collect(options: CollectRunOptions): Promise<CollectResult> {
  const startedAt = (options.now ?? (() => new Date()))();
  const spoolDir = await mkdtemp(join(tmpdir(), 'ztunnel-bundle-'));
  const redactPool = new RedactPool();
  const scanSettings = { maxTextBytes: readerMaxTextBytes() };
  const scan = new OutputScan({ settings: scanSettings, pool: redactPool });
  const writer = new BundleWriter({ output: options.output, format: formatForOutput(options.output), topFolder: `ztunnel-bundle-${bundleStamp(startedAt)}`, date: startedAt, scan });
  const interrupt = new AbortController();
  // Every in-flight request listens on this one signal; with concurrency 16+ node would warn.
  setMaxListeners(0, interrupt.signal);
  const onInterrupt = (): void => interrupt.abort();
  options.signal?.addEventListener('abort', onInterrupt, { once: true });
  if (options.signal?.aborted) onInterrupt();
  const ctx: CollectContext = {
    kc: options.kc,
    client: new KubeClient(options.kc),
    timeoutMs: options.timeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    maxLogBytes: options.maxLogBytes,
    ...(options.sinceSeconds ? { sinceSeconds: options.sinceSeconds } : {}),
    redact: options.redact,
    largeBodies: { pool: redactPool, memo: new RedactionMemo(), scan: scanSettings },
    spoolDir,
    signal: interrupt.signal,
  };
  const runner = new TaskRunner({ ctx, writer, concurrency: options.concurrency, events: options.events, ...(options.retry ? { retry: options.retry } : {}) });

  const discard = async (): Promise<CollectResult> => {
    interrupt.abort();
    await writer.discard();
    return { status: 'discarded', records: runner.records, archiveBytes: 0 };
  };
  const hard = new Promise<'hard'>((resolve) => {
    if (options.hardSignal?.aborted) resolve('hard');
    options.hardSignal?.addEventListener('abort', () => resolve('hard'), { once: true });
  });

  try {
    const work = (async () => {
      const tasks = await planTasks(options, ctx, runner);
      options.events?.onPlanned?.(tasks.length);
      // Only cluster/version.json is read back (for the manifest); every other payload is released once archived.
      const payloads = await runner.runAll(tasks, { keep: (task) => task.path === VERSION_PATH });
      return { tasks, payloads };
    })();
    const outcome = await Promise.race([work, hard]);
    if (outcome === 'hard') {
      work.catch(() => {});
      return await discard();
    }
    const manifest = buildManifest(options, startedAt, runner.records, interrupt.signal.aborted, versionOf(outcome.tasks, outcome.payloads));
    writer.addBuffer(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
    const finishing = writer.finish();
    const finished = await Promise.race([finishing, hard]);
    if (finished === 'hard') {
      finishing.catch(() => {});
      return await discard();
    }
    const scanHits = await scan.result();
    return { output: options.output, status: manifest.status, records: runner.records, archiveBytes: finished, ...(scanHits ? { scanHits } : {}) };
  } catch (err) {
    await writer.discard();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onInterrupt);
    await redactPool.close();
    await rm(spoolDir, { recursive: true, force: true });
  }
}

/** Fetches the pod list (itself an artifact), then plans every other artifact from it. */
async function planTasks(options: CollectRunOptions, ctx: CollectContext, runner: TaskRunner): Promise<ArtifactTask[]> {
  options.events?.onPlanned?.(1);
  const [podsPayload] = await runner.runAll([podsListTask]);
  let all: PodRef[] = [];
  if (podsPayload?.kind === 'bytes') {
    try {
      all = podRefs(JSON.parse(podsPayload.data.toString('utf8')));
    } catch {
      options.events?.onWarning?.('cluster/pods.json is not JSON; no per-pod artifacts can be planned');
    }
  }
  const pods = discoverPods(all, options.istioNamespace);
  const focus = resolveFocus(options.focus, all);
  for (const entry of focus.unresolved) options.events?.onWarning?.(`--focus ${entry}: no such pod with a node; ignored`);
  const nodes = focus.nodes && focus.nodes.size > 0 ? focus.nodes : undefined;
  if (focus.nodes && !nodes) options.events?.onWarning?.('--focus matched no scheduled pod; collecting from every node');
  const ztunnels = onNodes(pods.ztunnels, nodes);
  if (ztunnels.length === 0 && !ctx.signal.aborted) options.events?.onWarning?.(`no ztunnel pods (label app=ztunnel) in ${options.istioNamespace} or kube-system`);
  return [
    ...clusterTasks({ istioNamespace: options.istioNamespace, eventNamespaces: focus.namespaces, revisions: revisionsOf(pods.istiods) }),
    ...ztunnels.flatMap((p) => ztunnelTasks(p)),
    ...pods.istiods.flatMap((p) => istiodTasks(p, ztunnels)),
    ...onNodes(pods.cniNodes, nodes).flatMap((p) => cniTasks(p)),
  ];
}

/** The bundle reader's limit for whole-file reads, which decides how the scan reads large JSON files. */
function readerMaxTextBytes(): number {
  try {
    return resolveLimits().maxTextBytes;
  } catch {
    // A bad ZTUNNEL_BUNDLE_LIMITS: the scan's result is not used (output-scan.ts reads the archive back).
    return DEFAULT_LIMITS.maxTextBytes;
  }
}

function versionOf(tasks: readonly ArtifactTask[], payloads: readonly (import('./artifact.js').Payload | undefined)[]): string | undefined {
  const i = tasks.findIndex((t) => t.path === VERSION_PATH);
  const p = payloads[i];
  if (p?.kind !== 'bytes') return undefined;
  try {
    const v = (JSON.parse(p.data.toString('utf8')) as { gitVersion?: unknown }).gitVersion;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function buildManifest(options: CollectRunOptions, startedAt: Date, records: ArtifactRecord[], interrupted: boolean, kubernetesVersion: string | undefined): Manifest {
  const failed = records.some((r) => r.status === 'error');
  const context = options.kc.getCurrentContext();
  return {
    schemaVersion: '1',
    tool: options.tool,
    // Whole seconds, like the API server's clock it comes from.
    collectedAt: startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    completedAt: new Date().toISOString(),
    status: interrupted ? 'interrupted' : failed ? 'partial' : 'complete',
    cluster: { ...(context ? { context } : {}), ...(kubernetesVersion ? { kubernetesVersion } : {}) },
    ...(options.manifestOptions ? { options: options.manifestOptions } : {}),
    artifacts: [...records].sort((a, b) => a.path.localeCompare(b.path)),
  };
}
