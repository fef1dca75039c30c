/**
 * scanBundle finds every seeded secret (right file, line and kind, secret masked in the excerpt)
 * before redaction and nothing after it; it stays silent on public material and on real data.
 */
import { existsSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryBundle } from '../../src/bundle/memory.js';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { BundleError } from '../../src/errors.js';
import { redactText } from '../../src/redact/index.js';
import { LineScanner, scanBundle } from '../../src/scan/index.js';
import { SEEDED, rsaKey } from '../redact/seeded.js';

const LOG = 'ztunnel/ztunnel-6hvcw/ztunnel.log';
const healthyLine = '2026-11-25T09:30:00.028709Z info access connection complete src.addr=10.244.1.12:60059 src.identity="spiffe://cluster.local/ns/default/sa/curl" bytes_sent=175';

describe('scanBundle on seeded secrets', () => {
  for (const s of SEEDED) {
    it(`finds the ${s.name} as ${s.kind}, masked, and nothing once redacted`, async () => {
      const text = `${healthyLine}\n${s.text}\n${healthyLine}\n`;
      const hits = await scanBundle(new MemoryBundle({ [LOG]: text }));
      // Multi-line samples: the hit is on the line where the secret (or its BEGIN line) starts.
      const at = s.text.split('\n').findIndex((l) => l.includes('PRIVATE KEY-----') || l.includes(s.secret.slice(0, 8)));
      expect(hits.map((h) => [h.file, h.line, h.kind])).toEqual([[LOG, 2 + at, s.kind]]);
      expect(hits[0]!.excerpt).not.toContain(s.secret);
      expect(hits[0]!.excerpt).not.toContain(s.secret.slice(6, 16));
      const redacted = redactText(text).text;
      expect(await scanBundle(new MemoryBundle({ [LOG]: redacted }))).toEqual([]);
    });
  }

  it('reports a multi-line private key once, at its first line, with CRLF line numbers', async () => {
    const text = `one\r\ntwo\r\n${rsaKey.replace(/\n/g, '\r\n')}three\r\n`;
    const hits = await scanBundle(new MemoryBundle({ 'cluster/configmaps/default/app.json': text }));
    expect(hits.map((h) => [h.line, h.kind])).toEqual([[3, 'private-key']]);
  });

  it('walks every file in order and stops at maxHits', async () => {
    const bundle = new MemoryBundle({
      'cluster/pods.json': `{"token": "${'ab12'.repeat(6)}"}\n`,
      [LOG]: SEEDED.map((s) => s.text).join('\n'),
    });
    const all = await scanBundle(bundle);
    expect(all[0]!.file).toBe('cluster/pods.json');
    expect(new Set(all.map((h) => h.kind))).toEqual(new Set(['kubeconfig-credential', ...SEEDED.map((s) => s.kind)]));
    expect(await scanBundle(bundle, { maxHits: 3 })).toEqual(all.slice(0, 3));
  });
});

describe('scanBundle: high-entropy strings', () => {
  // A fixed random-looking value: drawn afresh each run, 1 in 70 such strings reads as words or
  // falls under the entropy threshold, which made this test fail now and then.
  const random = '9fK2xQ7vLm3RtB8wZp1NcY6sHd4JgE0uVa5Ti+Ok';

  it('flags a long random string in no known format', async () => {
    const hits = await scanBundle(new MemoryBundle({ [LOG]: `${healthyLine}\nupstream said: ${random} (retrying)\n` }));
    expect(hits).toMatchObject([{ line: 2, kind: 'high-entropy' }]);
    expect(hits[0]!.excerpt).toContain('upstream said:');
    expect(hits[0]!.excerpt).not.toContain(random.slice(4));
    expect(await scanBundle(new MemoryBundle({ [LOG]: `x ${random}\n` }), { entropy: false })).toEqual([]);
  });

  it('keeps quiet on digests, uids, certificates, markers and Kubernetes names', async () => {
    const cert = '-----BEGIN CERTIFICATE-----\nMIICejCCAWKgAwIBAgIRAOXftZFQsrp/EI2T3OxaphMwDQYJKoZIhvcNAQELBQAw\nGDEWMBQGA1UEChMNY2x1c3Rlci5sb2NhbDAeFw0yNDA1MDQwOTU5MDVaFw0yNDA1\n-----END CERTIFICATE-----\n';
    const text = [
      'image: docker.io/istio/ztunnel@sha256:0d5f5e8c3b2a1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e',
      '"uid": "54ce2023-7c77-4bb8-b6c3-eccf619cd6f2", "workloadUid": "Kubernetes//Pod/bookinfo/ratings-v1-6484c4d9bb-mdxm5"',
      JSON.stringify({ pem: cert }),
      JSON.stringify({ pem: Buffer.from(cert).toString('base64') }),
      cert,
      'token: [REDACTED:jwt] password=[REDACTED:password]',
      'pod: productpage-v1-87d54dd59-fn6vw node: aks-nodepool1-12345678-vmss000000 IstioOperatorSpecValuesGlobal2024Config',
    ].join('\n');
    expect(await scanBundle(new MemoryBundle({ [LOG]: text }))).toEqual([]);
  });
});

