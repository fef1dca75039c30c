/**
 * The round trip the replay server exists for: `collect` run against a replay of fixtures/broken
 * gives back that bundle. Every artifact the fixture recorded as ok comes back with the same
 * content (API objects compared as JSON, since the API re-serializes them; logs and port-forwarded
 * bodies byte for byte), and the recorded 403 port-forward fails again with 403.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../src/commands/collect.js';
import { openBundle } from '../../src/bundle/open.js';
import type { Manifest } from '../../src/bundle/manifest.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/broken', import.meta.url));

describe('collect from a replay of fixtures/broken', () => {
  let work: string;
  let original: BundleSource;
  let server: ReplayServer;
  let collected: BundleSource;
  let exitCode: number;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'serve-roundtrip-'));
    original = await openBundle(FIXTURE);
    server = await startReplayServer({ bundle: original });
    await writeFile(join(work, 'kubeconfig'), server.kubeconfig(), { mode: 0o600 });
    exitCode = await runCollect({
      kubeconfig: join(work, 'kubeconfig'),
      istioNamespace: 'istio-system',
      output: join(work, 'again.tar.gz'),
      focus: [],
      concurrency: 16,
      timeoutMs: 30_000,
      maxLogBytes: 50 * 1024 ** 2,
      redact: false,
      check: false,
      isTTY: false,
      stderr: new PassThrough(),
    });
    collected = await openBundle(join(work, 'again.tar.gz'));
  }, 60_000);

  afterAll(async () => {
    await collected?.close();
    await server?.close();
    await original?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('reproduces every recorded artifact, and the recorded failure', async () => {
    const before = JSON.parse(await original.readText('manifest.json')) as Manifest;
    const after = JSON.parse(await collected.readText('manifest.json')) as Manifest;
    expect(exitCode).toBe(3); // partial, like the original
    const again = new Map(after.artifacts.map((a) => [a.path, a]));
    for (const a of before.artifacts) {
      const b = again.get(a.path);
      expect([a.path, b?.status]).toEqual([a.path, a.status]);
      if (a.status === 'error') expect([a.path, b?.httpStatus]).toEqual([a.path, a.httpStatus]);
      if (a.status !== 'ok') continue;
      const want = await readFile(join(FIXTURE, a.path));
      const have = Buffer.from(await collected.readText(a.path));
      if (a.path.endsWith('.json')) {
        const [w, h] = [JSON.parse(want.toString()), JSON.parse(have.toString())];
        // Lists the collector merges from several namespaces get its own list metadata.
        if (Array.isArray(w.items)) expect([a.path, h.items]).toEqual([a.path, w.items]);
        else expect([a.path, h]).toEqual([a.path, w]);
      } else {
        expect([a.path, have.equals(want)]).toEqual([a.path, true]);
      }
    }
  });
});
