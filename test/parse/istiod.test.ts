/**
 * istiod debug views written by us from their documented shapes (pilot/pkg/xds/debug.go):
 * syncz with per-type nonces and a NACK, adsz/connections, ambientz with base64-of-text IPs, and a
 * ztunnel config_dump with raw-bytes IPs (IPv4 and IPv6) and protojson enums. The normalized
 * results must be directly comparable with the ztunnel config dump's.
 */
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import {
  ADDRESS_TYPE, AUTHORIZATION_TYPE, decodeAddress, formatIpBytes, parseAdsz, parseAmbientz,
  parseIstiodConfigDump, parseIstiodNotConnected, parseSyncz, splitConnectionId,
} from '../../src/parse/istiod.js';

const text64 = (s: string) => Buffer.from(s).toString('base64');
const bytes64 = (b: number[]) => Buffer.from(b).toString('base64');

describe('parseSyncz', () => {
  const syncz = [
    {
      cluster_id: 'Kubernetes', proxy: 'ztunnel-6hvcw.istio-system', proxy_type: 'ztunnel', proxy_version: '1.26.2', istio_version: '1.26.2',
      resources: {
        [ADDRESS_TYPE]: { sent: 'a1b2', acked: 'a1b2', sentTime: '2026-11-25T09:29:00Z' },
        [AUTHORIZATION_TYPE]: { sent: 'c3d4', acked: 'c0c0', lastError: 'unknown field "foo"' },
      },
    },
    { cluster_id: 'Kubernetes', proxy: 'productpage-v1-abc.default', proxy_type: 'sidecar', cluster_sent: 'n1', cluster_acked: 'n1', listener_sent: 'n2' },
  ];

  it('reads ztunnel resources and flags the NACKed type', () => {
    const { items, warnings } = parseSyncz(JSON.stringify(syncz), 'istiod/istiod-1/debug/syncz.json');
    expect(warnings).toEqual([]);
    const zt = items[0]!;
    expect(zt).toMatchObject({ pointer: '/0', proxy: 'ztunnel-6hvcw.istio-system', proxyType: 'ztunnel', istioVersion: '1.26.2', stale: true });
    expect(zt.resources[ADDRESS_TYPE]).toEqual({ sent: 'a1b2', acked: 'a1b2', sentTime: '2026-11-25T09:29:00Z', stale: false });
    expect(zt.resources[AUTHORIZATION_TYPE]).toMatchObject({ stale: true, lastError: 'unknown field "foo"' });
  });

  it('reads the legacy per-type _sent/_acked fields', () => {
    const sidecar = parseSyncz(JSON.stringify(syncz), 'f').items[1]!;
    expect(sidecar.resources['cluster']).toEqual({ sent: 'n1', acked: 'n1', stale: false });
    expect(sidecar.resources['listener']).toEqual({ sent: 'n2', stale: true });
    expect(sidecar.stale).toBe(true);
  });

  it('refuses a document that is not an array', () => {
    expect(() => parseSyncz('{"proxy": "x"}', 'istiod/istiod-1/debug/syncz.json')).toThrow(new BundleError('istiod/istiod-1/debug/syncz.json', 'expected a JSON array'));
  });
});

