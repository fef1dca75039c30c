/**
 * Block-by-block redaction of large JSON bodies (what every ztunnel's config_dump repeats is
 * redacted once) must give redactText's bytes and counts exactly, for bodies that share blocks,
 * differ in one, carry secrets inside and outside blocks, use CRLF, non-ASCII text, or are not
 * JSON objects at all.
 */
import { describe, expect, it } from 'vitest';
import { redactBody, redactJsonBody, redactText } from '../../src/redact/index.js';
import { SEEDED, githubToken, rsaKey } from './seeded.js';

const workloads = Array.from({ length: 1500 }, (_, i) => ({ uid: `Kubernetes//Pod/apps/app-${i}-7d8c9b6c8f-abcde`, name: `app-${i}`, namespace: 'apps', protocol: 'HBONE' }));
const services = Array.from({ length: 800 }, (_, i) => ({ hostname: `svc-${i}.apps.svc.cluster.local`, vips: [`10.96.${i >> 8}.${i & 255}`] }));
const dump = (node: string, extra: Record<string, unknown> = {}, w: unknown[] = workloads) =>
  JSON.stringify({ certificates: [{ identity: `spiffe://cluster.local/ns/apps/sa/${node}`, token: githubToken, key: rsaKey }], workloads: w, services, ...extra, node }, null, 2);

function expectSameAsWhole(body: string): void {
  const whole = redactText(body);
  const blocks = redactBody(Buffer.from(body));
  expect(blocks.text ?? body).toBe(whole.text);
  expect(blocks.counts).toEqual(whole.counts);
}

describe('redactBody on large JSON bodies', () => {
  it('redacts block by block with the bytes and counts of redactText', () => {
    const secretsInside = workloads.map((w, i) => (i % 300 === 7 ? { ...w, name: SEEDED[i % SEEDED.length]!.text } : w));
    const bodies = [
      dump('a'),
      dump('b', { config: { note: 'shifts every later line' } }), // the same blocks, elsewhere
      dump('c', {}, secretsInside), // a block that differs, with secrets in it
      dump('d', {}, secretsInside), // the same, now known
      dump('e').replace(/\n/g, '\r\n'),
      dump('f', { note: 'ünïcödé — ✓' }),
      dump('g', {}, secretsInside).replace(/"name"/, '"ñame"'),
    ];
    for (const body of bodies) {
      expect(body.length).toBeGreaterThan(256 * 1024);
      expectSameAsWhole(body);
    }
    // The blocks really are taken from the memo: a known block's result is reused as it is.
    const c = redactJsonBody(Buffer.from(bodies[3]!));
    expect(c?.text).toBeDefined();
    expect(c!.text).not.toContain(githubToken);
  });

  it('leaves a body without secrets as it is, and falls back to redactText for other bodies', () => {
    const clean = JSON.stringify({ workloads, services }, null, 2);
    expect(redactBody(Buffer.from(clean))).toEqual({ counts: {} });
    for (const body of ['not json at all ' + githubToken, `[${JSON.stringify(workloads)}]`, `{"a": 1} trailing ${githubToken}`]) {
      expect(redactJsonBody(Buffer.from(body.padEnd(300 * 1024, ' ')))).toBeUndefined();
      expectSameAsWhole(body);
    }
  });
});
