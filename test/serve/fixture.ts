/**
 * A small bundle written by the tests in the real layout (pods.json, ztunnel/<pod>/…, istiod/…,
 * manifest.json with recorded failures), into a temporary directory, opened with openBundle.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';

export const COLLECTED_AT = '2026-11-25T09:30:00Z';
export const NS = 'istio-system';

function pod(name: string, opts: { ns?: string; node: string; labels: Record<string, string>; containers: string[]; phase?: string; uid?: string }) {
  return {
    metadata: {
      name,
      namespace: opts.ns ?? NS,
      uid: opts.uid ?? `uid-${name}`,
      labels: opts.labels,
      creationTimestamp: '2026-11-24T08:00:00Z',
      resourceVersion: '1001',
    },
    spec: { nodeName: opts.node, containers: opts.containers.map((c) => ({ name: c, image: `docker.io/istio/${c}:1.28.0` })) },
    status: { phase: opts.phase ?? 'Running', podIP: '10.244.1.5', startTime: '2026-11-24T08:00:05Z' },
  };
}

export const PODS = [
  pod('ztunnel-aaaaa', { node: 'node-1', labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel' }, containers: ['istio-proxy'] }),
  pod('ztunnel-bbbbb', { node: 'node-2', labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel' }, containers: ['istio-proxy'] }),
  pod('istiod-7d9f8-xk2lp', { node: 'node-1', labels: { app: 'istiod', istio: 'pilot' }, containers: ['discovery'] }),
  pod('istio-cni-node-q8w4r', { node: 'node-2', labels: { 'k8s-app': 'istio-cni-node' }, containers: ['install-cni'] }),
  pod('productpage-v1-5c8f', { ns: 'bookinfo', node: 'node-2', labels: { app: 'productpage', version: 'v1' }, containers: ['productpage'] }),
  pod('reviews-v2-9a1b', { ns: 'bookinfo', node: 'node-1', labels: { app: 'reviews', version: 'v2' }, containers: ['reviews'], phase: 'Pending' }),
];

/** ztunnel's plain log format: RFC 3339 µs timestamp, TAB, level, TAB, target, TAB, message. */
export const ZTUNNEL_LOG_LINES = [
  '2026-11-25T07:00:00.000001Z\tinfo\tztunnel\tversion: 1.28.0',
  '2026-11-25T07:00:00.100000Z\tinfo\tapp\trunning with config: |',
  '  proxy: true',
  '  dnsProxy: true',
  '2026-11-25T08:45:00.000000Z\twarn\txds::client:xds{id=1}\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unknown, retrying in 100ms',
  '2026-11-25T09:10:00.000000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.5:43560 dst.addr=10.244.2.7:15008 direction="inbound" bytes_sent=1024 bytes_recv=512 duration="12ms"',
  '2026-11-25T09:20:00.000000Z\terror\taccess\tconnection complete\tsrc.addr=10.244.1.5:43562 dst.addr=10.244.2.7:15008 direction="outbound" error="connection closed due to policy rejection: allow policies exist, but none allowed"',
  '2026-11-25T09:29:30.000000Z\tinfo\tinpod::statemanager\tpod WorkloadUid("uid-productpage") received netns, starting proxy',
];

