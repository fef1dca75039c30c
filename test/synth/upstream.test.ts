/**
 * Realism checks of generated data against the real upstream samples, read in place from
 * ../shared/upstream (never copied): access-log field order matches real ztunnel lines, and our
 * config_dump uses the same field names for certificates and workloads as real dumps do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ztunnel } from '../../src/bundle/paths.js';
import { Bundle, HEALTHY, BROKEN, parseLog } from './helpers.js';

const upstream = (p: string) => fileURLToPath(new URL(`../../../shared/upstream/${p}`, import.meta.url));
const LOG_SAMPLES = upstream('ztunnel-log-samples.txt');
const DUMP = upstream('istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json');

function keyOrder(line: string): string[] {
  return [...line.matchAll(/\s([\w.]+)=/g)].map((m) => m[1]!);
}

describe.skipIf(!existsSync(LOG_SAMPLES))('access logs vs real ztunnel lines (skipped: ../shared not present)', () => {
  it('orders fields as real TAB-separated `connection complete` lines do', () => {
    const real = readFileSync(LOG_SAMPLES, 'utf8').split('\n')
      // Some samples had their TABs expanded to spaces, so match on whitespace.
      .filter((l) => /^\d{4}-\S+\s+\w+\s+access\s+connection complete\s/.test(l) && l.includes('dst.hbone_addr'))
      .map(keyOrder);
    expect(real.length).toBeGreaterThan(0);
    const reference = real.reduce((a, b) => (b.length > a.length ? b : a));
    const ours = [HEALTHY, BROKEN].flatMap((dir) => {
      const b = new Bundle(dir);
      return [...b.ztunnelsByNode().values()].flatMap((p) => b.text(ztunnel.log(p.metadata.name)).split('\n'))
        .filter((l) => l.includes('\taccess\tconnection complete\t') && l.includes('dst.hbone_addr'));
    });
    expect(ours.length).toBeGreaterThan(50);
    for (const line of ours) {
      const keys = keyOrder(line);
      // Same keys as real lines, in the same relative order (error= comes last when present).
      const positions = keys.map((k) => (k === 'error' ? reference.length : reference.indexOf(k)));
      expect(positions.every((p) => p >= 0), line).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    }
  });
});

describe.skipIf(!existsSync(DUMP))('config_dump vs istioctl testdata dump.json (skipped: ../shared not present)', () => {
  it('uses the real field names for certificates and workloads', () => {
    const real = JSON.parse(readFileSync(DUMP, 'utf8'));
    const realWorkloadKeys = new Set(Object.values(real.workloads as Record<string, object>).flatMap((w) => Object.keys(w)));
    const realCertKeys = new Set((real.certificates as object[]).flatMap((c) => Object.keys(c)));
    const b = new Bundle(HEALTHY);
    const zt = [...b.ztunnelsByNode().values()].map((p) => p.metadata.name as string)
      .map((name) => b.json(ztunnel.configDump(name))).find((d) => d.certificates.length > 0);
    // Fields added after the fixture's era (upstream-formats.md §2.3/§2.6): networkMode, services, capacity, rootCerts.
    const newer = new Set(['networkMode', 'services', 'capacity', 'rootCerts', 'authorizationPolicies']);
    for (const w of zt.workloads) for (const k of Object.keys(w)) expect(realWorkloadKeys.has(k) || newer.has(k), k).toBe(true);
    for (const c of zt.certificates) for (const k of Object.keys(c)) expect(realCertKeys.has(k) || newer.has(k), k).toBe(true);
    const realWs = Object.values(real.workloadState as Record<string, { info: object; state: string }>)[0]!;
    for (const ws of Object.values(zt.workloadState) as { info: object }[]) expect(Object.keys(ws.info).sort()).toEqual(Object.keys(realWs.info).sort());
  });
});

describe('parseLog helper', () => {
  it('reads quoted and bare field values', () => {
    const [l] = parseLog('2026-11-25T09:20:01.123456Z\terror\taccess\tconnection complete\tsrc.addr=10.0.0.1:5 dst.service="a \\"b\\"" error="x y"\n');
    expect(l!.fields).toEqual({ 'src.addr': '10.0.0.1:5', 'dst.service': 'a "b"', error: 'x y' });
  });
});
