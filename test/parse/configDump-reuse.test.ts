/**
 * ConfigDumpParser (parse each distinct workloads/services/policies section once across a bundle's
 * dumps) must be indistinguishable from parseConfigDump: the same normalized dump, the same
 * warnings, the same errors, and the same line for every pointer a finding could cite, whether a
 * section was parsed or reused. Checked on our fixtures' dumps (real format), istioctl's 1.22 map
 * dump in place from ../shared, and edge cases: keys out of order, escaped keys, duplicate keys,
 * damaged sections, sections that change from one dump to the next.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { parseConfigDump, type ZtunnelConfigDump } from '../../src/parse/configDump.js';
import { ConfigDumpParser } from '../../src/parse/configDump-reuse.js';
import { ROOT } from '../support/cli.js';
import { expectSameAsOrdinary as sameAsOrdinary } from '../support/dump-equivalence.js';

const FILE = 'ztunnel/ztunnel-x/config_dump.json';

function fixtureDumps(fixture: string): string[] {
  const dir = join(ROOT, 'fixtures', fixture, 'ztunnel');
  return readdirSync(dir)
    .map((pod) => join(dir, pod, 'config_dump.json'))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'));
}

/** Parses each text with one shared ConfigDumpParser and checks it against the ordinary path. */
function expectSameAsOrdinary(texts: string[]): ConfigDumpParser {
  const parser = new ConfigDumpParser();
  for (const text of texts) expect(sameAsOrdinary(parser, text, FILE)).toBeDefined();
  return parser;
}

describe('ConfigDumpParser', () => {
  it("gives parseConfigDump's result and lines for every dump of the fixtures, reusing shared sections", () => {
    const healthy = fixtureDumps('healthy');
    const parser = expectSameAsOrdinary([...healthy, ...healthy]);
    // The second pass sees only known sections; the healthy cluster's ztunnels agree with each other.
    expect(parser.stats.dumps).toBe(healthy.length * 2);
    expect(parser.stats.sectionsReused).toBeGreaterThanOrEqual(healthy.length * 3);
    expect(parser.stats.sectionsParsed).toBeLessThanOrEqual(healthy.length * 3);
    expectSameAsOrdinary(fixtureDumps('broken'));
  });

  it('parses a section once when every dump has it: a 30-ztunnel cluster', () => {
    const base = JSON.parse(fixtureDumps('healthy')[0]!) as Record<string, unknown>;
    const texts = Array.from({ length: 30 }, (_, i) => JSON.stringify({ ...base, config: { ...(base['config'] as object), proxyWorkloadInformation: `node-${i}` } }, null, 2));
    const parser = expectSameAsOrdinary(texts);
    expect(parser.stats).toEqual({ dumps: 30, sectionsParsed: 3, sectionsReused: 87 });
  });

  it('handles keys out of order, escaped keys, map shapes and a section that changes', () => {
    const [text] = fixtureDumps('healthy');
    const doc = JSON.parse(text!) as Record<string, unknown>;
    const reordered = JSON.stringify({ workloads: doc['workloads'], policies: doc['policies'], ...doc }, null, 1);
    const escaped = text!.replace('"workloads"', '"work\\u006coads"');
    const workloads = doc['workloads'] as { name?: string; workloadIps?: string[] }[];
    const asMap = JSON.stringify({ ...doc, workloads: Object.fromEntries(workloads.map((w, i) => [`/${w.workloadIps?.[0] ?? i}`, w])) }, null, 2);
    const changed = JSON.stringify({ ...doc, workloads: [...workloads.slice(1), { name: 42, uid: 'odd' }, 'junk'] }, null, 2);
    const parser = expectSameAsOrdinary([text!, reordered, escaped, asMap, changed, text!, changed, '{}', '{"workloads": null, "services": 3}']);
    expect(parser.parse(changed, FILE).dump.warnings.length).toBeGreaterThan(0);
  });

  it('gives the ordinary errors for damaged dumps, wherever the damage is', () => {
    const [text] = fixtureDumps('healthy');
    const parser = new ConfigDumpParser();
    parser.parse(text!, FILE); // sections known
    const damaged = [
      text!.slice(0, text!.length - 40), // cut inside the last section
      text!.replace('"certificates"', '"certificates" x'), // damage outside the sections
      text!.replace(/"workloads": \[/, '"workloads": [}'), // damage inside a section
      text!.replace(/\{/, '{"workloads": [], '), // a duplicate key: JSON.parse keeps the last
      '[]',
      '',
      '{"a": 1} trailing',
    ];
    for (const bad of damaged) sameAsOrdinary(parser, bad, FILE);
  });

  it('refuses nesting deeper than the JSON limit inside a reused-looking section', () => {
    const deep = `{"workloads": ${'['.repeat(600)}${']'.repeat(600)}}`;
    expect(() => new ConfigDumpParser().parse(deep, FILE)).toThrow(/nesting deeper than 512 levels/);
  });
});

const upstream = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json', import.meta.url));
describe.skipIf(!existsSync(upstream))("istioctl's dump.json through ConfigDumpParser (skipped: ../shared not present)", () => {
  it('matches parseConfigDump, parsed and reused', () => {
    const text = readFileSync(upstream, 'utf8');
    const parser = expectSameAsOrdinary([text, text]);
    expect(parser.stats.sectionsReused).toBe(3);
  });

  it('leaves out only the X.509 details with x509: false (what analyze parses)', () => {
    const text = readFileSync(upstream, 'utf8');
    const full = new ConfigDumpParser().parse(text, 'dump.json').dump;
    const lean = new ConfigDumpParser({ x509: false }).parse(text, 'dump.json').dump;
    const details = (c: object) => ['subject', 'issuer', 'subjectAltName', 'fingerprint256'].filter((k) => k in c);
    const fullCerts = full.certificates.flatMap((e) => e.certs);
    expect(fullCerts.some((c) => details(c).length > 0)).toBe(true); // real certificates: OpenSSL reads them
    const strip = (c: object) => Object.fromEntries(Object.entries(c).filter(([k]) => !details(c).includes(k)));
    expect(lean.certificates.flatMap((e) => e.certs)).toEqual(fullCerts.map(strip));
    expect({ ...lean, certificates: [] }).toEqual({ ...full, certificates: [] });
  });
});