describe('parseAdsz', () => {
  it('reads clients with watches and splits the connection id', () => {
    const adsz = {
      totalClients: 2,
      clients: [
        { connectionId: 'ztunnel-6hvcw.istio-system-17', connectedAt: '2026-11-25T08:00:00Z', address: '10.244.1.3:43512', labels: { app: 'ztunnel' }, metadata: { NAMESPACE: 'istio-system' }, watches: { [ADDRESS_TYPE]: ['*'], [AUTHORIZATION_TYPE]: [] } },
        { connectionId: 'waypoint-5f8.prod.v1-3', connectedAt: '2026-11-25T08:01:00Z', address: '10.244.2.8:50000' },
      ],
    };
    const out = parseAdsz(JSON.stringify(adsz), 'istiod/istiod-1/debug/adsz.json');
    expect(out.totalClients).toBe(2);
    expect(out.items[0]).toMatchObject({ pointer: '/clients/0', proxy: 'ztunnel-6hvcw.istio-system', podName: 'ztunnel-6hvcw', podNamespace: 'istio-system', watches: { [ADDRESS_TYPE]: ['*'], [AUTHORIZATION_TYPE]: [] } });
    expect(out.items[1]).toMatchObject({ podName: 'waypoint-5f8.prod', podNamespace: 'v1', labels: {}, watches: {} });
    expect(splitConnectionId('ztunnel-abc.istio-system-3')).toEqual({ proxy: 'ztunnel-abc.istio-system', podName: 'ztunnel-abc', podNamespace: 'istio-system' });
  });

  it('accepts a bare array (connections) and refuses scalars', () => {
    expect(parseAdsz('[{"connectionId": "z.ns-1"}]', 'f').items[0]).toMatchObject({ pointer: '/0', podName: 'z' });
    expect(() => parseAdsz('42', 'f')).toThrow(BundleError);
  });
});

