/**
 * Interruption: one interrupt cancels the request that hangs, still writes a valid bundle whose
 * manifest says "interrupted", and returns 130; a second one leaves nothing at all under the
 * output name or a temporary name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { type CollectRun, collectFromReplay } from './replay.js';

const runs: CollectRun[] = [];
afterEach(async () => {
  while (runs.length) await runs.pop()!.cleanup();
});

const hangConfigDump = [{ match: { pod: 'ztunnel-aaaaa', path: '^/config_dump$' }, hang: true }];

describe('interrupting collect', () => {
  it('finishes a partial bundle marked interrupted and exits 130', async () => {
    const soft = new AbortController();
    const started = Date.now();
    const r = await collectFromReplay({
      faults: hangConfigDump,
      collect: { signal: soft.signal, timeoutMs: 20_000 },
      during: () => setTimeout(() => soft.abort(), 600),
    });
    runs.push(r);
    expect(r.code).toBe(ExitCode.interrupted);
    // The hanging request was cancelled, not waited out (its timeout is 20 s).
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.leftovers).toEqual(['bundle.tar.gz']);
    const { bundle, manifest } = await r.open();
    expect(manifest.status).toBe('interrupted');
    expect(manifest.artifacts.find((a) => a.path === 'ztunnel/ztunnel-aaaaa/config_dump.json')).toMatchObject({ status: 'error', error: 'interrupted' });
    expect(bundle.has('cluster/pods.json')).toBe(true);
    expect(r.stderr).toMatch(/collect interrupted:/);
  });

  it('a second interrupt discards the archive: nothing under the final or a temporary name', async () => {
    const soft = new AbortController();
    const hard = new AbortController();
    const r = await collectFromReplay({
      faults: hangConfigDump,
      collect: { signal: soft.signal, hardSignal: hard.signal, timeoutMs: 20_000 },
      during: () => {
        setTimeout(() => soft.abort(), 400);
        setTimeout(() => hard.abort(), 401);
      },
    });
    runs.push(r);
    expect(r.code).toBe(ExitCode.interrupted);
    expect(r.leftovers).toEqual([]);
    expect(r.stderr).toMatch(/no bundle written/);
  });
});
