/**
 * redactText on seeded secrets of every kind, on JSON documents and on public material that must
 * be kept byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { redactText } from '../../src/redact/index.js';
import { SEEDED, jwt, pkcs8Key, rsaKey, pemBody, githubToken } from './seeded.js';

describe('redactText: seeded secrets', () => {
  for (const s of SEEDED) {
    it(`removes the ${s.name} and counts it as ${s.kind}`, () => {
      const { text, counts } = redactText(s.text);
      expect(text).not.toContain(s.secret);
      expect(text).toContain(`[REDACTED:${s.kind}]`);
      expect(counts).toEqual({ [s.kind]: 1 });
    });
    it(`is idempotent on the ${s.name}`, () => {
      const once = redactText(s.text);
      const twice = redactText(once.text);
      expect(twice.text).toBe(once.text);
      expect(twice.counts).toEqual({});
    });
  }

  it('keeps the text around a secret byte for byte', () => {
    const { text } = redactText('before Authorization: Bearer abcdefghijklmnop1234 after\r\nnext line\n');
    expect(text).toBe('before Authorization: Bearer [REDACTED:bearer-token] after\r\nnext line\n');
  });

  it('replaces a multi-line private key with one marker and keeps what follows', () => {
    const { text, counts } = redactText(`key:\n${rsaKey}after: 1\n`);
    expect(text).toBe('key:\n[REDACTED:private-key]\n\nafter: 1\n');
    expect(counts).toEqual({ 'private-key': 1 });
  });

  it('stops a truncated private key at the first line that is not key material', () => {
    const truncated = rsaKey.split('\n').slice(0, 4).join('\n');
    const { text } = redactText(`${truncated}\n2026-11-25T09:30:00Z info next log line\n`);
    expect(text).toBe('[REDACTED:private-key]\n2026-11-25T09:30:00Z info next log line\n');
  });

  it('counts every secret on a line', () => {
    const { counts } = redactText(`a=${githubToken} b=${jwt} c=${githubToken}`);
    expect(counts).toEqual({ 'github-token': 2, jwt: 1 });
  });
});

describe('redactText: JSON stays JSON', () => {
  const doc = {
    kind: 'ConfigMap',
    data: {
      'sa.json': JSON.stringify({ private_key: pkcs8Key, token: jwt }),
      kubeconfig: `users:\n- name: admin\n  user:\n    token: ${jwt}\n    password: "s3cr3t-pw"\n`,
      url: 'redis://:Pa55word@redis:6379/0',
    },
    auth: { password: 'with "quotes" and \\ backslash', apiKey: 'k-123456789' },
    env: [{ name: 'GITHUB_TOKEN', value: githubToken }],
  };

  for (const [label, text] of [
    ['compact', JSON.stringify(doc)],
    ['pretty', JSON.stringify(doc, null, 2)],
  ] as const) {
    it(`parses after redaction (${label}) and holds no secret`, () => {
      const { text: out, counts } = redactText(text);
      const parsed = JSON.parse(out) as typeof doc;
      expect(out).not.toContain(pemBody(pkcs8Key).slice(0, 40));
      expect(out).not.toContain(jwt);
      expect(out).not.toContain('Pa55word');
      expect(out).not.toContain(githubToken);
      expect(out).not.toContain('s3cr3t-pw');
      expect(parsed.auth.password).toBe('[REDACTED:password]');
      expect(parsed.data.url).toBe('redis://:[REDACTED:basic-auth-url]@redis:6379/0');
      expect(counts['private-key']).toBe(1);
      expect(counts.jwt).toBe(2);
    });
  }
});

describe('redactText: public material is kept', () => {
  const publicCert = [
    '-----BEGIN CERTIFICATE-----',
    'MIICejCCAWKgAwIBAgIRAOXftZFQsrp/EI2T3OxaphMwDQYJKoZIhvcNAQELBQAw',
    '-----END CERTIFICATE-----',
  ].join('\n');
  const samples = [
    ['a PEM certificate', `ca.crt: |\n  ${publicCert.split('\n').join('\n  ')}\n`],
    ['a certificate in a JSON string', JSON.stringify({ pem: publicCert })],
    ['a base64 PEM certificate', JSON.stringify({ pem: Buffer.from(publicCert).toString('base64') })],
    ['a SPIFFE identity', 'src.identity="spiffe://cluster.local/ns/default/sa/curl" dst.identity="spiffe://cluster.local/ns/default/sa/bookinfo-productpage"'],
    ['a uid and resourceVersion', '{"uid":"54ce2023-7c77-4bb8-b6c3-eccf619cd6f2","resourceVersion":"918273"}'],
    ['an image digest', 'image: docker.io/istio/ztunnel@sha256:0d5f5e8c3b2a1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e'],
    ['settings about secrets', 'secretTtl: 86400\ncredentialName: ingress-cert\nserviceAccountToken: {}\nautomountServiceAccountToken: false\n'],
    ['the word basic and bearer in prose', 'Basic authentication is disabled; bearer tokens are validated by istiod\n'],
    ['a masked value', 'password: ****\ntoken: ${TOKEN}\n'],
    ['where a secret is read from', 'token: /var/run/secrets/tokens/istio-token\nauth: !Token\npasswordFile: ./pw.txt\n'],
  ] as const;
  for (const [label, text] of samples) {
    it(`leaves ${label} unchanged`, () => {
      expect(redactText(text)).toEqual({ text, counts: {} });
    });
  }
});

describe('redactText: repeated lines (the inspection memo)', () => {
  it('treats the same line by the state it arrives in: key material inside a key, text outside it', () => {
    const bodyLines = rsaKey.split('\n').slice(1, 3); // base64 lines of the key's body
    const outside = `${bodyLines.join('\n')}\n`;
    // Seen outside a key first, then inside one, then outside again: three different answers.
    expect(redactText(outside).text).toBe(outside);
    expect(redactText(`key:\n${rsaKey}after: 1\n`).text).toBe('key:\n[REDACTED:private-key]\n\nafter: 1\n');
    expect(redactText(`-----BEGIN RSA PRIVATE KEY-----\n${outside}`).text).toBe('[REDACTED:private-key]\n');
    expect(redactText(outside).text).toBe(outside);
  });

  it('redacts a secret-named env value only after its name line, however often both lines repeat', () => {
    const secretEnv = '  - name: API_TOKEN\n    value: "s3cr3t-value-123"\n';
    const plainEnv = '  - name: LOG_LEVEL\n    value: "s3cr3t-value-123"\n';
    for (let i = 0; i < 3; i++) {
      expect(redactText(secretEnv + plainEnv).text).toBe('  - name: API_TOKEN\n    value: "[REDACTED:secret-env]"\n' + plainEnv);
    }
  });

  it('gives the same bytes for a text of many repeated lines as line by line, counts included', () => {
    const block = `{\n  "name": "x",\n  "token": "Bearer abcdefghijklmnop1234",\n  "pem": ${JSON.stringify(rsaKey)}\n}\n`;
    const whole = redactText(block.repeat(500));
    const one = redactText(block);
    expect(whole.text).toBe(one.text.repeat(500));
    expect(whole.counts).toEqual(Object.fromEntries(Object.entries(one.counts).map(([k, v]) => [k, v * 500])));
  });
});
