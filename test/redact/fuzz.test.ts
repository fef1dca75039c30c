/**
 * Property tests: on arbitrary text (with secret-shaped fragments mixed in) redaction never
 * throws, is idempotent, agrees with the stream, leaves marker-free secret-free text alone, and
 * stays fast on hostile lines.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactStream, redactK8sObject, redactText } from '../../src/redact/index.js';
import { jwt, githubToken, ecKey } from './seeded.js';

const fragments = [
  'password', 'password=', 'token: ', '"', "'", '\\', '\\n', '\\"', '\n', '\r\n', ' ', '=', ':', '&', '@', '://', 'user:pw@',
  'Bearer ', 'Basic ', 'eyJ', jwt, githubToken, 'AKIA', '-----BEGIN RSA PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----',
  '-----BEGIN CERTIFICATE-----', 'LS0tLS1CRUdJT', ecKey, '[REDACTED:jwt]', '- name: DB_PASSWORD', 'value: x', '{"name":"A_TOKEN","value":"',
];
const text = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 12 })), { maxLength: 40 }).map((parts) => parts.join(''));

async function streamed(input: string, cut: number): Promise<string> {
  const stream = createRedactStream();
  const out: Buffer[] = [];
  stream.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((resolve) => stream.on('end', resolve));
  const bytes = Buffer.from(input);
  stream.write(bytes.subarray(0, cut));
  stream.end(bytes.subarray(cut));
  await done;
  return Buffer.concat(out).toString('utf8');
}

describe('redaction properties', () => {
  it('never throws and is idempotent', () => {
    fc.assert(
      fc.property(text, (input) => {
        const once = redactText(input);
        const twice = redactText(once.text);
        expect(twice.text).toBe(once.text);
        expect(twice.counts).toEqual({});
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same bytes streamed, wherever the input is cut', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.nat(), async (input, n) => {
        const cut = n % (Buffer.byteLength(input) + 1);
        expect(await streamed(input, cut)).toBe(redactText(input).text);
      }),
      { numRuns: 200 },
    );
  });

  it('redacts JSON documents into JSON documents', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('password', 'token', 'name', 'apiKey', 'url', 'note'), text, { maxKeys: 6 }), (obj) => {
        for (const json of [JSON.stringify(obj), JSON.stringify(obj, null, 2)]) {
          expect(() => JSON.parse(redactText(json).text)).not.toThrow();
        }
        expect(() => redactK8sObject(obj)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('leaves plain words alone', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,10}$/), { maxLength: 30 }), (words) => {
        const input = words.join(' ');
        expect(redactText(input).text).toBe(input);
      }),
    );
  });

  it('stays linear on hostile multi-megabyte lines', () => {
    const hostile = [
      'a'.repeat(4_000_000),
      'ey'.repeat(2_000_000),
      'Bearer '.repeat(500_000),
      'password='.repeat(400_000),
      '"password": "'.repeat(250_000),
      'x://'.repeat(1_000_000),
      '-----BEGIN RSA PRIVATE KEY-----'.repeat(100_000),
      'LS0tLS1CRUdJT'.repeat(300_000),
    ];
    for (const line of hostile) {
      const started = performance.now();
      redactText(line);
      expect(performance.now() - started, line.slice(0, 20)).toBeLessThan(3000);
    }
  });
});
