/**
 * Builds the in-memory cluster model from a ClusterSpec: nodes with their IPs and pod CIDRs, every
 * pod (infrastructure, Istio and application) with name, uid, IP, labels and state, and services
 * with their endpoints. Built once; every artifact writer reads it, so all artifacts agree with
 * each other, and the shared workload/service lists are computed a single time even for 1,000 nodes.
 */
import { Rng } from './random.js';
import type { ClusterSpec, PodRef } from './spec.js';
import { addSeconds } from './time.js';

export interface ContainerTermination {
  reason: string;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
}

export interface PodModel {
  name: string;
  namespace: string;
  uid: string;
  node: string;
  ip: string;
  hostNetwork: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  serviceAccount: string;
  /** Owning controller: Deployment name (via its ReplicaSet) or DaemonSet name. */
  owner: { kind: 'ReplicaSet' | 'DaemonSet'; name: string; deployment?: string };
  containerName: string;
  image: string;
  containerPort: number;
  createdAt: string;
  /** When the running container started (after restarts, the last start). */
  startedAt: string;
  restartCount: number;
  lastTermination?: ContainerTermination;
  ready: boolean;
  /** In a namespace labelled for ambient (and not an Istio component). */
  expectedInMesh: boolean;
  /** ztunnel captures its traffic: protocol HBONE in the workload list. */
  captured: boolean;
  canonicalName: string;
  canonicalRevision: string;
  /** Service hostnames (ns/hostname form) whose selector matches this pod. */
  services: string[];
}

export interface NodeModel {
  name: string;
  index: number;
  ip: string;
  podCidr: string;
  controlPlane: boolean;
  uid: string;
  ztunnel: PodModel;
  cni: PodModel;
}

export interface ServiceModel {
  name: string;
  namespace: string;
  hostname: string;
  uid: string;
  vip: string;
  ports: { name: string; port: number; targetPort: number }[];
  selector: Record<string, string>;
  endpoints: PodModel[];
  createdAt: string;
}

export interface ClusterModel {
  spec: ClusterSpec;
  rng: Rng;
  clusterCreatedAt: string;
  istioInstalledAt: string;
  nodes: NodeModel[];
  nodeByName: Map<string, NodeModel>;
  /** Every pod, in creation order. */
  pods: PodModel[];
  podsByNode: Map<string, PodModel[]>;
  istiod: PodModel;
  services: ServiceModel[];
  /** Pods that ztunnel lists as workloads (everything not on the host network). */
  workloads: PodModel[];
  /** Services by `namespace/name`. */
  serviceByName: Map<string, ServiceModel>;
  /** Services by `namespace/hostname`, the key ztunnel uses in a workload's `services`. */
  serviceByKey: Map<string, ServiceModel>;
  /** Application pods of each Deployment, in replica order. */
  deploymentPods: Map<string, PodModel[]>;
  /** Resolves a fault's PodRef to its pod. */
  pod(ref: PodRef): PodModel;
}

export const TRUST_DOMAIN = 'cluster.local';
export const ISTIO_NS = 'istio-system';

export function spiffe(namespace: string, serviceAccount: string): string {
  return `spiffe://${TRUST_DOMAIN}/ns/${namespace}/sa/${serviceAccount}`;
}

function nodeIp(index: number): string {
  return `172.18.${index >> 8}.${(index & 255) + 2}`;
}

function podIpBase(index: number): string {
  return `10.${244 + (index >> 8)}.${index & 255}`;
}