describe('scanBundle: the bundle\'s own manifest', () => {
  it('does not mistake redaction counts for secrets', async () => {
    const manifest = {
      schemaVersion: '1',
      artifacts: [
        {
          path: 'ztunnel/ztunnel-6hvcw/ztunnel.log',
          status: 'ok',
          sha256: 'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
          redactions: { 'bearer-token': 2, 'private-key': 1, 'kubeconfig-credential': 1, 'github-token': 3, password: 1, 'secret-env': 1 },
        },
      ],
    };
    const text = JSON.stringify(manifest, null, 2);
    expect(await scanBundle(new MemoryBundle({ 'manifest.json': text }))).toEqual([]);
    expect(redactText(text).text).toBe(text);
  });
});

describe('scanBundle: unreadable files', () => {
  it('turns a failing stream into a BundleError naming the file', async () => {
    const inner = new MemoryBundle({ [LOG]: 'x\n' });
    const broken: BundleSource = {
      ...inner,
      description: 'broken',
      list: () => inner.list(),
      size: (p: string) => inner.size(p),
      sameFileAs: () => undefined,
      openStream: () => {
        const s = new PassThrough();
        setImmediate(() => s.destroy(new Error('EIO: i/o error')));
        return s;
      },
    } as BundleSource;
    await expect(scanBundle(broken)).rejects.toThrow(BundleError);
    await expect(scanBundle(broken)).rejects.toThrow(`${LOG}: cannot be read: EIO: i/o error`);
  });

  it('handles a huge single-line file in bounded pieces', async () => {
    const big = 'a'.repeat(3 * 1024 * 1024);
    const bundle = new MemoryBundle({ [LOG]: 'x\n' });
    const source = { ...bundle, list: () => [LOG], size: () => big.length, sameFileAs: () => undefined, openStream: () => Readable.from([big, ` token=${'Zz9'.repeat(8)}\n`]) } as unknown as BundleSource;
    const hits = await scanBundle(source, { maxLineChars: 64 * 1024 });
    expect(hits.map((h) => [h.line, h.kind])).toEqual([[1, 'generic-secret']]);
  });
});

describe('LineScanner on hostile lines', () => {
  it('stays linear on megabyte lines built to make regexes backtrack', () => {
    const hostile = [
      '-----BEGIN CERTIFICATE-----'.repeat(40_000),
      '-----BEGIN CERTIFICATE-----' + 'A'.repeat(1_000_000),
      'Ab1'.repeat(350_000),
      'Ab1/'.repeat(250_000),
      'ey'.repeat(500_000),
      'password='.repeat(100_000),
      'LS0tLS1CRUdJT'.repeat(80_000),
    ];
    for (const line of hostile) {
      const started = performance.now();
      new LineScanner().scanLine(line);
      expect(performance.now() - started, line.slice(0, 30)).toBeLessThan(3000);
    }
  });
});

const upstream = fileURLToPath(new URL('../../../shared/upstream/', import.meta.url));
describe.skipIf(!existsSync(upstream))('scanBundle on real upstream data (skipped: ../shared not present)', () => {
  it('finds nothing in the upstream config dumps, logs, metrics and docs', async () => {
    const bundle = await openBundle(upstream);
    try {
      expect(bundle.list()).toEqual(expect.arrayContaining(['ztunnel-log-samples.txt', 'istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json']));
      expect(await scanBundle(bundle)).toEqual([]);
    } finally {
      await bundle.close();
    }
  });
});

for (const name of ['healthy', 'broken']) {
  const dir = fileURLToPath(new URL(`../../fixtures/${name}/`, import.meta.url));
  describe.skipIf(!existsSync(dir))(`scanBundle on fixtures/${name} (skipped: fixtures/${name} not present)`, () => {
    it('finds nothing', async () => {
      const bundle = await openBundle(dir);
      try {
        expect(bundle.list().length).toBeGreaterThan(0);
        expect(await scanBundle(bundle)).toEqual([]);
      } finally {
        await bundle.close();
      }
    });
  });
}

