/**
 * Our own ztunnel config dumps, written in the real formats: the current list shape with fields
 * omitted at their default, base64 PEMs and split rootCerts (≥1.26), the 1.22 map shape, and
 * damaged documents. Wrong field types are dropped with a warning naming the pointer; only a
 * document that is not a JSON object is refused, with a BundleError naming the file.
 */
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { certValidAt, serialToHex, splitCertState } from '../../src/parse/certs.js';
import { parseConfigDump } from '../../src/parse/configDump.js';
import { createLocator } from '../../src/parse/jsonLocate.js';

const FILE = 'ztunnel/ztunnel-6hvcw/config_dump.json';

/** A self-signed P-256 certificate we generated (serial 0x0ab1, SAN spiffe://cluster.local/ns/default/sa/sleep). */
const PEM = `-----BEGIN CERTIFICATE-----
MIIBqjCCAVKgAwIBAgICCrEwCgYIKoZIzj0EAwIwGDEWMBQGA1UECgwNY2x1c3Rl
ci5sb2NhbDAeFw0yNjExMjUxMDM2MjdaFw0yNjExMjYxMDM2MjdaMBgxFjAUBgNV
BAoMDWNsdXN0ZXIubG9jYWwwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASZSfYF
XB8Cjcd6g4aROmjspSwk2DSqmFJNOUnsDEDrxxxe/7sf36i+Yv9EKnY/kPTGzWkx
2vMn0HV0CeL56pk4o4GLMIGIMB0GA1UdDgQWBBQan0vshJAcVE7fD4qDPqa9outq
wzAfBgNVHSMEGDAWgBQan0vshJAcVE7fD4qDPqa9outqwzAPBgNVHRMBAf8EBTAD
AQH/MDUGA1UdEQQuMCyGKnNwaWZmZTovL2NsdXN0ZXIubG9jYWwvbnMvZGVmYXVs
dC9zYS9zbGVlcDAKBggqhkjOPQQDAgNGADBDAiAxwVBl+r94owQiRZIytW5G9pHr
bakAk56WD+FFapmqHwIffSG50cGLP0qagQIFFpu+CoCNYVe4FG3NIWbREGlFNg==
-----END CERTIFICATE-----
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const cert = (serial: string, from: string, to: string) => ({ expirationTime: to, pem: b64(PEM), serialNumber: serial, validFrom: from });

/** A current (≥1.26) dump: arrays, keys sorted, defaults omitted. */
const current = {
  certificates: [
    {
      certChain: [cert('2737', '2026-11-25T10:36:27Z', '2026-11-26T10:36:27Z'), cert('4096', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z')],
      identity: 'spiffe://cluster.local/ns/default/sa/sleep',
      rootCerts: [cert('1', '2025-01-01T00:00:00Z', '2035-01-01T00:00:00Z')],
      state: 'Available',
    },
    { certChain: [], identity: 'spiffe://cluster.local/ns/default/sa/gone', rootCerts: [], state: 'Unavailable: the identity is no longer needed' },
  ],
  config: { clusterDomain: 'cluster.local', proxyMode: 'Shared', adminAddr: { Localhost: [true, 15000] } },
  policies: [{ action: 'Deny', dryRun: true, name: 'deny-all', namespace: 'prod', rules: [[[{ namespaces: [{ Exact: 'test' }] }]]], scope: 'Namespace' }],
  services: [
    {
      canonical: true,
      endpoints: {
        'Kubernetes//Pod/default/sleep-6f7c5b9d8-abcde': { port: { '80': 8080 }, status: 'Unhealthy', workloadUid: 'Kubernetes//Pod/default/sleep-6f7c5b9d8-abcde' },
      },
      hostname: 'sleep.default.svc.cluster.local',
      ipFamilies: 'IPv4',
      name: 'sleep',
      namespace: 'default',
      ports: { '80': 8080 },
      subjectAltNames: [],
      vips: ['/10.96.12.7'],
      visibility: 'Public',
      waypoint: { destination: 'default/waypoint.default.svc.cluster.local', hboneMtlsPort: 15008 },
    },
  ],
  stagedServices: { 'default/late.default.svc.cluster.local': { 'Kubernetes//Pod/default/late-1': { port: {}, status: 'Healthy', workloadUid: 'Kubernetes//Pod/default/late-1' } } },
  version: { buildProfile: 'release', gitRevision: 'abc123', istioVersion: '1.26.2', rustVersion: '1.85.0', version: '1.26.2' },
  workloadState: { 'b1c2d3e4-0000-4000-8000-000000000001': { info: { name: 'sleep-6f7c5b9d8-abcde', namespace: 'default', serviceAccount: 'sleep' }, state: 'Pending' } },
  workloads: [
    { capacity: 1, clusterId: 'Kubernetes', name: 'plain-7d9c', namespace: 'legacy', networkMode: 'Standard', node: 'worker-1', protocol: 'TCP', status: 'Healthy', uid: 'Kubernetes//Pod/legacy/plain-7d9c', workloadIps: ['10.244.1.9'] },
    {
      capacity: 1, clusterId: 'Kubernetes', name: 'sleep-6f7c5b9d8-abcde', namespace: 'default', networkMode: 'Standard', node: 'worker-1', protocol: 'HBONE',
      serviceAccount: 'sleep', services: ['default/sleep.default.svc.cluster.local'], status: 'Unhealthy', uid: 'Kubernetes//Pod/default/sleep-6f7c5b9d8-abcde',
      waypoint: { destination: 'defaultnw/10.96.0.99', hboneMtlsPort: 15008 }, workloadIps: ['10.244.1.5', 'fd00:10:244::5'], workloadName: 'sleep', workloadType: 'deployment',
    },
  ],
};

describe('parseConfigDump: current list shape', () => {
  const text = JSON.stringify(current, null, 2);
  const dump = parseConfigDump(text, FILE);

  it('fills omitted defaults and records which were filled', () => {
    expect(dump.shape).toBe('list');
    expect(dump.warnings).toEqual([]);
    const plain = dump.workloads[0]!;
    expect(plain).toMatchObject({ trustDomain: 'cluster.local', serviceAccount: 'default', protocol: 'TCP', status: 'Healthy', nativeTunnel: false, pointer: '/workloads/0' });
    expect(plain.defaulted.sort()).toEqual(['serviceAccount', 'trustDomain']);
    expect(plain).not.toHaveProperty('waypoint');
    expect(plain).not.toHaveProperty('hostname');
    const sleep = dump.workloads[1]!;
    expect(sleep).toMatchObject({ protocol: 'HBONE', status: 'Unhealthy', serviceAccount: 'sleep', workloadIps: ['10.244.1.5', 'fd00:10:244::5'] });
    expect(sleep.waypoint).toEqual({ destination: 'defaultnw/10.96.0.99', network: 'defaultnw', address: '10.96.0.99', hboneMtlsPort: 15008 });
    expect(Object.values(sleep).includes(undefined)).toBe(false);
  });

  it('reads services with ≥1.24 endpoints and hostname waypoints', () => {
    const svc = dump.services[0]!;
    expect(svc.vipAddresses).toEqual(['10.96.12.7']);
    expect(svc.waypoint).toMatchObject({ namespace: 'default', hostname: 'waypoint.default.svc.cluster.local' });
    expect(svc.endpoints).toEqual([
      { pointer: '/services/0/endpoints/Kubernetes~1~1Pod~1default~1sleep-6f7c5b9d8-abcde', workloadUid: 'Kubernetes//Pod/default/sleep-6f7c5b9d8-abcde', port: { '80': 8080 }, status: 'Unhealthy' },
    ]);
    const locate = createLocator(text);
    expect(text.split('\n')[locate.line(svc.endpoints[0]!.pointer)! - 1]).toContain('"Kubernetes//Pod/default/sleep-6f7c5b9d8-abcde": {');
    expect(dump.stagedServices).toEqual([expect.objectContaining({ service: 'default/late.default.svc.cluster.local', endpoints: [expect.objectContaining({ workloadUid: 'Kubernetes//Pod/default/late-1' })] })]);
  });

  it('decodes base64 PEMs and splits rootCerts (≥1.26)', () => {
    const [ok, gone] = dump.certificates;
    expect(ok!.certs.map((c) => c.type)).toEqual(['Leaf', 'Intermediate', 'Root']);
    expect(ok!.legacyRootInChain).toBe(false);
    expect(ok!.leaf).toMatchObject({ serialHex: 'ab1', pemEncoding: 'base64', subjectAltName: 'URI:spiffe://cluster.local/ns/default/sa/sleep', subject: 'O=cluster.local' });
    expect(ok!.root).toMatchObject({ serialHex: '1', pointer: '/certificates/0/rootCerts/0' });
    expect(gone).toMatchObject({ state: 'Unavailable', reason: 'the identity is no longer needed', certs: [], chainLength: 0 });
    expect(gone).not.toHaveProperty('leaf');
  });

  it('keeps policies, workloadState, version and config', () => {
    expect(dump.policies[0]).toMatchObject({ action: 'Deny', scope: 'Namespace', dryRun: true, allowsNothing: false, rules: current.policies[0]!.rules });
    expect(dump.workloadState).toEqual([{ pointer: '/workloadState/b1c2d3e4-0000-4000-8000-000000000001', uid: 'b1c2d3e4-0000-4000-8000-000000000001', state: 'Pending', name: 'sleep-6f7c5b9d8-abcde', namespace: 'default', serviceAccount: 'sleep' }]);
    expect(dump.version).toEqual(current.version);
    expect(dump.config?.['proxyMode']).toBe('Shared');
    expect(dump.keys).toContain('stagedServices');
  });
});

describe('parseConfigDump: 1.22 map shape and damage', () => {
  it('reads maps keyed network/IP, ns/name and escapes the keys in pointers', () => {
    const doc = {
      workloads: { 'net~a/10.0.0.1': { name: 'a', namespace: 'ns', protocol: 'HBONE', workloadIps: ['10.0.0.1'], waypoint: { destination: '/10.96.0.5', port: 15008 } } },
      services: { '/10.96.0.5': { name: 'wp', namespace: 'ns', hostname: 'wp.ns.svc.cluster.local', vips: ['/10.96.0.5'], ports: {}, endpoints: {} } },
      policies: { 'ns/deny': { name: 'deny', namespace: 'ns', action: 'Deny', scope: 'Global', rules: [] } },
    };
    const dump = parseConfigDump(JSON.stringify(doc), FILE);
    expect(dump.shape).toBe('map');
    expect(dump.workloads[0]).toMatchObject({ pointer: '/workloads/net~0a~110.0.0.1', key: 'net~a/10.0.0.1', waypoint: { address: '10.96.0.5', hboneMtlsPort: 15008 } });
    expect(dump.policies[0]).toMatchObject({ pointer: '/policies/ns~1deny', action: 'Deny', allowsNothing: false });
    expect(dump.workloadState).toEqual([]);
  });

  it('drops wrongly typed fields with a warning naming the pointer', () => {
    const doc = { workloads: [{ name: 'a', namespace: 'ns', workloadIps: 'not-a-list', protocol: 7, nativeTunnel: 'yes' }, 'junk'], certificates: [{ identity: 'x', state: 'Available', certChain: [{ serialNumber: 'zz', pem: '%%%' }] }] };
    const dump = parseConfigDump(JSON.stringify(doc), FILE);
    expect(dump.workloads).toHaveLength(1);
    expect(dump.workloads[0]).toMatchObject({ workloadIps: [], nativeTunnel: false, protocol: 'TCP' });
    expect(dump.warnings).toEqual(expect.arrayContaining([
      '/workloads/0/workloadIps: expected an array, got a string',
      '/workloads/0/nativeTunnel: expected a boolean, got a string',
      '/workloads/0/protocol: expected a string, got a number',
      '/workloads/1: expected an object, got a string',
      '/certificates/0/certChain/0/serialNumber: serial number is not a decimal integer',
    ]));
    expect(dump.certificates[0]!.leaf).toMatchObject({ pemEncoding: 'invalid' });
    expect(dump.certificates[0]!.leaf).not.toHaveProperty('serialHex');
  });

  it('warns about pre-1.22 snake_case dumps instead of pretending they are empty', () => {
    const dump = parseConfigDump('{"by_addr": {}, "certificates": []}', FILE);
    expect(dump.warnings[0]).toMatch(/pre-1\.22 dump keys \(by_addr\)/);
  });

  it.each([
    ['truncated', '{"workloads": [{"name": "a"', /invalid JSON at line 1 column 28: unexpected end of input/],
    ['not an object', '[1, 2]', /config dump is not a JSON object/],
    ['empty', '', /invalid JSON at line 1 column 1/],
    ['hostilely nested', `{"workloads": ${'['.repeat(50_000)}`, /invalid JSON at line 1 column 526: nesting deeper than 512 levels/],
  ])('refuses a %s document with a BundleError naming the file', (_name, text, problem) => {
    let caught: unknown;
    try {
      parseConfigDump(text, FILE);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BundleError);
    expect((caught as BundleError).file).toBe(FILE);
    expect((caught as BundleError).problem).toMatch(problem);
  });
});

describe('certificate helpers', () => {
  it('converts decimal serials to istioctl hex', () => {
    expect(serialToHex('305554775863395697262503895661564044819')).toBe('e5dfb59150b2ba7f108d93dcec5aa613');
    expect(serialToHex('0')).toBe('0');
    expect(serialToHex('-5')).toBeUndefined();
  });

  it('splits states and checks validity windows strictly', () => {
    expect(splitCertState('Initializing')).toEqual({ state: 'Initializing', reason: '' });
    expect(splitCertState('Unavailable: x: y')).toEqual({ state: 'Unavailable', reason: 'x: y' });
    const c = { validFrom: '2026-01-01T00:00:00Z', expirationTime: '2026-01-02T00:00:00Z' };
    expect(certValidAt(c, '2026-01-01T12:00:00Z')).toBe(true);
    expect(certValidAt(c, '2026-01-02T00:00:00Z')).toBe(false);
    expect(certValidAt({ validFrom: 'soon' }, '2026-01-01T12:00:00Z')).toBe(false);
  });
});
