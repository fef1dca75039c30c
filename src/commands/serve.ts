/**
 * `ztunnel-bundle serve BUNDLE`: replays a bundle as a read-only Kubernetes API on loopback, so
 * kubectl, client-node and `collect` itself can be pointed at what a cluster looked like. The
 * kubeconfig is written (atomically, mode 0600) only once the server listens; the server runs until
 * SIGINT/SIGTERM or the abort signal, then closes cleanly and the command returns 0.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename, resolve } from 'node:path';
import { openBundle } from '../bundle/open.js';
import { ExitCode, UsageError, errorText } from '../errors.js';
import { type Fault, faultListProblem } from '../serve/faults.js';
import { startReplayServer } from '../serve/server.js';

export interface ServeOptions {
  bundle: string;
  port?: number;
  kubeconfigOut?: string;
  latencyMs?: number;
  /** Path to a JSON file holding a Fault[] (tests and demos of failure handling). */
  faults?: string;
  signal?: AbortSignal;
  stdout?: NodeJS.WritableStream;
}

async function loadFaults(path: string): Promise<Fault[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`${path}: cannot read the faults file: ${errorText(err)}`);
  }
  const problem = faultListProblem(value);
  if (problem) throw new UsageError(`${path}: ${problem}`);
  return value as Fault[];
}

/** Writes next to the target and renames, so a reader never sees half a kubeconfig. */
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new UsageError(`${path}: cannot write the kubeconfig: ${errorText(err)}`);
  }
}

/** Resolves on SIGINT, SIGTERM or abort, and removes its listeners. */
function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal?.aborted) return stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export async function runServe(opts: ServeOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)) {
    throw new UsageError(`--port: ${opts.port} is not a port number (0-65535)`);
  }
  const faults = opts.faults ? await loadFaults(opts.faults) : [];
  const bundle = await openBundle(opts.bundle);
  try {
    const server = await startReplayServer({
      bundle,
      faults,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}),
    });
    try {
      const lines = [`Serving ${opts.bundle} (collected ${server.clock.toISOString()}) read-only at ${server.url}`];
      if (opts.kubeconfigOut) {
        const kubeconfigPath = resolve(opts.kubeconfigOut);
        await writeAtomically(kubeconfigPath, server.kubeconfig());
        lines.push(`Kubeconfig written to ${kubeconfigPath}. Use it with:`, `  export KUBECONFIG=${kubeconfigPath}; kubectl get pods -A`);
      } else {
        lines.push('Use it with:', `  kubectl --server ${server.url} get pods -A`, '(or pass --kubeconfig-out FILE for a kubeconfig that client libraries accept)');
      }
      lines.push('Press Ctrl-C to stop.');
      stdout.write(`${lines.join('\n')}\n`);
      await untilStopped(opts.signal);
    } finally {
      await server.close();
    }
    stdout.write('Replay server stopped.\n');
    return ExitCode.ok;
  } finally {
    await bundle.close();
  }
}
