/**
 * `ztunnel-bundle demo`: the whole pipeline with no cluster. A bundle shipped with the tool is
 * replayed as a read-only Kubernetes API on loopback, `collect` snapshots it like a real cluster
 * (port-forwards, logs, redaction, manifest), and `analyze` writes the reports. What a new user
 * sees here is what they will see on their own cluster.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openBundle } from '../bundle/open.js';
import { ExitCode } from '../errors.js';
import { startReplayServer } from '../serve/server.js';
import { packagePath } from '../util/package.js';
import { runAnalyze } from './analyze.js';
import { runCollect } from './collect.js';

export interface DemoOptions {
  /** The bundle to replay (default: the broken demo cluster shipped in fixtures/). */
  bundle?: string;
  /** Directory for the collected bundle and the reports (created if missing). */
  output: string;
  color: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

export const DEMO_BUNDLE = packagePath('fixtures/broken');

export async function runDemo(opts: DemoOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const output = resolve(opts.output);
  await mkdir(output, { recursive: true });
  const source = await openBundle(opts.bundle ?? DEMO_BUNDLE);
  const server = await startReplayServer({ bundle: source, port: 0 });
  const scratch = await mkdtemp(join(tmpdir(), 'ztunnel-bundle-demo-'));
  try {
    const kubeconfig = join(scratch, 'kubeconfig');
    await writeFile(kubeconfig, server.kubeconfig(), { mode: 0o600 });
    stdout.write(`1/3 Replaying ${opts.bundle ?? 'the demo cluster (fixtures/broken)'} as a Kubernetes API at ${server.url}\n`);
    stdout.write('2/3 Collecting it, as `ztunnel-bundle collect` does on a real cluster\n');
    const bundlePath = join(output, 'bundle.tar.gz');
    const collected = await runCollect({
      kubeconfig, istioNamespace: 'istio-system', output: bundlePath, focus: [], concurrency: 16, timeoutMs: 30_000,
      maxLogBytes: 50 * 1024 ** 2, redact: true, check: false, stderr, isTTY: false,
    });
    if (collected !== ExitCode.ok && collected !== ExitCode.partial) return collected;
    stdout.write(`3/3 Analyzing ${bundlePath}\n`);
    return await runAnalyze({ bundle: bundlePath, formats: ['html', 'md', 'json'], output, ruleDirs: [], builtinRules: true, failOn: 'none', color: opts.color, stdout, stderr });
  } finally {
    await server.close();
    await source.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