export const CONFIG_DUMP = {
  workloads: [{ uid: 'Kubernetes//Pod/bookinfo/productpage-v1-5c8f', name: 'productpage-v1-5c8f', namespace: 'bookinfo', protocol: 'HBONE', node: 'node-2' }],
  services: [],
  policies: [],
  certificates: [{ identity: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage', state: 'Available', certChain: [] }],
  config: { proxyMode: 'Shared' },
};

export const METRICS = [
  '# HELP istio_tcp_connections_opened The total number of TCP connections opened.',
  '# TYPE istio_tcp_connections_opened counter',
  'istio_tcp_connections_opened_total{reporter="destination",source_workload="productpage-v1"} 12',
  '# EOF',
  '',
].join('\n');

export interface TestBundle {
  dir: string;
  bundle: BundleSource;
  cleanup(): Promise<void>;
}

export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

export function standardFiles(): Record<string, string> {
  const list = (kind: string, apiVersion: string, items: unknown[]) => JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '4242' }, items }, null, 2);
  return {
    'manifest.json': JSON.stringify({
      schemaVersion: '1',
      tool: { name: 'ztunnel-bundle', version: '0.1.0' },
      collectedAt: COLLECTED_AT,
      status: 'partial',
      artifacts: [
        { path: 'ztunnel/ztunnel-bbbbb/config_dump.json', target: `GET pod ${NS}/ztunnel-bbbbb :15000/config_dump`, status: 'error', httpStatus: 403, error: 'pods "ztunnel-bbbbb" is forbidden: User "support" cannot create resource "pods/portforward" in API group "" in the namespace "istio-system"' },
        { path: 'cni/istio-cni-node-q8w4r/install-cni.log', target: `logs pod ${NS}/istio-cni-node-q8w4r -c install-cni`, status: 'error', httpStatus: 500, error: 'Get "https://10.0.0.12:10250/containerLogs/istio-system/istio-cni-node-q8w4r/install-cni": remote error: tls: internal error' },
      ],
    }),
    'cluster/version.json': JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.4', platform: 'linux/amd64' }),
    'cluster/pods.json': list('PodList', 'v1', PODS),
    'cluster/nodes.json': list('NodeList', 'v1', ['node-1', 'node-2'].map((n) => ({ metadata: { name: n, labels: { 'kubernetes.io/hostname': n } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }))),
    'cluster/namespaces.json': list('NamespaceList', 'v1', [NS, 'bookinfo'].map((n) => ({ metadata: { name: n, labels: n === 'bookinfo' ? { 'istio.io/dataplane-mode': 'ambient' } : {} } }))),
    'cluster/daemonsets.json': list('DaemonSetList', 'apps/v1', [{ metadata: { name: 'ztunnel', namespace: NS, labels: { app: 'ztunnel' } }, status: { desiredNumberScheduled: 2, numberReady: 2 } }]),
    'cluster/istio/authorizationpolicies.security.istio.io.json': list('AuthorizationPolicyList', 'security.istio.io/v1', [
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'bookinfo' }, spec: {} },
    ]),
    'cluster/configmaps/istio-system/istio.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: NS }, data: { mesh: 'defaultConfig: {}\n' } }),
    'ztunnel/ztunnel-aaaaa/config_dump.json': JSON.stringify(CONFIG_DUMP, null, 2),
    'ztunnel/ztunnel-aaaaa/metrics.prom': METRICS,
    'ztunnel/ztunnel-aaaaa/ready.txt': '200\nready\n',
    'ztunnel/ztunnel-aaaaa/ztunnel.log': ZTUNNEL_LOG_LINES.join('\n') + '\n',
    'ztunnel/ztunnel-aaaaa/ztunnel.previous.log': '2026-11-24T23:59:59.000000Z\terror\tztunnel\tpanicked at src/proxy.rs:42\n',
    'ztunnel/ztunnel-bbbbb/ready.txt': '500\nnot ready, pending: state manager\n',
    'ztunnel/ztunnel-bbbbb/ztunnel.log': '2026-11-25T09:00:00.000000Z\tinfo\tztunnel\tversion: 1.28.0\n',
    'istiod/istiod-7d9f8-xk2lp/discovery.log': '2026-11-25T09:29:00.000000Z\tinfo\tads\tADS: new connection for node:ztunnel-aaaaa.istio-system-1\n',
    'istiod/istiod-7d9f8-xk2lp/debug/syncz.json': JSON.stringify([{ cluster_id: 'Kubernetes', proxy: 'ztunnel-aaaaa.istio-system', proxy_type: 'ztunnel' }]),
    'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json': JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/istio.workload.Address', workload: { uid: 'x' } }] }),
    'istiod/istiod-7d9f8-xk2lp/metrics.prom': '# TYPE pilot_xds_pushes counter\npilot_xds_pushes{type="wds"} 4\n',
  };
}

export async function makeBundle(files: Record<string, string> = standardFiles()): Promise<TestBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'serve-test-'));
  await writeFiles(dir, files);
  const bundle = await openBundle(dir);
  return {
    dir,
    bundle,
    async cleanup() {
      await bundle.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
