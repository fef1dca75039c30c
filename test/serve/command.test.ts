/**
 * runServe end to end: the kubeconfig appears (mode 0600, complete) only once the server answers,
 * the printed hint names it, an abort stops the server and returns 0, and a bad faults file is a
 * one-line usage error naming the file.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tar from 'tar';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runServe } from '../../src/commands/serve.js';
import { UsageError } from '../../src/errors.js';
import { NS, type TestBundle, makeBundle } from './fixture.js';

let fixture: TestBundle;
let work: string;

beforeEach(async () => {
  fixture = await makeBundle();
  work = await mkdtemp(join(tmpdir(), 'serve-cmd-'));
});

afterEach(async () => {
  await fixture.cleanup();
  await rm(work, { recursive: true, force: true });
});

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('runServe', () => {
  it('writes a usable kubeconfig once listening and stops cleanly on abort', async () => {
    const kubeconfigOut = join(work, 'replay.kubeconfig');
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (c: Buffer) => (printed += c.toString()));
    const abort = new AbortController();
    const done = runServe({ bundle: fixture.dir, kubeconfigOut, signal: abort.signal, stdout });
    await waitFor(kubeconfigOut);
    expect((await stat(kubeconfigOut)).mode & 0o777).toBe(0o600);
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(kubeconfigOut, 'utf8'));
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS, labelSelector: 'app=ztunnel' });
    expect(pods.items).toHaveLength(2);
    expect(printed).toContain(`export KUBECONFIG=${kubeconfigOut}; kubectl get pods -A`);
    expect(printed).toContain('collected 2026-11-25T09:30:00.000Z');
    abort.abort();
    expect(await done).toBe(0);
    await expect(kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: NS })).rejects.toThrow();
  });

  it('serves a .tar.gz bundle, streaming logs out of the extracted archive', async () => {
    const archive = join(work, 'bundle.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: fixture.dir, prefix: 'ztunnel-bundle-2026-11-25T09-30-00Z' }, ['.']);
    const kubeconfigOut = join(work, 'k');
    const abort = new AbortController();
    const done = runServe({ bundle: archive, kubeconfigOut, signal: abort.signal, stdout: new PassThrough() });
    await waitFor(kubeconfigOut);
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(kubeconfigOut, 'utf8'));
    const log = await kc.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace: NS, name: 'ztunnel-aaaaa', container: 'istio-proxy' });
    expect(log).toBe(await readFile(join(fixture.dir, 'ztunnel/ztunnel-aaaaa/ztunnel.log'), 'utf8'));
    abort.abort();
    expect(await done).toBe(0);
  });

  it('serves with the faults from a JSON file', async () => {
    const faults = join(work, 'faults.json');
    await writeFile(faults, JSON.stringify([{ match: { path: '/nodes$' }, status: 503 }]));
    const kubeconfigOut = join(work, 'k');
    const abort = new AbortController();
    const done = runServe({ bundle: fixture.dir, kubeconfigOut, faults, signal: abort.signal, stdout: new PassThrough() });
    await waitFor(kubeconfigOut);
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(kubeconfigOut, 'utf8'));
    await expect(kc.makeApiClient(CoreV1Api).listNode()).rejects.toMatchObject({ code: 503 });
    abort.abort();
    expect(await done).toBe(0);
  });

  it('refuses a faults file that is not a list of faults, naming the file', async () => {
    const faults = join(work, 'faults.json');
    await writeFile(faults, JSON.stringify([{ match: { path: '(' }, status: 500 }]));
    const err = await runServe({ bundle: fixture.dir, faults, stdout: new PassThrough() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`${faults}: fault 0: match.path is not a valid regular expression`);
  });
});
