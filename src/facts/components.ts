/**
 * Istio's own moving parts: component pods (ztunnel, istiod, istio-cni, waypoints) with their
 * versions, the nodes they serve, their DaemonSets, and the platform settings ambient mode
 * depends on (GKE quota, OpenShift namespace, Cilium's config map).
 */
import type { DaemonSet, Node } from '../parse/k8s.js';
import type { Evidence } from '../report/types.js';
import { isReady, podEvidence, type ClusterIndex, type IndexedPod, type PodRole } from './cluster.js';
import type { ComponentFact, DaemonSetFact, NodeFact, PlatformFact, PodFact } from './types.js';

/** Istio version from an image reference: docker.io/istio/ztunnel:1.28.0-distroless -> 1.28.0. */
export function versionFromImage(image: string): string {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  return /^(\d+\.\d+\.\d+)/.exec(tag)?.[1] ?? '';
}

function minor(version: string): number | undefined {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : undefined;
}

const MAIN_CONTAINER: Record<string, string> = { ztunnel: 'istio-proxy', istiod: 'discovery', 'istio-cni': 'install-cni', waypoint: 'istio-proxy' };

function isWaypoint(p: IndexedPod): boolean {
  return p.pod.metadata?.labels?.['gateway.istio.io/managed'] === 'istio.io-mesh-controller';
}

export function buildComponentFacts(cluster: ClusterIndex): { facts: ComponentFact[]; istiodVersion: string } {
  const pods: { role: string; p: IndexedPod }[] = [];
  for (const role of ['ztunnel', 'istiod', 'istio-cni'] as PodRole[]) for (const p of cluster.byRole[role]) pods.push({ role, p });
  for (const p of cluster.byRole.app) if (isWaypoint(p)) pods.push({ role: 'waypoint', p });
  const versionOf = (p: IndexedPod, role: string) => {
    const container = p.pod.spec?.containers?.find((c) => c.name === MAIN_CONTAINER[role]) ?? p.pod.spec?.containers?.[0];
    return { image: container?.image ?? '', version: versionFromImage(container?.image ?? '') };
  };
  const istiodVersions = cluster.byRole.istiod.map((p) => versionOf(p, 'istiod').version).filter(Boolean).sort();
  const istiodVersion = istiodVersions[istiodVersions.length - 1] ?? '';
  const facts = pods.map(({ role, p }): ComponentFact => {
    const { image, version } = versionOf(p, role);
    const status = p.pod.status?.containerStatuses?.find((c) => c.name === MAIN_CONTAINER[role]) ?? p.pod.status?.containerStatuses?.[0];
    const ready = isReady(p.pod);
    const reason = status?.lastState?.terminated?.reason;
    const a = minor(version);
    const b = minor(istiodVersion);
    return {
      subject: { kind: role === 'istiod' ? 'Istiod' : role === 'ztunnel' ? 'Ztunnel' : 'Pod', namespace: p.namespace, name: p.name, node: p.node },
      evidence: [podEvidence(cluster, p)],
      role, name: p.name, namespace: p.namespace, node: p.node, phase: p.pod.status?.phase ?? '',
      ...(ready === undefined ? {} : { ready }),
      restarts: status?.restartCount ?? 0,
      ...(reason ? { lastTerminationReason: reason } : {}),
      image, version,
      ...(a !== undefined && b !== undefined ? { minorSkew: Math.abs(a - b) } : {}),
    };
  });
  return { facts, istiodVersion };
}

export function buildNodeFacts(cluster: ClusterIndex, nodes: readonly Node[], nodePointers: readonly string[], pods: readonly PodFact[]): NodeFact[] {
  const cniOnNode = new Map(cluster.byRole['istio-cni'].map((p) => [p.node, p]));
  const ambientByNode = new Map<string, number>();
  for (const p of pods) if (p.expectedInMesh && p.phase !== 'Pending') ambientByNode.set(p.node, (ambientByNode.get(p.node) ?? 0) + 1);
  const names = [...new Set([...nodes.map((n) => n.metadata?.name ?? ''), ...cluster.nodes])].filter(Boolean).sort();
  return names.map((name) => {
    const index = nodes.findIndex((n) => n.metadata?.name === name);
    const ztunnel = cluster.ztunnelOnNode.get(name) ?? '';
    const zt = ztunnel ? cluster.ztunnelByName.get(ztunnel) : undefined;
    const cni = cniOnNode.get(name);
    const evidence: Evidence[] = index >= 0 ? [{ file: 'cluster/nodes.json', pointer: nodePointers[index] ?? `/items/${index}`, excerpt: `node ${name}` }] : [];
    if (zt) evidence.push(podEvidence(cluster, zt));
    return {
      subject: { kind: 'Node', name },
      evidence,
      name,
      ztunnel,
      ztunnelReady: zt ? isReady(zt.pod) === true : false,
      cniPod: cni?.name ?? '',
      cniReady: cni ? isReady(cni.pod) === true : false,
      ambientPods: ambientByNode.get(name) ?? 0,
      unschedulable: index >= 0 && nodes[index]?.spec?.unschedulable === true,
    };
  });
}