describe('istiod ambient views', () => {
  it('decodes addresses in both encodings', () => {
    expect(decodeAddress(text64('10.244.1.5'), 'text')).toBe('10.244.1.5');
    expect(decodeAddress(bytes64([10, 244, 1, 5]), 'bytes')).toBe('10.244.1.5');
    expect(decodeAddress(bytes64([0xfd, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]), 'bytes')).toBe('fd00:10::5');
    expect(decodeAddress('10.0.0.1', 'bytes')).toBe('10.0.0.1');
    expect(decodeAddress(text64('host!'), 'text')).toBeUndefined(); // neither IP text nor 4/16 bytes
    expect(decodeAddress('not base64!', 'text')).toBeUndefined();
    expect(formatIpBytes(new Uint8Array([0x20, 1, 0xd, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe('2001:db8:0:1::1');
    expect(formatIpBytes(new Uint8Array(16))).toBe('::');
  });

  it('normalizes ambientz like a ztunnel dump', () => {
    const ambientz = {
      workloads: [
        { uid: 'Kubernetes//Pod/default/sleep-1', name: 'sleep-1', namespace: 'default', addresses: [text64('10.244.1.5')], tunnelProtocol: 'HBONE', serviceAccount: 'sleep', node: 'worker-1', clusterId: 'Kubernetes', services: { 'default/sleep.default.svc.cluster.local': { ports: [{ servicePort: 80, targetPort: 8080 }] } }, waypoint: { address: { network: '', address: text64('10.96.0.99') }, hboneMtlsPort: 15008 } },
        { workload: { uid: 'Kubernetes//Pod/legacy/plain-1', name: 'plain-1', namespace: 'legacy', addresses: [text64('10.244.2.9')], status: 'UNHEALTHY', workloadType: 'POD' } },
      ],
      services: [{ name: 'sleep', namespace: 'default', hostname: 'sleep.default.svc.cluster.local', addresses: [{ network: '', address: text64('10.96.12.7') }], ports: [{ servicePort: 80, targetPort: 8080 }] }],
      policies: [{ name: 'allow-nothing', namespace: 'default', scope: 'NAMESPACE' }, { name: 'deny', namespace: 'prod', action: 'DENY', groups: [{ rules: [] }] }],
    };
    const view = parseAmbientz(JSON.stringify(ambientz), 'istiod/istiod-1/debug/ambientz.json');
    expect(view.warnings).toEqual([]);
    expect(view.workloads[0]).toMatchObject({
      addresses: ['10.244.1.5'], protocol: 'HBONE', status: 'Healthy', trustDomain: 'cluster.local', workloadType: 'deployment', networkMode: 'Standard',
      services: ['default/sleep.default.svc.cluster.local'], waypoint: { destination: '/10.96.0.99', address: '10.96.0.99', hboneMtlsPort: 15008 },
    });
    expect(view.workloads[1]).toMatchObject({ pointer: '/workloads/1/workload', protocol: 'TCP', status: 'Unhealthy', serviceAccount: 'default', workloadType: 'pod' });
    expect(view.services[0]).toMatchObject({ vips: ['/10.96.12.7'], vipAddresses: ['10.96.12.7'], ports: { '80': 8080 } });
    expect(view.policies.map((p) => [p.name, p.scope, p.action, p.rules.length])).toEqual([['allow-nothing', 'Namespace', 'Allow', 0], ['deny', 'Global', 'Deny', 1]]);
  });

  it('reads a ztunnel config_dump from istiod with raw-bytes IPs and numeric enums', () => {
    const dump = {
      configs: [
        { '@type': ADDRESS_TYPE, workload: { uid: 'Kubernetes//Pod/default/v6-1', name: 'v6-1', namespace: 'default', addresses: [bytes64([10, 244, 3, 4]), bytes64([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4])], tunnel_protocol: 1, network_mode: 1 } },
        { '@type': ADDRESS_TYPE, service: { name: 'kubernetes', namespace: 'default', hostname: 'kubernetes.default.svc.cluster.local', addresses: [{ address: bytes64([10, 96, 0, 1]) }], ports: [{ servicePort: 443, targetPort: 6443 }] } },
        { '@type': AUTHORIZATION_TYPE, name: 'deny-ext', namespace: 'prod', scope: 'WORKLOAD_SELECTOR', action: 'DENY' },
        { '@type': ADDRESS_TYPE, workload: { name: 'bad', addresses: ['!!!'] } },
        { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: 'ignored' },
      ],
    };
    const view = parseIstiodConfigDump(JSON.stringify(dump), 'istiod/istiod-1/debug/config_dump/ztunnel-6hvcw.json');
    expect(view.workloads[0]).toMatchObject({ pointer: '/configs/0/workload', addresses: ['10.244.3.4', 'fd00::4'], protocol: 'HBONE', networkMode: 'HostNetwork' });
    expect(view.services[0]).toMatchObject({ pointer: '/configs/1/service', vips: ['/10.96.0.1'], ports: { '443': 6443 } });
    expect(view.policies[0]).toMatchObject({ pointer: '/configs/2', scope: 'WorkloadSelector', action: 'Deny' });
    expect(view.workloads[1]!.addresses).toEqual([]);
    expect(view.warnings).toEqual(['/configs/3/workload/addresses/0: not an IP address']);
  });

  it('drops wrongly typed fields with warnings instead of failing the view', () => {
    const view = parseAmbientz(JSON.stringify({ workloads: [{ uid: 'u', name: 'w', addresses: 'x', nativeTunnel: 'yes' }, 7], services: {}, policies: [{ name: 'p', rules: 'all' }] }), 'f');
    expect(view.workloads).toHaveLength(1);
    expect(view.workloads[0]).toMatchObject({ addresses: [], nativeTunnel: false });
    expect(view.warnings).toEqual([
      '/workloads/0/addresses: expected an array, got a string',
      '/workloads/0/nativeTunnel: expected a boolean, got a string',
      '/workloads/1: expected an object',
      '/services: expected an array, got an object',
      '/policies/0/rules: expected an array, got a string',
    ]);
    expect(() => parseAmbientz('[]', 'istiod/i/debug/ambientz.json')).toThrow(new BundleError('istiod/i/debug/ambientz.json', 'expected a JSON object'));
  });

  it('recognizes the not-connected 404 body', () => {
    expect(parseIstiodNotConnected('Proxy not connected to this Pilot instance. It may be connected to another instance.\n')).toBe(true);
    expect(parseIstiodNotConnected('{"configs": []}')).toBe(false);
  });
});
