/**
 * --check: a SelfSubjectAccessReview per needed permission, against a small fake API server that
 * denies port-forward and one Istio list; the table says what is lost, and the exit code is 3 when
 * anything is missing, 0 when all is allowed. Also: the list is read-only (no secrets, exec, writes).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredPermissions } from '../../src/collect/check.js';
import { runCollect } from '../../src/commands/collect.js';
import { ExitCode } from '../../src/errors.js';

let server: Server;
let dir: string;
let denied: Set<string>;
const reviews: { verb: string; resource: string; subresource?: string; namespace?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"gitVersion":"v1.31.4"}');
      return;
    }
    if (req.method === 'POST' && req.url?.startsWith('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')) {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as { spec: { resourceAttributes: { verb: string; resource: string; subresource?: string; namespace?: string } } };
        const attrs = review.spec.resourceAttributes;
        reviews.push(attrs);
        const key = `${attrs.verb} ${attrs.resource}${attrs.subresource ? `/${attrs.subresource}` : ''}`;
        const allowed = !denied.has(key);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...review, status: { allowed, ...(allowed ? {} : { reason: 'no RBAC policy matched' }) } }));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"kind":"Status","code":404}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  dir = await mkdtemp(join(tmpdir(), 'collect-check-'));
  const port = (server.address() as AddressInfo).port;
  await writeFile(join(dir, 'kubeconfig.yaml'), [
    'apiVersion: v1', 'kind: Config', 'current-context: c',
    'clusters:', '- name: c', '  cluster:', `    server: http://127.0.0.1:${port}`, '    insecure-skip-tls-verify: true',
    'contexts:', '- name: c', '  context: {cluster: c, user: u}',
    'users:', '- name: u', '  user: {token: t}', '',
  ].join('\n'));
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

async function check(): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write(c: Buffer, _e, cb) { out += c.toString(); cb(); } });
  const code = await runCollect({
    kubeconfig: join(dir, 'kubeconfig.yaml'), istioNamespace: 'istio-system', focus: [], concurrency: 4, timeoutMs: 2000,
    maxLogBytes: 1 << 20, redact: true, check: true, stdout: sink, stderr: sink, signal: new AbortController().signal,
  });
  return { code, out };
}

describe('collect --check', () => {
  it('lists denied permissions with their consequence and exits 3', async () => {
    denied = new Set(['create pods/portforward', 'list authorizationpolicies']);
    reviews.length = 0;
    const { code, out } = await check();
    expect(code).toBe(ExitCode.partial);
    expect(reviews).toHaveLength(requiredPermissions('istio-system').length);
    const deniedLines = out.split('\n').filter((l) => l.startsWith('DENIED'));
    expect(deniedLines).toHaveLength(2);
    expect(deniedLines.find((l) => l.includes('pods/portforward'))).toMatch(/create\s+pods\/portforward\s+istio-system\s+no config dumps, metrics/);
    expect(deniedLines.find((l) => l.includes('authorizationpolicies'))).toMatch(/no cluster\/istio\/authorizationpolicies\.security\.istio\.io\.json/);
    expect(out).toMatch(/2 of \d+ permissions missing/);
  });

  it('exits 0 when everything is allowed', async () => {
    denied = new Set();
    const { code, out } = await check();
    expect(code).toBe(ExitCode.ok);
    expect(out).not.toMatch(/DENIED/);
    expect(out).toMatch(/all \d+ permissions allowed/);
  });

  it('asks only for read access: no secrets, no exec, no writes besides port-forward', () => {
    const perms = requiredPermissions('istio-system');
    expect(perms.filter((p) => p.resource === 'secrets')).toEqual([]);
    expect(perms.filter((p) => p.subresource === 'exec' || p.subresource === 'attach')).toEqual([]);
    expect(perms.filter((p) => !['get', 'list'].includes(p.verb)).map((p) => `${p.verb} ${p.resource}/${p.subresource}`)).toEqual(['create pods/portforward']);
  });
});
