/**
 * The cluster specs behind fixtures/healthy, fixtures/broken and the scale generator. The two
 * fixtures model the istio.io ambient getting-started cluster (kind, bookinfo + curl in `default`);
 * broken adds a fourth node and the faults listed in FaultSpec. Placement is chosen so that every
 * fault shows in its own signals and no fault hides another (see comments on each fault).
 */
import type { ClusterSpec, DeploymentSpec, FlowSpec, NamespaceSpec, ServiceSpec } from './spec.js';

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

function namespaces(extra: NamespaceSpec[] = []): NamespaceSpec[] {
  return [
    { name: 'default', labels: { ...AMBIENT, 'kubernetes.io/metadata.name': 'default' } },
    { name: 'istio-system', labels: { 'kubernetes.io/metadata.name': 'istio-system' } },
    { name: 'kube-system', labels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    { name: 'legacy', labels: { 'kubernetes.io/metadata.name': 'legacy' } },
    ...extra,
  ];
}

interface BookinfoPlacement {
  productpage: string;
  details: string;
  ratings: string[];
  reviews: [string, string, string];
  curl: string;
  httpbin: string;
  coredns: string;
}

function bookinfo(p: BookinfoPlacement): DeploymentSpec[] {
  const app = (name: string, version: string | undefined, sa: string, image: string, port: number, nodes: string[]): DeploymentSpec => ({
    name,
    namespace: 'default',
    app: name.replace(/-v\d+$/, ''),
    ...(version ? { version } : {}),
    serviceAccount: sa,
    image,
    containerPort: port,
    nodes,
  });
  return [
    app('productpage-v1', 'v1', 'bookinfo-productpage', 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.3', 9080, [p.productpage]),
    app('details-v1', 'v1', 'bookinfo-details', 'docker.io/istio/examples-bookinfo-details-v1:1.20.3', 9080, [p.details]),
    app('ratings-v1', 'v1', 'bookinfo-ratings', 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.3', 9080, p.ratings),
    app('reviews-v1', 'v1', 'bookinfo-reviews', 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3', 9080, [p.reviews[0]]),
    app('reviews-v2', 'v2', 'bookinfo-reviews', 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3', 9080, [p.reviews[1]]),
    app('reviews-v3', 'v3', 'bookinfo-reviews', 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.3', 9080, [p.reviews[2]]),
    app('curl', undefined, 'curl', 'docker.io/curlimages/curl:8.16.0', 80, [p.curl]),
    {
      name: 'httpbin', namespace: 'legacy', app: 'httpbin', version: 'v1', serviceAccount: 'httpbin',
      image: 'docker.io/mccutchen/go-httpbin:v2.15.0', containerPort: 8080, nodes: [p.httpbin],
    },
    {
      name: 'coredns', namespace: 'kube-system', app: 'kube-dns', serviceAccount: 'coredns',
      image: 'registry.k8s.io/coredns/coredns:v1.12.0', containerPort: 53, nodes: [p.coredns, p.coredns],
    },
  ];
}

const http9080 = [{ name: 'http', port: 9080, targetPort: 9080 }];

function services(): ServiceSpec[] {
  return [
    { name: 'productpage', namespace: 'default', app: 'productpage', ports: http9080 },
    { name: 'details', namespace: 'default', app: 'details', ports: http9080 },
    { name: 'ratings', namespace: 'default', app: 'ratings', ports: http9080 },
    { name: 'reviews', namespace: 'default', app: 'reviews', ports: http9080 },
    { name: 'curl', namespace: 'default', app: 'curl', ports: [{ name: 'http', port: 80, targetPort: 80 }] },
    { name: 'httpbin', namespace: 'legacy', app: 'httpbin', ports: [{ name: 'http', port: 8000, targetPort: 8080 }] },
    {
      name: 'kube-dns', namespace: 'kube-system', app: 'kube-dns',
      ports: [{ name: 'dns', port: 53, targetPort: 53 }, { name: 'metrics', port: 9153, targetPort: 9153 }],
    },
  ];
}

function bookinfoFlows(scale: number): FlowSpec[] {
  return [
    { from: 'curl', to: 'productpage', namespace: 'default', port: 9080, connections: 8 * scale },
    { from: 'productpage-v1', to: 'details', namespace: 'default', port: 9080, connections: 6 * scale },
    { from: 'productpage-v1', to: 'reviews', namespace: 'default', port: 9080, connections: 9 * scale },
    { from: 'reviews-v1', to: 'ratings', namespace: 'default', port: 9080, connections: 4 * scale },
    { from: 'reviews-v2', to: 'ratings', namespace: 'default', port: 9080, connections: 4 * scale },
    { from: 'reviews-v3', to: 'ratings', namespace: 'default', port: 9080, connections: 4 * scale },
  ];
}

const COMMON = {
  istioVersion: '1.28.0',
  kubernetesVersion: 'v1.33.1',
  collectedAt: '2026-11-25T09:30:00Z',
  toolVersion: '0.1.0',
  trafficWindowMinutes: 10,
} as const;

export function healthyPreset(): ClusterSpec {
  const nodes = ['ambient-control-plane', 'ambient-worker', 'ambient-worker2'];
  return {
    ...COMMON,
    seed: 20261125,
    nodes,
    istiodNode: 'ambient-worker2',
    namespaces: namespaces(),
    deployments: bookinfo({
      productpage: 'ambient-worker',
      details: 'ambient-worker2',
      ratings: ['ambient-worker', 'ambient-worker2'],
      reviews: ['ambient-worker', 'ambient-worker2', 'ambient-worker'],
      curl: 'ambient-worker2',
      httpbin: 'ambient-worker',
      coredns: 'ambient-control-plane',
    }),
    services: services(),
    flows: bookinfoFlows(1),
    faults: {},
  };
}

/**
 * Placement of the broken cluster, and why:
 * - ambient-worker2's ztunnel is OOM-looping (a). ratings-v1 replica 0 lives there, which is why
 *   istio-cni could not add it (b: "no ztunnel connection"); reviews-v3 and details-v1 live there
 *   too, so the certificate faults (d) concern identities that node really needs. Connections to or
 *   from pods on that node are absent from the access logs: its ztunnel is not serving.
 * - ambient-worker's ztunnel has a Pending in-pod proxy for reviews-v2 (c), which is why
 *   productpage -> reviews-v2 is refused (f, second pair), and an xDS NACK (e) that left it without
 *   details-v1 and ratings-v1 replica 1 (pods none of its local clients call). curl runs there, so
 *   the NetworkPolicy timeouts (f) are logged by that ztunnel.
 * - ambient-worker3 (config_dump forbidden, h) hosts productpage, reviews-v1 and ratings replica 1:
 *   reviews-v1 -> ratings is denied by default/deny-ratings (g) on that ztunnel.
 */
export function brokenPreset(): ClusterSpec {
  const nodes = ['ambient-control-plane', 'ambient-worker', 'ambient-worker2', 'ambient-worker3'];
  return {
    ...COMMON,
    seed: 20261126,
    nodes,
    istiodNode: 'ambient-control-plane',
    namespaces: namespaces(),
    deployments: bookinfo({
      productpage: 'ambient-worker3',
      details: 'ambient-worker2',
      ratings: ['ambient-worker2', 'ambient-worker3'],
      reviews: ['ambient-worker3', 'ambient-worker', 'ambient-worker2'],
      curl: 'ambient-worker',
      httpbin: 'ambient-worker3',
      coredns: 'ambient-control-plane',
    }),
    services: services(),
    flows: bookinfoFlows(1),
    faults: {
      ztunnelOomKilled: { node: 'ambient-worker2', restarts: 3 },
      podNotCaptured: { deployment: 'ratings-v1', replica: 0 },
      proxyPending: { deployment: 'reviews-v2' },
      certificateFailures: {
        node: 'ambient-worker2',
        unavailableServiceAccount: 'bookinfo-reviews',
        expiredServiceAccount: 'bookinfo-details',
      },
      xdsNack: { node: 'ambient-worker', missing: [{ deployment: 'details-v1' }, { deployment: 'ratings-v1', replica: 1 }] },
      networkPolicyBlocksHbone: { from: 'curl', to: 'productpage' },
      connectionRefused: { from: 'productpage-v1', to: 'reviews', refusedBy: { deployment: 'reviews-v2' } },
      denyPolicy: { name: 'deny-ratings', from: 'reviews-v1', to: 'ratings' },
      configDumpForbidden: { node: 'ambient-worker3', user: 'jane' },
    },
  };
}

export interface ScaleOptions {
  nodes: number;
  workloadsPerNode: number;
  /** Roughly how many access-log lines each ztunnel log gets. */
  logLines: number;
  seed?: number;
}

/**
 * A healthy cluster of `nodes` nodes with `workloadsPerNode` single-replica deployments each, all
 * in the ambient namespace `apps`; deployment k calls the service of deployment k+1 (a ring), so
 * every ztunnel logs both directions.
 */
export function scalePreset(options: ScaleOptions): ClusterSpec {
  const width = Math.max(4, String(options.nodes).length);
  const nodes = Array.from({ length: options.nodes }, (_, i) => (i === 0 ? 'control-plane' : `worker-${String(i).padStart(width, '0')}`));
  const deployments: DeploymentSpec[] = [];
  const services: ServiceSpec[] = [];
  const total = options.nodes * options.workloadsPerNode;
  for (let k = 0; k < total; k++) {
    const name = `app-${String(k).padStart(Math.max(5, String(total).length), '0')}`;
    deployments.push({
      name, namespace: 'apps', app: name, version: 'v1', serviceAccount: name,
      image: 'docker.io/mccutchen/go-httpbin:v2.15.0', containerPort: 8080,
      nodes: [nodes[Math.floor(k / options.workloadsPerNode)]!],
    });
    services.push({ name, namespace: 'apps', app: name, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] });
  }
  // Each connection writes one line on the client's ztunnel and one on the server's.
  const perFlow = Math.max(1, Math.ceil(options.logLines / (2 * options.workloadsPerNode)));
  const flows: FlowSpec[] = deployments.map((d, k) => ({
    from: d.name, to: deployments[(k + 1) % total]!.name, namespace: 'apps', port: 8080, connections: perFlow,
  }));
  return {
    ...COMMON,
    seed: options.seed ?? 1,
    nodes,
    istiodNode: nodes[0]!,
    namespaces: [...namespaces().filter((n) => n.name !== 'legacy'), { name: 'apps', labels: { ...AMBIENT, 'kubernetes.io/metadata.name': 'apps' } }],
    deployments,
    services,
    flows,
    faults: {},
  };
}
