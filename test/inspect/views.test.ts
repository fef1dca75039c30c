/**
 * The views on a dump of our own in the current (≥1.23, list-shaped) config_dump format: the
 * cases istioctl's fixture does not reach (address-to-name replacement in connections, --raw,
 * --direction, IPv6, waypoints by hostname or unknown, hostname-only workloads, per-endpoint
 * health, separate rootCerts and intermediates, Unavailable states) and Go's JSON details.
 */
import { describe, expect, it } from 'vitest';
import type { InspectFilter } from '../../src/inspect/filter.js';
import { renderView, type InspectView } from '../../src/inspect/render.js';
import { parseConfigDump } from '../../src/parse/configDump.js';

const AT = '2026-11-25T09:30:00Z';
const cert = (serialNumber: string, validFrom: string, expirationTime: string) => ({ pem: '', serialNumber, validFrom, expirationTime });

const doc = {
  workloads: [
    { uid: 'Kubernetes//Pod/shop/web-1', workloadIps: ['10.0.1.5'], protocol: 'HBONE', name: 'web-1', namespace: 'shop', serviceAccount: 'web', node: 'node-a', status: 'Healthy', waypoint: { destination: 'shop/waypoint.shop.svc.cluster.local', hboneMtlsPort: 15008 } },
    { uid: 'Kubernetes//Pod/shop/api-1', workloadIps: ['10.0.1.6'], protocol: 'HBONE', name: 'api-1', namespace: 'shop', serviceAccount: 'api', node: 'node-b', status: 'Unhealthy', waypoint: { destination: '/10.96.9.9', hboneMtlsPort: 15008 } },
    { uid: 'Kubernetes//Pod/shop/db-1', workloadIps: ['fd00::7'], name: 'db-1', namespace: 'shop', serviceAccount: 'db', node: 'node-a' },
    { uid: 'cluster1/networking.istio.io/WorkloadEntry/ext/vm', hostname: 'vm.example.com', name: 'vm', namespace: 'ext', protocol: 'TCP', node: '' },
  ],
  services: [
    { name: 'waypoint', namespace: 'shop', hostname: 'waypoint.shop.svc.cluster.local', vips: ['/10.96.0.50'], ports: { '15008': 15008 }, endpoints: {} },
    {
      name: 'api', namespace: 'shop', hostname: 'api.shop.svc.cluster.local', vips: ['/10.96.0.60', 'net2/10.97.0.60'], ports: { '9080': 8080, '15021': 15021 },
      endpoints: {
        'Kubernetes//Pod/shop/api-1': { workloadUid: 'Kubernetes//Pod/shop/api-1', port: { '9080': 8080 } },
        'Kubernetes//Pod/shop/web-1': { workloadUid: 'Kubernetes//Pod/shop/web-1', port: { '9080': 8080 }, status: 'Unhealthy' },
        'Kubernetes//Pod/shop/gone': { workloadUid: 'Kubernetes//Pod/shop/gone', port: { '9080': 8080 }, status: 'Healthy' },
      },
      subjectAltNames: ['spiffe://cluster.local/ns/shop/sa/<api>&co'],
    },
  ],
  policies: [],
  certificates: [
    { identity: 'spiffe://cluster.local/ns/shop/sa/web', state: 'Available', certChain: [cert('255', '2026-11-25T08:00:00Z', '2026-11-26T08:00:00Z'), cert('4096', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')], rootCerts: [cert('1', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z')] },
    { identity: 'spiffe://cluster.local/ns/shop/sa/api', state: 'Unavailable: signing gRPC error', certChain: [], rootCerts: [] },
    { identity: 'spiffe://cluster.local/ns/other/sa/x', state: 'Available', certChain: [cert('', '', '')] },
  ],
  workloadState: {
    'uid-web': {
      state: 'Up',
      info: { name: 'web-1', namespace: 'shop', serviceAccount: 'web' },
      connections: {
        inbound: [{ src: '10.0.1.6:41000', originalDst: 'web.shop.svc.cluster.local', actualDst: '10.0.1.5:8080', protocol: 'HBONE' }],
        outbound: [
          { src: '10.0.1.5:52000', originalDst: '10.96.0.60:9080', actualDst: '10.0.1.6:15008', protocol: 'HBONE' },
          { src: '10.0.1.5:52001', originalDst: '[fd00::7]:5432', actualDst: '[fd00::7]:5432', protocol: 'TCP' },
          { src: '10.0.1.5:52002', originalDst: '192.0.2.1:443', actualDst: '192.0.2.1:443', protocol: 'TCP' },
        ],
      },
    },
  },
};

const dump = parseConfigDump(JSON.stringify(doc), 'config_dump.json');
const show = (view: InspectView, filter: Partial<InspectFilter> = {}, format: 'table' | 'json' | 'yaml' = 'table') =>
  renderView(dump, { view, format, filter: { at: AT, ...filter } });

describe('workloads', () => {
  it('names waypoints by hostname or VIP, NA when unknown, and falls back to the hostname address', () => {
    expect(show('workloads')).toBe(
      [
        'NAMESPACE POD NAME ADDRESS        NODE   WAYPOINT PROTOCOL',
        'ext       vm       vm.example.com        None     TCP',
        'shop      api-1    10.0.1.6       node-b NA       HBONE',
        'shop      db-1     fd00::7        node-a None     TCP',
        'shop      web-1    10.0.1.5       node-a waypoint HBONE',
        '',
      ].join('\n'),
    );
  });
});