export function buildModel(spec: ClusterSpec): ClusterModel {
  const rng = new Rng(spec.seed);
  const names = rng.fork('names');
  const uids = rng.fork('uids');
  const clusterCreatedAt = addSeconds(spec.collectedAt, -3 * 86400);
  const istioInstalledAt = addSeconds(spec.collectedAt, -26 * 3600);
  const appsCreatedAt = addSeconds(spec.collectedAt, -25 * 3600);
  const nextHost = new Map<string, number>();
  const podsByNode = new Map<string, PodModel[]>();
  const pods: PodModel[] = [];

  const nodes: NodeModel[] = spec.nodes.map((name, index) => ({
    name, index, ip: nodeIp(index), podCidr: `${podIpBase(index)}.0/24`, controlPlane: index === 0,
    uid: uids.uuid(), ztunnel: undefined as unknown as PodModel, cni: undefined as unknown as PodModel,
  }));
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const nodeOf = (name: string): NodeModel => {
    const n = nodeByName.get(name);
    if (!n) throw new Error(`spec places a pod on unknown node ${name}`);
    return n;
  };
  const allocateIp = (node: NodeModel): string => {
    const host = (nextHost.get(node.name) ?? 2);
    if (host > 254) throw new Error(`node ${node.name} has more pods than its /24 pod CIDR holds`);
    nextHost.set(node.name, host + 1);
    return `${podIpBase(node.index)}.${host}`;
  };

  const ambientNamespaces = new Set(spec.namespaces.filter((n) => n.labels['istio.io/dataplane-mode'] === 'ambient').map((n) => n.name));
  const addPod = (pod: Omit<PodModel, 'uid' | 'ip' | 'services' | 'startedAt' | 'restartCount' | 'ready' | 'captured' | 'expectedInMesh'> & { startedAt?: string }): PodModel => {
    const node = nodeOf(pod.node);
    const expectedInMesh = ambientNamespaces.has(pod.namespace) && !pod.hostNetwork;
    const full: PodModel = {
      ...pod,
      uid: uids.uuid(),
      ip: pod.hostNetwork ? node.ip : allocateIp(node),
      startedAt: pod.startedAt ?? addSeconds(pod.createdAt, 3 + names.int(0, 20)),
      restartCount: 0,
      ready: true,
      expectedInMesh,
      captured: expectedInMesh,
      services: [],
    };
    if (expectedInMesh) full.annotations = { ...full.annotations, 'ambient.istio.io/redirection': 'enabled' };
    pods.push(full);
    const list = podsByNode.get(pod.node) ?? [];
    list.push(full);
    podsByNode.set(pod.node, list);
    return full;
  };

  // Infrastructure first, in the order a real cluster comes up: per-node DaemonSets, then istiod.
  const ztunnelImage = `docker.io/istio/ztunnel:${spec.istioVersion}-distroless`;
  const cniImage = `docker.io/istio/install-cni:${spec.istioVersion}-distroless`;
  for (const node of nodes) {
    node.cni = addPod({
      name: `istio-cni-node-${names.kubeSuffix()}`, namespace: ISTIO_NS, node: node.name, hostNetwork: true,
      labels: { app: 'istio-cni-node', 'k8s-app': 'istio-cni-node', 'sidecar.istio.io/inject': 'false' },
      annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true' },
      serviceAccount: 'istio-cni', owner: { kind: 'DaemonSet', name: 'istio-cni-node' }, containerName: 'install-cni',
      image: cniImage, containerPort: 15014, createdAt: istioInstalledAt, canonicalName: 'istio-cni-node', canonicalRevision: 'latest',
    });
  }
  for (const node of nodes) {
    node.ztunnel = addPod({
      name: `ztunnel-${names.kubeSuffix()}`, namespace: ISTIO_NS, node: node.name, hostNetwork: false,
      labels: { app: 'ztunnel', 'app.kubernetes.io/name': 'ztunnel', 'sidecar.istio.io/inject': 'false' },
      annotations: { 'prometheus.io/port': '15020', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
      serviceAccount: 'ztunnel', owner: { kind: 'DaemonSet', name: 'ztunnel' }, containerName: 'istio-proxy',
      image: ztunnelImage, containerPort: 15020, createdAt: addSeconds(istioInstalledAt, 40), canonicalName: 'ztunnel', canonicalRevision: 'latest',
    });
  }
  const istiodHash = names.kubeSuffix(10);
  const istiod = addPod({
    name: `istiod-${istiodHash}-${names.kubeSuffix()}`, namespace: ISTIO_NS, node: spec.istiodNode, hostNetwork: false,
    labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default', 'pod-template-hash': istiodHash, 'sidecar.istio.io/inject': 'false' },
    annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    serviceAccount: 'istiod', owner: { kind: 'ReplicaSet', name: `istiod-${istiodHash}`, deployment: 'istiod' }, containerName: 'discovery',
    image: `docker.io/istio/pilot:${spec.istioVersion}-distroless`, containerPort: 15012, createdAt: addSeconds(istioInstalledAt, 10),
    canonicalName: 'istiod', canonicalRevision: 'latest',
  });

  const byDeployment = new Map<string, PodModel[]>();
  for (const d of spec.deployments) {
    const hash = names.kubeSuffix(names.int(9, 10));
    const created = d.namespace === 'kube-system' ? addSeconds(clusterCreatedAt, 30) : appsCreatedAt;
    const list = d.nodes.map((node) =>
      addPod({
        name: `${d.name}-${hash}-${names.kubeSuffix()}`, namespace: d.namespace, node, hostNetwork: false,
        labels: { app: d.app, ...(d.version ? { version: d.version } : {}), 'pod-template-hash': hash },
        annotations: {}, serviceAccount: d.serviceAccount, owner: { kind: 'ReplicaSet', name: `${d.name}-${hash}`, deployment: d.name },
        containerName: d.app, image: d.image, containerPort: d.containerPort, createdAt: created,
        canonicalName: d.app, canonicalRevision: d.version ?? 'latest',
      }),
    );
    byDeployment.set(d.name, list);
  }

  const vips = rng.fork('vips');
  const usedVips = new Set<string>(['10.96.0.1', '10.96.0.10']);
  // Index selectable pods once: a 1,000-node spec has thousands of services and pods.
  const bySelector = new Map<string, PodModel[]>();
  for (const p of pods) {
    if (p.owner.kind !== 'ReplicaSet' || !p.labels.app) continue;
    const key = `${p.namespace}/${p.labels.app}`;
    const list = bySelector.get(key) ?? [];
    list.push(p);
    bySelector.set(key, list);
  }
  const services: ServiceModel[] = spec.services.map((s) => {
    let vip = s.name === 'kube-dns' ? '10.96.0.10' : '';
    while (!vip || (usedVips.has(vip) && s.name !== 'kube-dns')) vip = `10.96.${vips.int(0, 255)}.${vips.int(1, 254)}`;
    usedVips.add(vip);
    const hostname = `${s.name}.${s.namespace}.svc.${TRUST_DOMAIN}`;
    const endpoints = bySelector.get(`${s.namespace}/${s.app}`) ?? [];
    for (const p of endpoints) p.services.push(`${s.namespace}/${hostname}`);
    return {
      name: s.name, namespace: s.namespace, hostname, uid: uids.uuid(), vip, ports: s.ports, selector: { app: s.app }, endpoints,
      createdAt: s.namespace === 'kube-system' ? addSeconds(clusterCreatedAt, 20) : appsCreatedAt,
    };
  });

  const model: ClusterModel = {
    spec, rng, clusterCreatedAt, istioInstalledAt, nodes, nodeByName, pods, podsByNode, istiod, services,
    workloads: pods.filter((p) => !p.hostNetwork),
    serviceByName: new Map(services.map((s) => [`${s.namespace}/${s.name}`, s])),
    serviceByKey: new Map(services.map((s) => [`${s.namespace}/${s.hostname}`, s])),
    deploymentPods: byDeployment,
    pod(ref: PodRef): PodModel {
      const p = byDeployment.get(ref.deployment)?.[ref.replica ?? 0];
      if (!p) throw new Error(`fault refers to unknown pod ${ref.deployment}[${ref.replica ?? 0}]`);
      return p;
    },
  };
  applyPodFaults(model);
  return model;
}

/** Faults that change pod objects themselves, so every artifact sees the same pod state. */
function applyPodFaults(model: ClusterModel): void {
  const { faults, collectedAt } = model.spec;
  if (faults.ztunnelOomKilled) {
    const zt = model.nodeByName.get(faults.ztunnelOomKilled.node)?.ztunnel;
    if (!zt) throw new Error(`fault ztunnelOomKilled: unknown node ${faults.ztunnelOomKilled.node}`);
    zt.restartCount = faults.ztunnelOomKilled.restarts;
    zt.startedAt = addSeconds(collectedAt, -95);
    zt.lastTermination = {
      reason: 'OOMKilled', exitCode: 137, startedAt: addSeconds(collectedAt, -412), finishedAt: addSeconds(collectedAt, -97),
    };
    zt.ready = false;
  }
  if (faults.podNotCaptured) {
    const p = model.pod(faults.podNotCaptured);
    const { 'ambient.istio.io/redirection': _dropped, ...rest } = p.annotations;
    p.annotations = rest;
    p.captured = false;
    // Created (rescheduled) recently, while its node's ztunnel was down, so istio-cni could not enrol it.
    p.createdAt = addSeconds(collectedAt, -1800);
    p.startedAt = addSeconds(collectedAt, -1794);
  }
}
