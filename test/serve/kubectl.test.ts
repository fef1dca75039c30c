/**
 * The real kubectl against the replay server: discovery, `get` with a label selector, cluster-scoped
 * `get nodes`, and `logs --tail`. Skips when no kubectl is on PATH, unless REQUIRE_KUBECTL=1 (CI),
 * where a missing kubectl is a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayServer, startReplayServer } from '../../src/serve/server.js';
import { NS, type TestBundle, ZTUNNEL_LOG_LINES, makeBundle } from './fixture.js';

const run = promisify(execFile);

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const kubectl = findOnPath('kubectl');
const required = process.env.REQUIRE_KUBECTL === '1';

// In CI (REQUIRE_KUBECTL=1) a missing kubectl must fail the run, not skip the tests below.
if (required && kubectl === undefined) throw new Error('REQUIRE_KUBECTL=1 but no kubectl on PATH (apt-get install kubernetes-client)');

describe.skipIf(!kubectl)(`kubectl against the replay server${kubectl ? '' : ' (skipped: kubectl not on PATH; set REQUIRE_KUBECTL=1 to fail instead)'}`, () => {
  let fixture: TestBundle;
  let server: ReplayServer;
  let home: string;
  let kubeconfigPath: string;

  beforeAll(async () => {
    fixture = await makeBundle();
    server = await startReplayServer({ bundle: fixture.bundle });
    home = await mkdtemp(join(tmpdir(), 'serve-kubectl-'));
    kubeconfigPath = join(home, 'kubeconfig');
    await writeFile(kubeconfigPath, server.kubeconfig(), { mode: 0o600 });
  });

  afterAll(async () => {
    await server.close();
    await fixture.cleanup();
    await rm(home, { recursive: true, force: true });
  });

  // Async execFile: the server runs in this process, so a synchronous child would deadlock it.
  async function k(...args: string[]): Promise<string> {
    const { stdout } = await run(kubectl!, ['--kubeconfig', kubeconfigPath, '--cache-dir', join(home, 'cache'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      timeout: 20_000,
    });
    return stdout;
  }

  it('gets ztunnel pods by label as JSON', async () => {
    const out = JSON.parse(await k('get', 'pods', '-n', NS, '-l', 'app=ztunnel', '-o', 'json'));
    expect(out.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort()).toEqual(['ztunnel-aaaaa', 'ztunnel-bbbbb']);
  });

  it('gets nodes as a table', async () => {
    const out = await k('get', 'nodes');
    expect(out.split('\n')[0]).toMatch(/^NAME\s/);
    expect(out).toMatch(/^node-1\s/m);
    expect(out).toMatch(/^node-2\s/m);
  });

  it('reads the last lines of a ztunnel log', async () => {
    const out = await k('logs', '-n', NS, 'ztunnel-aaaaa', '-c', 'istio-proxy', '--tail', '5');
    expect(out).toBe(ZTUNNEL_LOG_LINES.slice(-5).join('\n') + '\n');
  });

  it('gets an Istio resource through discovery of its group', async () => {
    const out = JSON.parse(await k('get', 'authorizationpolicies.security.istio.io', '-A', '-o', 'json'));
    expect(out.items[0].metadata.name).toBe('allow-nothing');
  });

  it('reports a missing pod the way kubectl reports the API server', async () => {
    const err = await k('get', 'pod', '-n', NS, 'ztunnel-zzzzz').catch((e: { stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toContain('pods "ztunnel-zzzzz" not found');
  });
});
