/**
 * Finding the pods to collect from, in the pod list the collector already fetched: ztunnels
 * (app=ztunnel, in the Istio namespace or kube-system), istiods (app=istiod) and istio-cni node
 * agents (k8s-app=istio-cni-node, anywhere), and resolving --focus NS/POD to the nodes those pods
 * run on. Tolerates any shape: a malformed item is ignored, never thrown on.
 */

export interface PodRef {
  namespace: string;
  name: string;
  nodeName?: string;
  labels: Record<string, string>;
  /** restartCount per container name. */
  restarts: Record<string, number>;
}

export interface DiscoveredPods {
  all: PodRef[];
  ztunnels: PodRef[];
  istiods: PodRef[];
  cniNodes: PodRef[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function podRefs(list: unknown): PodRef[] {
  if (!isObject(list) || !Array.isArray(list.items)) return [];
  const refs: PodRef[] = [];
  for (const item of list.items) {
    if (!isObject(item) || !isObject(item.metadata)) continue;
    const { name, namespace, labels } = item.metadata;
    if (typeof name !== 'string' || typeof namespace !== 'string') continue;
    const spec = isObject(item.spec) ? item.spec : {};
    const status = isObject(item.status) ? item.status : {};
    const restarts: Record<string, number> = {};
    for (const cs of Array.isArray(status.containerStatuses) ? status.containerStatuses : []) {
      if (isObject(cs) && typeof cs.name === 'string' && typeof cs.restartCount === 'number') restarts[cs.name] = cs.restartCount;
    }
    refs.push({
      namespace,
      name,
      ...(typeof spec.nodeName === 'string' ? { nodeName: spec.nodeName } : {}),
      labels: isObject(labels) ? Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')) : {},
      restarts,
    });
  }
  return refs;
}

export function discoverPods(all: PodRef[], istioNamespace: string): DiscoveredPods {
  const platform = new Set([istioNamespace, 'kube-system']);
  return {
    all,
    ztunnels: all.filter((p) => p.labels.app === 'ztunnel' && platform.has(p.namespace)),
    istiods: all.filter((p) => p.labels.app === 'istiod'),
    cniNodes: all.filter((p) => p.labels['k8s-app'] === 'istio-cni-node' || p.labels.app === 'istio-cni-node'),
  };
}

export interface FocusResult {
  /** Nodes the focus pods run on; undefined when there is no focus (collect every node). */
  nodes?: Set<string>;
  namespaces: string[];
  /** Focus entries that matched no pod, for a warning. */
  unresolved: string[];
}

/** Resolves "NS/POD" entries to nodes. */
export function resolveFocus(focus: readonly string[], all: readonly PodRef[]): FocusResult {
  if (focus.length === 0) return { namespaces: [], unresolved: [] };
  const nodes = new Set<string>();
  const namespaces = new Set<string>();
  const unresolved: string[] = [];
  for (const entry of focus) {
    const [namespace, name] = entry.split('/', 2);
    namespaces.add(namespace ?? entry);
    const pod = all.find((p) => p.namespace === namespace && p.name === name);
    if (pod?.nodeName) nodes.add(pod.nodeName);
    else unresolved.push(entry);
  }
  return { nodes, namespaces: [...namespaces], unresolved };
}

/** Pods on the focus nodes, or all of them without a focus. */
export function onNodes(pods: readonly PodRef[], nodes: Set<string> | undefined): PodRef[] {
  return nodes ? pods.filter((p) => p.nodeName !== undefined && nodes.has(p.nodeName)) : [...pods];
}

/** Revisions named by istiod pods (istio.io/rev), other than "default". */
export function revisionsOf(istiods: readonly PodRef[]): string[] {
  return [...new Set(istiods.map((p) => p.labels['istio.io/rev']).filter((r): r is string => !!r && r !== 'default'))];
}
