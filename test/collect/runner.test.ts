/**
 * TaskRunner with fake tasks: what each outcome records in the manifest (ok with sha256 and size,
 * skipped with its reason, error with status and text), retries of transient failures only, the
 * concurrency limit, and that nothing new starts after an interrupt.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ArtifactTask, type CollectContext, Skipped } from '../../src/collect/artifact.js';
import { BundleWriter } from '../../src/collect/bundle-writer.js';
import { RequestFailure } from '../../src/collect/failure.js';
import { KubeClient, loadKubeConfig } from '../../src/collect/kube-client.js';
import { TaskRunner } from '../../src/collect/runner.js';

let dir: string;
let writer: BundleWriter;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-test-'));
  writer = new BundleWriter({ output: join(dir, 'b.tar.gz'), format: 'tar.gz', topFolder: 't', date: new Date() });
});
afterEach(async () => {
  await writer.discard();
  await rm(dir, { recursive: true, force: true });
});

function context(signal: AbortSignal): CollectContext {
  const kc = loadKubeConfig({ kubeconfig: join(import.meta.dirname, 'kubeconfig.fake.yaml') });
  return { kc, client: new KubeClient(kc), timeoutMs: 1000, maxResponseBytes: 1 << 20, maxLogBytes: 1 << 20, redact: true, spoolDir: dir, signal };
}

const task = (path: string, run: ArtifactTask['run']): ArtifactTask => ({ path, target: `GET ${path}`, run });
const retry = { tries: 3, baseDelayMs: 1 };

describe('TaskRunner', () => {
  it('records ok, skipped and error outcomes with what each needs', async () => {
    const data = Buffer.from('{"gitVersion":"v1.31.4"}');
    const runner = new TaskRunner({ ctx: context(new AbortController().signal), writer, concurrency: 4, retry });
    await runner.runAll([
      task('cluster/version.json', async () => ({ kind: 'bytes', data, httpStatus: 200, redactions: { 'bearer-token': 2 } })),
      task('cluster/istio/sidecars.networking.istio.io.json', async () => {
        throw new Skipped('sidecars.networking.istio.io is not served by this cluster (CRD not installed)', 404);
      }),
      task('ztunnel/z/config_dump.json', async () => {
        throw new RequestFailure('port-forward to istio-system/z:15000 failed: Unexpected server response: 403', 403);
      }),
    ]);
    const byPath = Object.fromEntries(runner.records.map((r) => [r.path, r]));
    expect(byPath['cluster/version.json']).toMatchObject({
      status: 'ok',
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      httpStatus: 200,
      redactions: { 'bearer-token': 2 },
    });
    expect(byPath['cluster/istio/sidecars.networking.istio.io.json']).toMatchObject({ status: 'skipped', httpStatus: 404, error: expect.stringContaining('CRD not installed') });
    expect(byPath['ztunnel/z/config_dump.json']).toMatchObject({ status: 'error', httpStatus: 403, error: expect.stringContaining('403') });
    for (const r of runner.records) {
      expect(Number.isNaN(Date.parse(r.startedAt!))).toBe(false);
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('retries a 503 and records the eventual success; never retries a 404', async () => {
    const calls = { flaky: 0, gone: 0 };
    const runner = new TaskRunner({ ctx: context(new AbortController().signal), writer, concurrency: 2, retry });
    await runner.runAll([
      task('flaky.json', async () => {
        if (++calls.flaky < 3) throw new RequestFailure('HTTP 503', 503);
        return { kind: 'bytes', data: Buffer.from('{}') };
      }),
      task('gone.json', async () => {
        calls.gone++;
        throw new RequestFailure('HTTP 404: pods "ztunnel-x" not found', 404);
      }),
    ]);
    expect(calls).toEqual({ flaky: 3, gone: 1 });
    expect(runner.records.find((r) => r.path === 'flaky.json')?.status).toBe('ok');
    expect(runner.records.find((r) => r.path === 'gone.json')).toMatchObject({ status: 'error', httpStatus: 404 });
  });

  it('never runs more tasks at once than the limit', async () => {
    let running = 0;
    let peak = 0;
    const runner = new TaskRunner({ ctx: context(new AbortController().signal), writer, concurrency: 3, retry });
    const tasks = Array.from({ length: 12 }, (_, i) =>
      task(`t${i}.json`, async () => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return { kind: 'bytes', data: Buffer.from('{}') };
      }),
    );
    await runner.runAll(tasks);
    expect(peak).toBe(3);
    expect(runner.records).toHaveLength(12);
  });

  it('starts nothing after an interrupt, and records the in-flight task as failed', async () => {
    const controller = new AbortController();
    const runner = new TaskRunner({ ctx: context(controller.signal), writer, concurrency: 1, retry });
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((name) =>
      task(`${name}.json`, async (_ctx, signal) => {
        started.push(name);
        controller.abort();
        await new Promise((r) => setTimeout(r, 5));
        if (signal.aborted) throw new RequestFailure('interrupted', undefined, 'ABORTED');
        return { kind: 'bytes', data: Buffer.from('{}') };
      }),
    );
    await runner.runAll(tasks);
    expect(started).toEqual(['a']);
    expect(runner.records).toEqual([expect.objectContaining({ path: 'a.json', status: 'error', error: 'interrupted' })]);
  });
});
