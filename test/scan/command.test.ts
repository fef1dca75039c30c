/**
 * `ztunnel-bundle scan`: what it prints and the exit code it returns, on a clean and a leaky
 * bundle directory, in text and JSON, and the error for a bundle that does not exist.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScan } from '../../src/commands/scan.js';
import { BundleError } from '../../src/errors.js';
import { githubToken, jwt } from '../redact/seeded.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zb-scan-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeBundle(files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

async function scan(format?: 'text' | 'json'): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await runScan({ bundle: dir, format, stdout });
  return { code, out: Buffer.concat(chunks).toString('utf8') };
}

const clean = {
  'manifest.json': '{"schemaVersion":"1"}\n',
  'ztunnel/ztunnel-6hvcw/ztunnel.log': '2026-11-25T09:30:00Z info access connection complete src.identity="spiffe://cluster.local/ns/default/sa/curl"\n',
};

describe('runScan', () => {
  it('returns 0 and says so on a clean bundle', async () => {
    await writeBundle(clean);
    expect(await scan()).toEqual({ code: 0, out: 'scan: no secrets found in 2 file(s)\n' });
  });

  it('returns 1 and prints file:line kind excerpt per hit, then a summary', async () => {
    await writeBundle({
      ...clean,
      'ztunnel/ztunnel-6hvcw/ztunnel.log': `ok\nwarn token rejected: ${jwt}\nclone https://${githubToken}@github.com/a/b\n`,
    });
    const { code, out } = await scan();
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ztunnel\/ztunnel-6hvcw\/ztunnel\.log:2 jwt warn token rejected: eyJh…\(\d+ chars\)$/);
    expect(lines[1]).toMatch(/^ztunnel\/ztunnel-6hvcw\/ztunnel\.log:3 github-token clone https:\/\/ghp_…\(40 chars\)@github\.com\/a\/b$/);
    expect(lines[2]).toBe('scan: 2 possible secret(s) in 1 of 2 file(s): jwt 1, github-token 1');
    expect(out).not.toContain(jwt.slice(10));
  });

  it('prints one JSON document with --format json', async () => {
    await writeBundle({ ...clean, 'cluster/pods.json': `{"password": "hunter2hunter2"}\n` });
    const { code, out } = await scan('json');
    expect(code).toBe(1);
    const doc = JSON.parse(out) as { filesScanned: number; truncated: boolean; hits: Array<{ file: string; line: number; kind: string; excerpt: string }> };
    expect(doc.filesScanned).toBe(3);
    expect(doc.truncated).toBe(false);
    expect(doc.hits).toEqual([{ file: 'cluster/pods.json', line: 1, kind: 'password', excerpt: '{"password": "hunt…(14 chars)"}' }]);
  });

  it('throws a BundleError for a bundle that does not exist', async () => {
    await expect(runScan({ bundle: join(dir, 'missing.tar.gz'), stdout: new PassThrough() })).rejects.toThrow(BundleError);
  });
});
