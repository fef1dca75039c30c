/**
 * A small ambient cluster, written by the tests as a bundle directory in the real layout, for the
 * replay server to serve: two ztunnels (one restarted, so it has a previous log), one istiod, one
 * istio-cni node agent, a workload namespace, a config dump in ztunnel's 1.23+ array shape, and a
 * log line with a bearer token that redaction must remove.
 */
import { makeBundle, type TestBundle } from '../serve/fixture.js';

export const NS = 'istio-system';
export const SECRET_TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjFhMmIzYyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

function pod(name: string, o: { ns?: string; node: string; labels: Record<string, string>; container: string; restarts?: number }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.ns ?? NS, uid: `uid-${name}`, labels: o.labels, creationTimestamp: '2026-11-24T08:00:00Z', resourceVersion: '1001' },
    spec: { nodeName: o.node, containers: [{ name: o.container, image: `docker.io/istio/${o.container}:1.28.0` }] },
    status: {
      phase: 'Running',
      podIP: '10.244.1.5',
      containerStatuses: [{ name: o.container, ready: true, restartCount: o.restarts ?? 0, image: 'x', imageID: 'y' }],
    },
  };
}

export const PODS = [
  pod('ztunnel-aaaaa', { node: 'node-1', labels: { app: 'ztunnel' }, container: 'istio-proxy', restarts: 1 }),
  pod('ztunnel-bbbbb', { node: 'node-2', labels: { app: 'ztunnel' }, container: 'istio-proxy' }),
  pod('istiod-7d9f8-xk2lp', { node: 'node-1', labels: { app: 'istiod', istio: 'pilot' }, container: 'discovery' }),
  pod('istio-cni-node-q8w4r', { node: 'node-2', labels: { 'k8s-app': 'istio-cni-node' }, container: 'install-cni' }),
  pod('istio-cni-node-z9y8x', { node: 'node-1', labels: { 'k8s-app': 'istio-cni-node' }, container: 'install-cni' }),
  pod('productpage-v1-5c8f', { ns: 'bookinfo', node: 'node-2', labels: { app: 'productpage' }, container: 'productpage' }),
];