describe('scanBundle on files stored once under several names', () => {
  it('reports a hit in a hard-linked file under every name, reading the file once', async () => {
    const { mkdtemp, mkdir, writeFile, link, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'scan-links-'));
    try {
      const dir = join(root, 'istiod/istiod-1/debug/config_dump');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'ztunnel-a.json'), `{\n  "token": "Bearer abcdefghijklmnop1234"\n}\n`);
      await link(join(dir, 'ztunnel-a.json'), join(dir, 'ztunnel-b.json'));
      await writeFile(join(root, 'manifest.json'), '{}\n');
      const bundle = await openBundle(root);
      const opened: string[] = [];
      const counting: BundleSource = { ...bundle, list: () => bundle.list(), size: (p) => bundle.size(p), sameFileAs: (p) => bundle.sameFileAs(p), openStream: (p) => (opened.push(p), bundle.openStream(p)) } as BundleSource;
      const hits = await scanBundle(counting);
      expect(hits.map((h) => [h.file, h.line, h.kind])).toEqual([
        ['istiod/istiod-1/debug/config_dump/ztunnel-a.json', 2, 'bearer-token'],
        ['istiod/istiod-1/debug/config_dump/ztunnel-b.json', 2, 'bearer-token'],
      ]);
      expect(opened).toEqual(['istiod/istiod-1/debug/config_dump/ztunnel-a.json', 'manifest.json']);
      // maxHits still holds across names.
      expect(await scanBundle(bundle, { maxHits: 1 })).toHaveLength(1);
      await bundle.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('scanBundle on large JSON files that repeat sections (scanned once, block by block)', () => {
  /** The plain line-by-line scan of each file, as the reference. */
  function reference(files: Record<string, string>): [string, number, string, string][] {
    const out: [string, number, string, string][] = [];
    for (const [file, text] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      const scanner = new LineScanner();
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      lines.forEach((l, i) => {
        for (const hit of scanner.scanLine(l.endsWith('\r') ? l.slice(0, -1) : l)) out.push([file, i + 1, hit.kind, hit.excerpt]);
      });
    }
    return out;
  }

  it('finds exactly what a line-by-line scan finds, at the same lines, in every file', async () => {
    const workloads = Array.from({ length: 1500 }, (_, i) => ({ uid: `Kubernetes//Pod/apps/app-${i}-7d8c9b6c8f-abcde`, name: `app-${i}`, namespace: 'apps', protocol: 'HBONE' }));
    workloads[700] = { ...workloads[700]!, name: 'Authorization: Bearer abcdefghijklmnop1234' };
    const services = Array.from({ length: 800 }, (_, i) => ({ hostname: `svc-${i}.apps.svc.cluster.local`, vips: [`10.96.${i >> 8}.${i & 255}`] }));
    const dump = (node: string, extra: object = {}) => JSON.stringify({ certificates: [{ identity: `spiffe://cluster.local/ns/apps/sa/${node}`, token: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' }], workloads, services, ...extra, node }, null, 2);
    const changed = workloads.map((w, i) => (i === 10 ? { ...w, name: 'password=hunter2hunter2' } : w));
    const files: Record<string, string> = {
      'ztunnel/ztunnel-a/config_dump.json': dump('a'),
      'ztunnel/ztunnel-b/config_dump.json': dump('b', { config: { note: 'x' } }), // sections shifted by other lines
      'ztunnel/ztunnel-c/config_dump.json': dump('c').replace(JSON.stringify(workloads, null, 2).replace(/\n/g, '\n  '), JSON.stringify(changed, null, 2).replace(/\n/g, '\n  ')),
      'ztunnel/ztunnel-d/config_dump.json': dump('d').replace(/\n/g, '\r\n'),
      'ztunnel/ztunnel-e/config_dump.json': dump('e'),
    };
    expect(files['ztunnel/ztunnel-c/config_dump.json']).toContain('hunter2');
    for (const text of Object.values(files)) expect(text.length).toBeGreaterThan(256 * 1024);
    const hits = await scanBundle(new MemoryBundle(files));
    expect(hits.map((h) => [h.file, h.line, h.kind, h.excerpt])).toEqual(reference(files));
    // Each file has its certificate token and the workload's bearer token; c has one more.
    expect(hits.filter((h) => h.kind === 'bearer-token')).toHaveLength(5);
    expect(hits.length).toBeGreaterThanOrEqual(11);
    // maxHits stops inside a reused block too.
    expect(await scanBundle(new MemoryBundle(files), { maxHits: 4 })).toEqual(hits.slice(0, 4));
  });
});
