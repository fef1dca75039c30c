/**
 * Test helper: serve a bundle directory with the replay server, write its kubeconfig to a file,
 * run `collect` against it and open what came out.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Manifest } from '../../src/bundle/manifest.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { type CollectOptions, runCollect } from '../../src/commands/collect.js';
import type { Fault } from '../../src/serve/faults.js';
import { startReplayServer } from '../../src/serve/server.js';
import { type ClusterBundle, clusterFiles, makeClusterBundle } from './fixture.js';

export interface CollectRun {
  code: number;
  stderr: string;
  dir: string;
  output: string;
  /** Names left in the output directory (to prove no temporary file stays behind). */
  leftovers: string[];
  source: ClusterBundle;
  open(): Promise<{ bundle: BundleSource; manifest: Manifest }>;
  cleanup(): Promise<void>;
}

export interface RunOptions {
  files?: Record<string, string>;
  faults?: Fault[];
  latencyMs?: number;
  outputName?: string;
  collect?: Partial<CollectOptions>;
  /** Called once the server is up, e.g. to schedule an interrupt. */
  during?: () => void;
}

export async function collectFromReplay(options: RunOptions = {}): Promise<CollectRun> {
  const source = await makeClusterBundle(options.files ?? clusterFiles());
  const server = await startReplayServer({ bundle: source.bundle, port: 0, faults: options.faults ?? [], latencyMs: options.latencyMs ?? 0 });
  const dir = await mkdtemp(join(tmpdir(), 'collect-out-'));
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfig, server.kubeconfig(), { mode: 0o600 });
  const output = join(dir, options.outputName ?? 'bundle.tar.gz');
  let stderr = '';
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      stderr += chunk.toString();
      cb();
    },
  });
  options.during?.();
  let code: number;
  try {
    code = await runCollect({
      kubeconfig,
      istioNamespace: 'istio-system',
      output,
      focus: [],
      concurrency: 16,
      timeoutMs: 5000,
      maxLogBytes: 1 << 20,
      redact: true,
      check: false,
      stderr: sink,
      isTTY: false,
      signal: new AbortController().signal,
      ...options.collect,
    });
  } finally {
    await server.close();
  }
  const leftovers = (await readdir(dir)).filter((f) => f !== 'kubeconfig.yaml');
  const opened: BundleSource[] = [];
  return {
    code,
    stderr,
    dir,
    output,
    leftovers,
    source,
    async open() {
      const bundle = await openBundle(output);
      opened.push(bundle);
      return { bundle, manifest: JSON.parse(await bundle.readText('manifest.json')) as Manifest };
    },
    async cleanup() {
      for (const b of opened) await b.close();
      await source.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