export function buildDaemonSetFacts(list: readonly DaemonSet[], pointers: readonly string[]): DaemonSetFact[] {
  return list.map((ds, i) => {
    const name = ds.metadata?.name ?? '';
    const labels = { ...(ds.metadata?.labels ?? {}), ...((ds as { spec?: { selector?: { matchLabels?: Record<string, string> } } }).spec?.selector?.matchLabels ?? {}) };
    const role = name === 'ztunnel' || labels['app'] === 'ztunnel' ? 'ztunnel' : name === 'istio-cni-node' || labels['k8s-app'] === 'istio-cni-node' ? 'istio-cni' : 'other';
    const st = (ds.status ?? {}) as { desiredNumberScheduled?: number; numberReady?: number; numberAvailable?: number; numberMisscheduled?: number };
    return {
      subject: { kind: 'Bundle', namespace: ds.metadata?.namespace ?? '', name: `daemonset/${name}` },
      evidence: [{ file: 'cluster/daemonsets.json', pointer: pointers[i] ?? `/items/${i}`, excerpt: `daemonset ${ds.metadata?.namespace}/${name}: desired ${st.desiredNumberScheduled ?? 0}, ready ${st.numberReady ?? 0}` }],
      name, namespace: ds.metadata?.namespace ?? '', role,
      desired: st.desiredNumberScheduled ?? 0, ready: st.numberReady ?? 0, available: st.numberAvailable ?? 0, misscheduled: st.numberMisscheduled ?? 0,
    };
  });
}

export interface PlatformInputs {
  cluster: ClusterIndex;
  nodes: readonly Node[];
  quotas: readonly { metadata?: { namespace?: string }; spec?: { scopeSelector?: { matchExpressions?: { scopeName?: string; values?: string[] }[] } } }[];
  cilium?: Record<string, string>;
}

function platformKind(nodes: readonly Node[]): string {
  for (const n of nodes) {
    const provider = n.spec?.providerID ?? '';
    const labels = n.metadata?.labels ?? {};
    // OpenShift first: on a cloud its nodes also carry that cloud's providerID.
    if (labels['node.openshift.io/os_id'] || n.status?.nodeInfo?.osImage?.includes('CoreOS')) return 'openshift';
    if (provider.startsWith('gce://') || labels['cloud.google.com/gke-nodepool']) return 'gke';
    if (provider.startsWith('aws://') || labels['eks.amazonaws.com/nodegroup']) return 'eks';
    if (provider.startsWith('azure://') || labels['kubernetes.azure.com/cluster']) return 'aks';
    if (provider.startsWith('k3s://') || n.status?.nodeInfo?.kubeletVersion?.includes('+k3s')) return 'k3s';
    if (provider.startsWith('kind://')) return 'kind';
    if (labels['minikube.k8s.io/name']) return 'minikube';
  }
  return 'unknown';
}

export function buildPlatformFacts({ cluster, nodes, quotas, cilium }: PlatformInputs): PlatformFact[] {
  const ztunnelNamespace = cluster.byRole.ztunnel[0]?.namespace ?? '';
  const cniNamespace = cluster.byRole['istio-cni'][0]?.namespace ?? '';
  const quota = quotas.some((q) => q.metadata?.namespace === ztunnelNamespace && (q.spec?.scopeSelector?.matchExpressions ?? []).some((e) => e.scopeName === 'PriorityClass' && (e.values ?? []).includes('system-node-critical')));
  const flag = (key: string) => (cilium?.[key] ?? '').toLowerCase() === 'true';
  const evidence: Evidence[] = [{ file: 'cluster/nodes.json', excerpt: `${nodes.length} node(s)` }];
  if (cilium) evidence.push({ file: 'cluster/configmaps/kube-system/cilium-config.json', pointer: '/data' });
  return [{
    subject: { kind: 'Bundle', name: 'platform' },
    evidence,
    kind: platformKind(nodes),
    ztunnelNamespace,
    cniNamespace,
    systemNodeCriticalQuota: quota,
    cilium: cilium !== undefined,
    ciliumCniExclusive: flag('cni-exclusive'),
    ciliumBpfMasquerade: flag('enable-bpf-masquerade'),
    ciliumSocketLb: flag('bpf-lb-sock') || (cilium?.['kube-proxy-replacement'] ?? '') === 'strict' || flag('kube-proxy-replacement'),
    ciliumSocketLbHostnsOnly: flag('bpf-lb-sock-hostns-only'),
  }];
}
