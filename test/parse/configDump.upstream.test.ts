/**
 * The real istioctl fixture dump.json (1.22-era map shape, raw PEM certificates), parsed in place
 * from ../shared/upstream, must give exactly what istioctl's golden tables show for it:
 * workloadsummary.txt (namespace, pod, address, node, waypoint, protocol), secretsummary.txt
 * (type, status, serial in hex, dates, validity) and policies.txt; pointers must lead back to the
 * right lines of the original file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { certValidAt } from '../../src/parse/certs.js';
import { normalizeConfigDump, parseConfigDump, type ZtunnelConfigDump } from '../../src/parse/configDump.js';
import { createLocator } from '../../src/parse/jsonLocate.js';

const testdata = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/ztunnel/configdump/testdata/', import.meta.url));
const present = existsSync(`${testdata}dump.json`);
const localConfig = fileURLToPath(new URL('../../../shared/upstream/istio/cni/pkg/nodeagent/testdata/localhost.yaml', import.meta.url));
const read = (name: string) => readFileSync(`${testdata}${name}`, 'utf8');

/** Rows of a tabwriter table as objects keyed by header, using the header's column positions. */
function table(text: string, headers: string[]): Record<string, string>[] {
  const [head, ...rows] = text.split('\n').filter((l) => l.trim() !== '');
  const starts = headers.map((h) => head!.indexOf(h));
  expect(starts.every((s) => s >= 0)).toBe(true);
  return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row.slice(starts[i], starts[i + 1] ?? undefined).trim()])));
}

/** The WAYPOINT column as istioctl derives it: the service whose VIP or ns/hostname is the destination. */
function waypointName(dump: ZtunnelConfigDump, destination: string | undefined): string {
  if (destination === undefined) return 'None';
  const svc = dump.services.find((s) => s.vips.includes(destination) || `${s.namespace}/${s.hostname}` === destination);
  return svc ? svc.name : 'NA';
}

