/**
 * Differential test of block-by-block redaction on realistic config dumps: sections equal to one
 * already redacted are skipped over by one comparison and take the remembered result, and the
 * output must still be redactText's, byte for byte and count for count. The dumps come from the
 * scale generator (the certificates differ per ztunnel, workloads and services repeat); secrets
 * are placed inside repeated and non-repeated sections, across a block's first and last lines,
 * raw (multi-line keys, invalid JSON the locator still reads) and JSON-escaped, with the top-level
 * keys in varying orders, and each body comes back several times so the memo is hit.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactBody, redactText } from '../../src/redact/index.js';
import { generateBundle } from '../../src/synth/generate.js';
import { scalePreset } from '../../src/synth/presets.js';
import { SEEDED, githubToken, rsaKey } from './seeded.js';

let dir: string;
let dumps: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'redact-known-'));
  await generateBundle(scalePreset({ nodes: 4, workloadsPerNode: 60, logLines: 4 }), dir);
  const root = join(dir, 'ztunnel');
  dumps = readdirSync(root).map((pod) => readFileSync(join(root, pod, 'config_dump.json'), 'utf8'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const escaped = (text: string) => JSON.stringify(text).slice(1, -1);

/** The k-th occurrence of `needle` replaced (each test edit targets one spot). */
function replaceNth(text: string, needle: string, k: number, by: string): string {
  let at = -1;
  for (let i = 0; i <= k; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no occurrence ${k} of ${needle}`);
  }
  return text.slice(0, at) + by + text.slice(at + needle.length);
}

/** The dump with its top-level keys in another order (JSON.stringify's layout, as a ztunnel's). */
function reordered(text: string, order: (keys: string[]) => string[]): string {
  const dump = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of order(Object.keys(dump))) out[key] = dump[key];
  return JSON.stringify(out, null, 2);
}

/** Secrets edited into a dump's text: each returns a new body. */
const edits: Record<string, (dump: string) => string> = {
  asIs: (d) => d,
  escapedInWorkloads: (d) => replaceNth(d, '"canonicalRevision": "v1"', 7, `"canonicalRevision": "${escaped(SEEDED[7]!.text)}"`),
  everySeededInServices: (d) => SEEDED.reduce((text, s, i) => replaceNth(text, '"namespace": "apps"', 20 + i, `"namespace": "${escaped(s.text)}"`), d),
  escapedInCertificates: (d) => d.replace('"state": "Available"', `"state": "${escaped(`token: ${githubToken}`)}"`),
  envPairInsideWorkloads: (d) => replaceNth(d, '"canonicalName": "app-00003"', 0, '"name": "DB_PASSWORD",\n      "value": "hunter2hunter2",\n      "canonicalName": "app-00003"'),
  rawKeyInWorkloads: (d) => replaceNth(d, '"canonicalName": "app-00005",', 0, `"canonicalName": "app-00005",\n${rsaKey}`),
  rawKeyOpeningTheBlock: (d) => d.replace('"workloads": [\n', `"workloads": [ ${rsaKey.split('\n')[0]}\n${rsaKey.split('\n').slice(1).join('\n')}`),
  envNameEndingTheBlock: (d) => d.replace(/\n {4}}\n {2}],?\n/, (m) => `\n    }\n    "name": "API_TOKEN"\n  "value": "c0ffee-c0ffee-beef" ${m.slice(m.indexOf(']'))}`),
  crlf: (d) => d.replace(/\n/g, '\r\n'),
  nonAscii: (d) => replaceNth(d, '"namespace": "apps"', 3, '"namespace": "äpps ✓"'),
};

const orders: Record<string, (keys: string[]) => string[]> = {
  sorted: (keys) => [...keys].sort(),
  reversed: (keys) => [...keys].reverse(),
  servicesFirst: (keys) => ['services', ...keys.filter((k) => k !== 'services')],
};

function expectSameAsWhole(body: string, label: string): { text?: string } {
  const whole = redactText(body);
  const blocks = redactBody(Buffer.from(body));
  expect(blocks.text ?? body, label).toBe(whole.text);
  expect(blocks.counts, label).toEqual(whole.counts);
  return blocks;
}

describe('redactBody on dumps whose sections repeat', () => {
  it('gives redactText bytes and counts whether a section is new, seen once or known', () => {
    expect(dumps.length).toBe(4);
    expect(dumps[0]!.length).toBeGreaterThan(256 * 1024);
    let redacted = 0;
    for (const [name, edit] of Object.entries(edits)) {
      for (const [orderName, order] of [['generated', (k: string[]) => k] as const, ...Object.entries(orders)]) {
        // Every dump three times over: seen once, copied, then known (and the certificates always new).
        for (let round = 0; round < 3; round++) {
          for (const [i, dump] of dumps.entries()) {
            const body = edit(orderName === 'generated' ? dump : reordered(dump, order));
            if (expectSameAsWhole(body, `${name} ${orderName} dump ${i} round ${round}`).text !== undefined) redacted++;
          }
        }
      }
    }
    // The edits really plant secrets (all but asIs, crlf and nonAscii redact something).
    expect(redacted).toBe(7 * 4 * 3 * 4);
  });

  it('does not take a known section for one that differs only near its end', () => {
    const [a] = dumps;
    for (let round = 0; round < 3; round++) expectSameAsWhole(a!, `round ${round}`);
    // The known workloads section but for its last workload's name, which now holds a password.
    const end = a!.indexOf('\n  ]', a!.indexOf('"workloads": ['));
    const at = a!.lastIndexOf('"name": "', end);
    const changed = a!.slice(0, at) + `"name": "password=x7x7x7x7", "was": "` + a!.slice(at + '"name": "'.length);
    const result = expectSameAsWhole(changed, 'changed near the end');
    expect(result.text).toContain('password=[REDACTED:password]');
  });
});
