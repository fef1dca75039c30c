/**
 * No false positives: real upstream data (read in place from ../shared, never copied) and our
 * own fixture bundles come out of redaction byte for byte identical, Kubernetes objects
 * deep-equal. Skipped, saying why, when those directories are not present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRedactStream, redactK8sObject, redactText } from '../../src/redact/index.js';
import { filesUnder } from './files.js';

const upstream = fileURLToPath(new URL('../../../shared/upstream/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

async function redactStreamed(text: string): Promise<string> {
  const stream = createRedactStream();
  const out: Buffer[] = [];
  stream.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((resolve) => stream.on('end', resolve));
  stream.end(text);
  await done;
  return Buffer.concat(out).toString('utf8');
}

describe.skipIf(!existsSync(upstream))('redaction of real upstream data (skipped: ../shared not present)', () => {
  const files = existsSync(upstream) ? filesUnder(upstream).filter((f) => !f.endsWith('SOURCES.md')) : [];

  it('finds the expected upstream files', () => {
    expect(files.map((f) => relative(upstream, f))).toEqual(
      expect.arrayContaining(['istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json', 'ztunnel-log-samples.txt']),
    );
  });

  for (const file of files) {
    it(`leaves ${relative(upstream, file)} byte-identical`, async () => {
      const text = readFileSync(file, 'utf8');
      expect(redactText(text)).toEqual({ text, counts: {} });
      expect(await redactStreamed(text)).toBe(text);
    });
  }

  it('keeps the certificates of the upstream config dump (raw and base64 PEM)', () => {
    const dump = readFileSync(join(upstream, 'istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json'), 'utf8');
    const parsed = JSON.parse(dump) as { certificates: Array<{ certChain: Array<{ pem: string }> }> };
    const asBase64 = structuredClone(parsed);
    for (const cert of asBase64.certificates) for (const c of cert.certChain) c.pem = Buffer.from(c.pem).toString('base64');
    const text = JSON.stringify(asBase64, null, 2);
    expect(text).toContain('"pem": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t');
    expect(redactText(text)).toEqual({ text, counts: {} });
    expect(redactK8sObject(asBase64)).toEqual({ value: asBase64, counts: {} });
  });
});

for (const name of ['healthy', 'broken']) {
  const dir = join(fixtures, name);
  describe.skipIf(!existsSync(dir))(`redaction of fixtures/${name} (skipped: fixtures/${name} not present)`, () => {
    const files = existsSync(dir) ? filesUnder(dir) : [];
    it('has files to check', () => expect(files.length).toBeGreaterThan(0));
    for (const file of files) {
      it(`leaves ${relative(fixtures, file)} unchanged`, () => {
        const text = readFileSync(file, 'utf8');
        expect(redactText(text)).toEqual({ text, counts: {} });
        if (file.endsWith('.json')) {
          const value: unknown = JSON.parse(text);
          expect(redactK8sObject(value)).toEqual({ value, counts: {} });
        }
      });
    }
  });
}
