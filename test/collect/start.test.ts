/**
 * Could-not-start errors: one line on stderr naming the flag or the server, exit 2, and no file
 * written; nothing is collected from a cluster that cannot be reached.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CollectOptions, runCollect } from '../../src/commands/collect.js';
import { ExitCode } from '../../src/errors.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'collect-start-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A port nothing listens on: bind, note it, close. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function attempt(overrides: Partial<CollectOptions>): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink = new Writable({ write(c: Buffer, _e, cb) { stderr += c.toString(); cb(); } });
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters:', '- name: c', '  cluster:', `    server: http://127.0.0.1:${await deadPort()}`, '    insecure-skip-tls-verify: true',
    'contexts:', '- name: c', '  context: {cluster: c, user: u}',
    'users:', '- name: u', '  user: {token: t}', '',
  ].join('\n'));
  const code = await runCollect({
    kubeconfig, istioNamespace: 'istio-system', output: join(dir, 'out.tar.gz'), focus: [], concurrency: 4, timeoutMs: 2000,
    maxLogBytes: 1 << 20, redact: true, check: false, stderr: sink, isTTY: false, signal: new AbortController().signal, ...overrides,
  });
  return { code, stderr };
}

describe('collect that cannot start', () => {
  it('names the unreachable API server and writes nothing', async () => {
    const { code, stderr } = await attempt({});
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(/^ztunnel-bundle collect: cannot reach the API server http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/);
    expect(await readdir(dir)).toEqual(['kubeconfig.yaml']);
  });

  it.each([
    [{ focus: ['productpage'] }, /--focus: "productpage" is not NAMESPACE\/POD/],
    [{ concurrency: 0 }, /--concurrency: 0 is not an integer/],
    [{ since: '1w' }, /--since: "1w" is not a duration/],
    [{ context: 'nope' }, /--context: no context "nope"/],
    [{ kubeconfig: '/nonexistent/kubeconfig' }, /\/nonexistent\/kubeconfig: cannot load kubeconfig/],
  ] as [Partial<CollectOptions>, RegExp][])('refuses %j with one line', async (overrides, message) => {
    const { code, stderr } = await attempt(overrides);
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
