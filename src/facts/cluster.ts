/**
 * An index over the Kubernetes lists of a bundle (pods, namespaces): which pods are ztunnels,
 * istiods and istio-cni agents, on which node, and which namespaces are ambient. Joins elsewhere
 * look things up here instead of scanning lists.
 */
import type { Namespace, Pod } from '../parse/k8s.js';
import type { Evidence } from '../report/types.js';

export interface IndexedPod {
  pod: Pod;
  name: string;
  namespace: string;
  node: string;
  /** JSON pointer of the pod in cluster/pods.json, for evidence. */
  pointer: string;
}

export type PodRole = 'ztunnel' | 'istiod' | 'istio-cni' | 'app';

export function podRole(pod: Pod): PodRole {
  const labels = pod.metadata?.labels ?? {};
  if (labels['app'] === 'ztunnel' || labels['app.kubernetes.io/name'] === 'ztunnel') return 'ztunnel';
  if (labels['app'] === 'istiod' || labels['istio'] === 'pilot') return 'istiod';
  if (labels['k8s-app'] === 'istio-cni-node' || labels['app.kubernetes.io/name'] === 'istio-cni') return 'istio-cni';
  return 'app';
}

export interface ClusterIndex {
  pods: IndexedPod[];
  byRole: Record<PodRole, IndexedPod[]>;
  /** ztunnel pod name -> indexed pod. */
  ztunnelByName: Map<string, IndexedPod>;
  /** node -> ztunnel pod name. */
  ztunnelOnNode: Map<string, string>;
  namespaceLabels: Map<string, Record<string, string>>;
  hasPods: boolean;
  hasNamespaces: boolean;
  nodes: Set<string>;
  /** 1-based line of a pod in cluster/pods.json, by pointer (when known). */
  podLine: (pointer: string) => number | undefined;
}

export interface ClusterLists {
  pods?: { items: Pod[]; pointers: string[] };
  namespaces?: Namespace[];
  nodes: string[];
  podLine: (pointer: string) => number | undefined;
}

export function indexCluster({ pods, namespaces, nodes, podLine }: ClusterLists): ClusterIndex {
  const index: ClusterIndex = {
    pods: [],
    byRole: { ztunnel: [], istiod: [], 'istio-cni': [], app: [] },
    ztunnelByName: new Map(),
    ztunnelOnNode: new Map(),
    namespaceLabels: new Map(),
    hasPods: pods !== undefined,
    hasNamespaces: namespaces !== undefined,
    nodes: new Set(nodes),
    podLine,
  };
  (pods?.items ?? []).forEach((pod, i) => {
    const entry: IndexedPod = { pod, name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', node: pod.spec?.nodeName ?? '', pointer: pods?.pointers[i] ?? `/items/${i}` };
    if (!entry.name) return;
    index.pods.push(entry);
    const role = podRole(pod);
    index.byRole[role].push(entry);
    if (role === 'ztunnel') {
      index.ztunnelByName.set(entry.name, entry);
      if (entry.node) index.ztunnelOnNode.set(entry.node, entry.name);
    }
    if (entry.node) index.nodes.add(entry.node);
  });
  for (const ns of namespaces ?? []) if (ns.metadata?.name) index.namespaceLabels.set(ns.metadata.name, ns.metadata.labels ?? {});
  return index;
}

export function podEvidence(index: ClusterIndex, p: IndexedPod): Evidence {
  const line = index.podLine(p.pointer);
  return { file: 'cluster/pods.json', pointer: p.pointer, ...(line ? { line } : {}), excerpt: `pod ${p.namespace}/${p.name} on node ${p.node || '(unscheduled)'}` };
}

export function isReady(pod: Pod): boolean | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c ? c.status === 'True' : undefined;
}