export const configDump = (node: string) => ({
  workloads: [{ uid: 'Kubernetes//Pod/bookinfo/productpage-v1-5c8f', name: 'productpage-v1-5c8f', namespace: 'bookinfo', protocol: 'HBONE', node }],
  services: [],
  policies: [],
  certificates: [{ identity: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage', state: 'Available', certChain: [] }],
  config: { proxyMode: 'Shared' },
});

const METRICS = '# TYPE istio_tcp_connections_opened counter\nistio_tcp_connections_opened_total{reporter="destination"} 12\n# EOF\n';

export function ztunnelLog(lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const ts = new Date(Date.UTC(2026, 10, 25, 9, 0, 0) + i * 10).toISOString().replace('Z', '000Z');
    out.push(`${ts}\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.5:${40000 + (i % 20000)} dst.addr=10.244.2.7:15008 direction="inbound" bytes_sent=1024`);
  }
  return out.join('\n') + '\n';
}

function list(kind: string, apiVersion: string, items: unknown[]): string {
  return JSON.stringify({ kind, apiVersion, metadata: { resourceVersion: '4242' }, items }, null, 2);
}

export function clusterFiles(options: { logLines?: number } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'manifest.json': JSON.stringify({ schemaVersion: '1', tool: { name: 'ztunnel-bundle', version: '0.1.0' }, collectedAt: '2026-11-25T09:30:00Z', status: 'complete', artifacts: [] }),
    'cluster/version.json': JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.4', platform: 'linux/amd64' }),
    'cluster/pods.json': list('PodList', 'v1', PODS),
    'cluster/nodes.json': list('NodeList', 'v1', ['node-1', 'node-2'].map((n) => ({ metadata: { name: n } }))),
    'cluster/namespaces.json': list('NamespaceList', 'v1', [NS, 'bookinfo', 'kube-system'].map((n) => ({ metadata: { name: n } }))),
    'cluster/services.json': list('ServiceList', 'v1', [{ metadata: { name: 'istiod', namespace: NS }, spec: { clusterIP: '10.96.0.10' } }]),
    'cluster/daemonsets.json': list('DaemonSetList', 'apps/v1', [{ metadata: { name: 'ztunnel', namespace: NS }, status: { desiredNumberScheduled: 2, numberReady: 2 } }]),
    'cluster/istio/authorizationpolicies.security.istio.io.json': list('AuthorizationPolicyList', 'security.istio.io/v1', [
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'bookinfo' }, spec: {} },
    ]),
    'cluster/configmaps/istio-system/istio.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: NS }, data: { mesh: 'defaultConfig: {}\n' } }),
    'istiod/istiod-7d9f8-xk2lp/debug/syncz.json': JSON.stringify([{ proxy: 'ztunnel-aaaaa.istio-system', proxy_type: 'ztunnel' }]),
    'istiod/istiod-7d9f8-xk2lp/debug/adsz.json': JSON.stringify({ totalClients: 2, clients: [] }),
    'istiod/istiod-7d9f8-xk2lp/debug/ambientz.json': JSON.stringify([{ name: 'productpage-v1-5c8f', namespace: 'bookinfo', protocol: 'HBONE' }]),
    'istiod/istiod-7d9f8-xk2lp/debug/registryz.json': JSON.stringify([{ hostname: 'productpage.bookinfo.svc.cluster.local' }]),
    'istiod/istiod-7d9f8-xk2lp/debug/push_status.json': JSON.stringify({ totalPushes: 3 }),
    'istiod/istiod-7d9f8-xk2lp/debug/connections.json': JSON.stringify({ totalClients: 1, clients: [{ connectionId: 'ztunnel-aaaaa.istio-system-1' }] }),
    'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json': JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/istio.workload.Address', workload: { uid: 'x' } }] }),
    'istiod/istiod-7d9f8-xk2lp/metrics.prom': '# TYPE pilot_xds_pushes counter\npilot_xds_pushes{type="wds"} 4\n',
    'istiod/istiod-7d9f8-xk2lp/discovery.log': '2026-11-25T09:29:00.000000Z\tinfo\tads\tADS: new connection for node:ztunnel-aaaaa.istio-system-1\n',
    'cni/istio-cni-node-q8w4r/install-cni.log': '2026-11-25T09:00:00.000000Z\tinfo\tinstall\tInstalled CNI config\n',
    'cni/istio-cni-node-z9y8x/install-cni.log': '2026-11-25T09:00:00.000000Z\tinfo\tinstall\tInstalled CNI config\n',
  };
  for (const [name, node] of [['ztunnel-aaaaa', 'node-1'], ['ztunnel-bbbbb', 'node-2']] as const) {
    files[`ztunnel/${name}/config_dump.json`] = JSON.stringify(configDump(node), null, 2);
    files[`ztunnel/${name}/metrics.prom`] = METRICS;
    files[`ztunnel/${name}/ready.txt`] = '200\nready\n';
    files[`ztunnel/${name}/ztunnel.log`] =
      ztunnelLog(options.logLines ?? 50) + `2026-11-25T09:29:59.000000Z\twarn\txds\tretrying with header authorization: Bearer ${SECRET_TOKEN}\n`;
  }
  files['ztunnel/ztunnel-aaaaa/ztunnel.previous.log'] = '2026-11-24T23:59:59.000000Z\terror\tztunnel\tpanicked at src/proxy.rs:42\n';
  return files;
}

/** A bundle directory written from these files (the serve tests' helper, shared). */
export type ClusterBundle = TestBundle;

export function makeClusterBundle(files: Record<string, string> = clusterFiles()): Promise<ClusterBundle> {
  return makeBundle(files);
}
