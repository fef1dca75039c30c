/**
 * Certificate parsing after its two shortcuts: base64 is recognised by a loop over char codes
 * (held to the regex it replaced, on generated fields with whitespace, padding and stray
 * characters), and a `pem` field already seen takes its remembered details (each certificate of
 * the fixture dumps is checked against node:crypto read independently, so a detail remembered
 * under the wrong field would show).
 */
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodePem, parseCertsDump } from '../../src/parse/certs.js';
import { parseConfigDump } from '../../src/parse/configDump.js';

/** decodePem as it was, with the regex over the whitespace-free field. */
function referenceDecodePem(pem: string): { encoding: string; text?: string } {
  if (pem === '') return { encoding: 'absent' };
  if (pem.includes('-----BEGIN')) return { encoding: 'pem', text: pem };
  const compacted = pem.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compacted)) {
    const decoded = Buffer.from(compacted, 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) return { encoding: 'base64', text: decoded };
  }
  return { encoding: 'invalid' };
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUY\n-----END CERTIFICATE-----\n';

describe('decodePem', () => {
  it('decides like the regex on generated fields', () => {
    const encoded = Buffer.from(PEM).toString('base64');
    const piece = fc.oneof(
      fc.constantFrom(encoded, encoded.slice(0, 20), encoded.slice(20), 'QUJD', '=', '==', '===', ' ', '\n', '\u00a0', '\u2028', '\ufeff', '-', '_', 'é', '+/', '-----BEGIN'),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (parts) => {
        const field = parts.join('');
        expect(decodePem(field)).toEqual(referenceDecodePem(field));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads base64 with line breaks, padding and the PEM itself', () => {
    const encoded = Buffer.from(PEM).toString('base64');
    expect(decodePem(encoded)).toEqual({ encoding: 'base64', text: PEM });
    expect(decodePem(`${encoded.slice(0, 30)}\n ${encoded.slice(30)}`)).toEqual({ encoding: 'base64', text: PEM });
    expect(decodePem(`${encoded}=`)).toEqual(referenceDecodePem(`${encoded}=`));
    expect(decodePem(`${encoded.slice(0, 8)}=${encoded.slice(8)}`)).toEqual({ encoding: 'invalid' });
    expect(decodePem(PEM)).toEqual({ encoding: 'pem', text: PEM });
    expect(decodePem('===')).toEqual({ encoding: 'invalid' });
  });
});

/** What node:crypto reads from a PEM field, read independently; nothing when it is not a certificate with a subject. */
function expectedDetails(field: string): Record<string, string | undefined> {
  try {
    const x = new X509Certificate(field.includes('-----BEGIN') ? field : Buffer.from(field, 'base64').toString('utf8'));
    return { subject: x.subject.replace(/\n/g, ', '), issuer: x.issuer.replace(/\n/g, ', '), subjectAltName: x.subjectAltName, fingerprint256: x.fingerprint256 };
  } catch {
    return { subject: undefined, issuer: undefined, subjectAltName: undefined, fingerprint256: undefined };
  }
}

type RawDump = { certificates: { certChain?: { pem: string }[]; rootCerts?: { pem: string }[] }[] };

/** Checks every certificate of the dumps, twice over (the second pass answered from memory); returns how many. */
function checkDumps(paths: readonly string[]): { checked: number; repeated: boolean; parsed: number } {
  let checked = 0;
  let parsed = 0;
  const seen = new Map<string, number>();
  for (const pass of [1, 2]) {
    for (const path of paths) {
      const text = readFileSync(path, 'utf8');
      const raw = JSON.parse(text) as RawDump;
      const dump = parseConfigDump(text, path);
      raw.certificates.forEach((entry, i) => {
        const fields = [...(entry.certChain ?? []), ...(entry.rootCerts ?? [])].map((c) => c.pem);
        const certs = dump.certificates[i]!.certs;
        expect(certs).toHaveLength(fields.length);
        fields.forEach((field, k) => {
          if (pass === 1) seen.set(field, (seen.get(field) ?? 0) + 1);
          const want = expectedDetails(field);
          const got = certs[k]!;
          expect({ subject: got.subject, issuer: got.issuer, subjectAltName: got.subjectAltName, fingerprint256: got.fingerprint256 }).toEqual(want);
          expect(got.pemEncoding).toBe(decodePem(field).encoding);
          if (want.fingerprint256 !== undefined) parsed++;
          checked++;
        });
      });
    }
  }
  return { checked, repeated: [...seen.values()].some((n) => n > 1), parsed };
}

const dumps = ['healthy', 'broken'].flatMap((bundle) => {
  const dir = fileURLToPath(new URL(`../../fixtures/${bundle}/ztunnel/`, import.meta.url));
  return readdirSync(dir).map((pod) => join(dir, pod, 'config_dump.json')).filter((p) => existsSync(p));
});

describe('certificates of the fixture dumps', () => {
  it('carry, for each pem field, what node:crypto reads from it (nothing: synthetic), however often it repeats', () => {
    const { checked, repeated } = checkDumps(dumps);
    expect(checked).toBeGreaterThan(20);
    expect(repeated).toBe(true);
  });
});

const upstreamDump = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json', import.meta.url));
describe.skipIf(!existsSync(upstreamDump))("certificates of istioctl's real config_dump (skipped: ../shared not present)", () => {
  it('carry the subject, issuer, SAN and fingerprint node:crypto reads, on first read and from memory', () => {
    const { checked, parsed } = checkDumps([upstreamDump]);
    // Of its two certificates, node:crypto gives one no subject at all: neither has details then.
    expect(checked).toBe(4);
    expect(parsed).toBe(2);
  });
});

describe.skipIf(!existsSync(upstreamDump))('parseCertsDump without X.509 details (skipped: ../shared not present)', () => {
  it('gives every field but subject, issuer, SAN and fingerprint, as with them', () => {
    const raw = JSON.parse(readFileSync(upstreamDump, 'utf8')) as { certificates: Record<string, unknown>[] };
    raw.certificates.forEach((entry, i) => {
      const full = parseCertsDump({ warnings: [] }, entry, `/certificates/${i}`);
      const lean = parseCertsDump({ warnings: [] }, entry, `/certificates/${i}`, { x509: false });
      const strip = (c: object) => Object.fromEntries(Object.entries(c).filter(([k]) => !['subject', 'issuer', 'subjectAltName', 'fingerprint256'].includes(k)));
      expect(lean.certs).toEqual(full.certs.map(strip));
      expect({ ...lean, certs: [], leaf: undefined, root: undefined }).toEqual({ ...full, certs: [], leaf: undefined, root: undefined });
      expect(lean.certs.every((c) => c.fingerprint256 === undefined)).toBe(true);
    });
    expect(raw.certificates.some((e, i) => parseCertsDump({ warnings: [] }, e, `/certificates/${i}`).certs.some((c) => c.fingerprint256 !== undefined))).toBe(true);
  });
});
