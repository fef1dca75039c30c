/**
 * The Kubernetes and Istio lists beyond pods/namespaces/nodes that fact builders use, each read
 * once. A missing list is simply absent (its collections are then reported as unavailable).
 */
import { cluster as clusterPaths, classifyPath } from '../bundle/paths.js';
import { parseJson } from '../parse/json.js';
import { parseK8sList, type DaemonSet, type IstioResource, type K8sList, type K8sObject, type NetworkPolicy } from '../parse/k8s.js';
import { parseServiceList } from './early.js';
import type { Inventory } from './inventory.js';
import type { FactReader } from './reader.js';
import type { Located } from './waypoints.js';

export interface ClusterLists {
  services?: K8sList<K8sObject>;
  daemonSets?: K8sList<DaemonSet>;
  networkPolicies?: K8sList<NetworkPolicy>;
  quotas: { metadata?: { namespace?: string }; spec?: { scopeSelector?: { matchExpressions?: { scopeName?: string; values?: string[] }[] } } }[];
  /** kube-system/cilium-config data, when collected. */
  cilium?: Record<string, string>;
  istio: (Located<IstioResource> & { plural: string })[];
}

export async function loadClusterLists(reader: FactReader, inv: Inventory): Promise<ClusterLists> {
  const list = async <T extends K8sObject>(path: string, kind: string) => (await reader.parse(path, (t, f) => parseK8sList<T>(t, f, kind)))?.value;
  const quotas = await list<K8sObject>(clusterPaths.resourceQuotas, 'ResourceQuotaList');
  const cilium = await reader.parse(clusterPaths.configMap('kube-system', 'cilium-config'), (t, f) => parseJson(t, f) as { data?: Record<string, string> });
  const istio: ClusterLists['istio'] = [];
  for (const file of inv.istioResourceFiles.sort()) {
    const info = classifyPath(file);
    const parsed = await list<IstioResource>(file, '');
    if (!parsed || info.kind !== 'istio-resource') continue;
    parsed.items.forEach((item, i) => istio.push({ item, file, pointer: parsed.pointers[i] ?? `/items/${i}`, plural: info.plural }));
  }
  return {
    services: await reader.parseValue(clusterPaths.services, parseServiceList), // maybe parsed early (early.ts)
    daemonSets: await list<DaemonSet>(clusterPaths.daemonSets, 'DaemonSetList'),
    networkPolicies: await list<NetworkPolicy>(clusterPaths.networkPolicies, 'NetworkPolicyList'),
    quotas: (quotas?.items ?? []) as ClusterLists['quotas'],
    ...(cilium?.value.data ? { cilium: cilium.value.data } : {}),
    istio,
  };
}