describe('services', () => {
  it('strips networks from VIPs and counts an endpoint healthy by its own status, else its workload', () => {
    expect(show('services')).toBe(
      [
        'NAMESPACE SERVICE NAME SERVICE VIP           WAYPOINT ENDPOINTS',
        'shop      api          10.96.0.60,10.97.0.60 None     1/3',
        'shop      waypoint     10.96.0.50            None     0/0',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON as Go does: map keys in string order, <, > and & escaped, one trailing newline', () => {
    const json = show('services', { namespace: 'shop' }, 'json');
    expect(json.endsWith('}\n]\n')).toBe(true);
    expect(json).toContain('"spiffe://cluster.local/ns/shop/sa/\\u003capi\\u003e\\u0026co"');
    // "15021" sorts before "9080" as a string, though JavaScript would put 9080 first.
    expect(json.indexOf('"15021": 15021')).toBeLessThan(json.indexOf('"9080": 8080'));
    expect(json).toContain('\n        "ports": {\n            "15021": 15021,\n');
    expect(JSON.parse(json)).toHaveLength(2);
  });
});

describe('connections', () => {
  it('replaces addresses by service or workload names, services first, unless raw', () => {
    expect(show('connections')).toBe(
      [
        'WORKLOAD   DIRECTION LOCAL            REMOTE           REMOTE TARGET                   PROTOCOL',
        'web-1.shop Inbound   web-1.shop:8080  api-1.shop:41000 web.shop.svc.cluster.local      HBONE',
        'web-1.shop Outbound  web-1.shop:52000 api-1.shop:15008 api.shop.svc.cluster.local:9080 HBONE',
        'web-1.shop Outbound  web-1.shop:52001 db-1.shop:5432   db-1.shop:5432                  TCP',
        'web-1.shop Outbound  web-1.shop:52002 192.0.2.1:443    192.0.2.1:443                   TCP',
        '',
      ].join('\n'),
    );
  });

  it('--raw keeps addresses and --direction keeps one side', () => {
    const raw = show('connections', { raw: true, direction: 'outbound' });
    const rows = raw.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/));
    expect(rows).toEqual([
      ['web-1.shop', 'Outbound', '10.0.1.5:52000', '10.0.1.6:15008', '10.96.0.60:9080', 'HBONE'],
      ['web-1.shop', 'Outbound', '10.0.1.5:52001', '[fd00::7]:5432', '[fd00::7]:5432', 'TCP'],
      ['web-1.shop', 'Outbound', '10.0.1.5:52002', '192.0.2.1:443', '192.0.2.1:443', 'TCP'],
    ]);
    expect(show('connections', { direction: 'inbound' }).trimEnd().split('\n')).toHaveLength(2);
  });

  it('-o json drops the connections of the other direction', () => {
    const items = JSON.parse(show('connections', { direction: 'inbound' }, 'json')) as { info: { trustDomain: string }; connections: { outbound: unknown[] } }[];
    expect(items).toHaveLength(1);
    expect(items[0]!.connections.outbound).toEqual([]);
  });
});

describe('certificates', () => {
  it('rows per chain entry and root, Unavailable shortened, NA rows, hex serials, validity at the given time', () => {
    const rows = show('certificates').trimEnd().split('\n').map((l) => l.split(/ {5,}/));
    expect(rows).toEqual([
      ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'],
      ['spiffe://cluster.local/ns/shop/sa/web', 'Leaf', 'Available', 'true', 'ff', '2026-11-26T08:00:00Z', '2026-11-25T08:00:00Z'],
      ['spiffe://cluster.local/ns/shop/sa/web', 'Intermediate', 'Available', 'true', '1000', '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['spiffe://cluster.local/ns/shop/sa/web', 'Root', 'Available', 'true', '1', '2035-01-01T00:00:00Z', '2025-01-01T00:00:00Z'],
      ['spiffe://cluster.local/ns/shop/sa/api', 'NA', 'Unavailable', 'false', 'NA', 'NA', 'NA'],
      ['spiffe://cluster.local/ns/other/sa/x', 'Leaf', 'Available', 'false', '<nil>', 'NA', 'NA'],
    ]);
    const later = show('certificates', { at: '2026-12-01T00:00:00Z' }).split('\n')[1]!;
    expect(later.split(/ {5,}/)[3]).toBe('false');
  });

  it('--namespace keeps identities of that namespace; --pod the pod\'s own identity', () => {
    const identities = (out: string) => out.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/)[0]);
    expect(identities(show('certificates', { namespace: 'other' }))).toEqual(['spiffe://cluster.local/ns/other/sa/x']);
    expect(new Set(identities(show('certificates', { workload: { namespace: 'shop', name: 'web-1' } })))).toEqual(new Set(['spiffe://cluster.local/ns/shop/sa/web']));
  });

  it('-o json separates certChain and rootCerts and keeps the raw state', () => {
    const items = JSON.parse(show('certificates', {}, 'json')) as { state: string; certChain: { serialNumber: string }[]; rootCerts: { serialNumber: string }[] }[];
    expect(items[0]!.certChain.map((c) => c.serialNumber)).toEqual(['255', '4096']);
    expect(items[0]!.rootCerts.map((c) => c.serialNumber)).toEqual(['1']);
    expect(items[1]!.state).toBe('Unavailable: signing gRPC error');
  });
});