describe.skipIf(!present)('istioctl dump.json fixture (skipped: ../shared not present)', () => {
  const text = present ? read('dump.json') : '{}';
  const dump = parseConfigDump(text, 'ztunnel/ztunnel-x/config_dump.json');

  it('reads the map shape without warnings', () => {
    expect(dump.shape).toBe('map');
    expect(dump.warnings).toEqual([]);
    const raw = JSON.parse(text) as Record<string, Record<string, unknown>>;
    expect(dump.workloads).toHaveLength(Object.keys(raw['workloads']!).length);
    expect(dump.services).toHaveLength(Object.keys(raw['services']!).length);
    expect(dump.policies).toHaveLength(2);
    expect(dump.certificates).toHaveLength(4);
    expect(dump.workloadState).toHaveLength(6);
  });

  it('matches every row of workloadsummary.txt', () => {
    const rows = table(read('workloadsummary.txt'), ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL']);
    expect(rows).toHaveLength(dump.workloads.length);
    for (const row of rows) {
      const w = dump.workloads.find((x) => x.namespace === row['NAMESPACE'] && x.name === row['POD NAME']);
      expect(w, `${row['NAMESPACE']}/${row['POD NAME']}`).toBeDefined();
      expect(w!.workloadIps.join(',') || w!.hostname).toBe(row['ADDRESS']);
      expect(w!.node).toBe(row['NODE']);
      expect(w!.protocol).toBe(row['PROTOCOL']);
      expect(waypointName(dump, w!.waypoint?.destination)).toBe(row['WAYPOINT']);
    }
  });

  it('normalizes the old waypoint `port` and the map key pointers', () => {
    const ratings = dump.workloads.find((w) => w.name === 'ratings-v1-6484c4d9bb-mdxm5')!;
    expect(ratings.waypoint).toEqual({ destination: '/10.96.65.117', network: '', address: '10.96.65.117', hboneMtlsPort: 15008 });
    expect(ratings.key).toBe('network1/10.244.2.54');
    expect(ratings.pointer).toBe('/workloads/network1~110.244.2.54');
    expect(ratings.network).toBe('network1');
    expect(ratings.defaulted).toContain('networkMode');
    expect(ratings.defaulted).not.toContain('protocol');
    const lines = text.split('\n');
    const line = createLocator(text).line(ratings.pointer)!;
    expect(lines[line - 1]).toContain('"network1/10.244.2.54"');
  });

  it('matches every row of secretsummary.txt (at a fixed time, for VALID CERT)', () => {
    const rows = table(read('secretsummary.txt'), ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE']);
    const ours = dump.certificates.flatMap((e) =>
      e.certs.length === 0
        ? [[e.identity, 'NA', e.state, 'false', 'NA', 'NA', 'NA']]
        : e.certs.map((c) => [e.identity, c.type, e.state, String(certValidAt(c, '2026-11-25T10:00:00Z')), c.serialHex, c.expirationTime, c.validFrom]),
    );
    expect(ours).toEqual(rows.map((r) => Object.values(r)));
  });

  it('splits Unavailable states into state and reason and reads the raw PEMs', () => {
    const broken = dump.certificates[3]!;
    expect(broken.state).toBe('Unavailable');
    expect(broken.reason).toMatch(/^signing gRPC error .*CERTIFICATE_VERIFY_FAILED\]$/);
    const leaf = dump.certificates[0]!.leaf!;
    expect(leaf.pemEncoding).toBe('pem');
    expect(leaf.pointer).toBe('/certificates/0/certChain/0');
    expect(dump.certificates[0]!.legacyRootInChain).toBe(true);
    expect(dump.certificates[0]!.root!.serialHex).toBe('8a516645c40ce76c2c0d27ab4e2461c1');
  });

  it('matches policies.txt', () => {
    const rows = table(read('policies.txt'), ['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE']);
    expect(dump.policies.map((p) => [p.namespace, p.name, p.action, p.scope])).toEqual(rows.map((r) => Object.values(r)));
    expect(dump.policies.map((p) => p.allowsNothing)).toEqual([true, false]);
  });

  it('reads workloadState with connections like connectionsummary.txt', () => {
    const rows = table(read('connectionsummary.txt'), ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL']);
    for (const row of rows) {
      const ws = dump.workloadState.find((s) => `${s.name}.${s.namespace}` === row['WORKLOAD'])!;
      expect(ws.state).toBe('Up');
      const list = row['DIRECTION'] === 'Inbound' ? ws.connections!.inbound : ws.connections!.outbound;
      const local = row['DIRECTION'] === 'Inbound' ? 'actualDst' : 'src';
      const c = list.find((x) => x[local] === row['LOCAL'])!;
      expect(c.originalDst ?? '').toBe(row['REMOTE TARGET']);
      expect(c.protocol).toBe(row['PROTOCOL']);
    }
    const productpage = dump.workloadState.find((s) => s.uid === '54ce2023-7c77-4bb8-b6c3-eccf619cd6f2')!;
    expect(productpage.connections!.inbound[0]).not.toHaveProperty('originalDst');
  });

  it('gives the same workload states as connectionsdump.json (istioctl connections -o json)', () => {
    type Conn = { src: string; originalDst?: string | null; actualDst: string; protocol: string };
    type State = { state: string; info: { name: string; namespace: string; serviceAccount: string }; connections: { inbound: Conn[]; outbound: Conn[] } };
    const conn = (c: Conn) => [c.src, c.originalDst ?? '', c.actualDst, c.protocol];
    const theirs = (JSON.parse(read('connectionsdump.json')) as State[]).map((s) => [s.info.name, s.info.namespace, s.info.serviceAccount, s.state, s.connections.inbound.map(conn), s.connections.outbound.map(conn)]);
    const ours = [...dump.workloadState]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => [s.name, s.namespace, s.serviceAccount, s.state, s.connections!.inbound.map(conn), s.connections!.outbound.map(conn)]);
    expect(ours).toEqual(theirs);
  });

  it('reads ≤1.23 endpoints keyed uid:network/ip', () => {
    const waypoint = dump.services.find((s) => s.name === 'namespace-istio-waypoint')!;
    expect(waypoint.vipAddresses).toEqual(['10.96.65.117']);
    expect(waypoint.endpoints).toEqual([
      expect.objectContaining({ workloadUid: 'Kubernetes//Pod/bookinfo/namespace-istio-waypoint-d94944bf6-z89g2', address: '/10.244.2.52', port: { '15008': 15008, '15021': 15021 } }),
    ]);
    expect(waypoint.endpoints[0]).not.toHaveProperty('status');
  });
});

describe.skipIf(!existsSync(localConfig))('istio-cni localhost.yaml as ztunnel staticConfig (skipped: ../shared not present)', () => {
  it('reads the local config shape (services as a map on workloads)', () => {
    const local = parseYaml(readFileSync(localConfig, 'utf8')) as Record<string, unknown>;
    const dump = normalizeConfigDump({ staticConfig: local }, 'ztunnel/ztunnel-x/config_dump.json');
    expect(dump.warnings).toEqual([]);
    const wl = dump.staticConfig!.workloads;
    expect(wl.map((w) => [w.name, w.protocol, w.workloadIps.join(','), w.pointer])).toEqual([
      ['local', 'HBONE', '127.0.0.1', '/staticConfig/workloads/0'],
      ['local-tcp', 'TCP', '127.0.0.2', '/staticConfig/workloads/1'],
    ]);
    expect(wl[0]!.services).toEqual(['default/example.com', 'default/example2.com']);
    expect(dump.staticConfig!.services.map((s) => s.vipAddresses[0])).toEqual(['127.10.0.1', '127.10.0.2']);
    expect(dump.staticConfig!.services[1]!.ports).toEqual({ '80': 8080 });
    expect(dump.staticConfig!.policies[0]).toMatchObject({ name: 'deny-9999', action: 'Allow', scope: 'Namespace', allowsNothing: false });
    expect(dump.workloads).toEqual([]);
  });
});
