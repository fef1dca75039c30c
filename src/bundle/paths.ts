/**
 * Bundle paths, in one place, for the collector that writes them and the reader that reads them.
 * The layout is a public interface (see README, "Bundle layout"); paths are relative to the
 * bundle's top folder and always use '/'.
 */

export const MANIFEST = 'manifest.json';

export const cluster = {
  version: 'cluster/version.json',
  nodes: 'cluster/nodes.json',
  namespaces: 'cluster/namespaces.json',
  pods: 'cluster/pods.json',
  services: 'cluster/services.json',
  endpointSlices: 'cluster/endpointslices.json',
  daemonSets: 'cluster/daemonsets.json',
  resourceQuotas: 'cluster/resourcequotas.json',
  events: 'cluster/events.json',
  networkPolicies: 'cluster/networkpolicies.json',
  /** Istio and Gateway API resources, e.g. istioResource('authorizationpolicies', 'security.istio.io'). */
  istioResource: (plural: string, group: string) => `cluster/istio/${plural}.${group}.json`,
  configMap: (namespace: string, name: string) => `cluster/configmaps/${namespace}/${name}.json`,
} as const;

export const ztunnel = {
  dir: (pod: string) => `ztunnel/${pod}`,
  pod: (pod: string) => `ztunnel/${pod}/pod.json`,
  configDump: (pod: string) => `ztunnel/${pod}/config_dump.json`,
  metrics: (pod: string) => `ztunnel/${pod}/metrics.prom`,
  ready: (pod: string) => `ztunnel/${pod}/ready.txt`,
  log: (pod: string) => `ztunnel/${pod}/ztunnel.log`,
  previousLog: (pod: string) => `ztunnel/${pod}/ztunnel.previous.log`,
} as const;

/** istiod debug endpoints the collector fetches, by file name (without .json). */
export const ISTIOD_DEBUG_ENDPOINTS = ['syncz', 'adsz', 'ambientz', 'registryz', 'push_status', 'connections'] as const;
export type IstiodDebugEndpoint = (typeof ISTIOD_DEBUG_ENDPOINTS)[number];

export const istiod = {
  dir: (pod: string) => `istiod/${pod}`,
  debug: (pod: string, name: IstiodDebugEndpoint | string) => `istiod/${pod}/debug/${name}.json`,
  configDumpFor: (pod: string, ztunnelPod: string) => `istiod/${pod}/debug/config_dump/${ztunnelPod}.json`,
  metrics: (pod: string) => `istiod/${pod}/metrics.prom`,
  log: (pod: string) => `istiod/${pod}/discovery.log`,
} as const;

export const cni = {
  log: (pod: string) => `cni/${pod}/install-cni.log`,
} as const;

/** What a bundle path is, recovered from the path alone (the reverse of the builders above). */
export type PathInfo =
  | { kind: 'manifest' }
  | { kind: 'cluster'; name: string }
  | { kind: 'istio-resource'; plural: string; group: string }
  | { kind: 'configmap'; namespace: string; name: string }
  | { kind: 'ztunnel-pod' | 'ztunnel-config-dump' | 'ztunnel-metrics' | 'ztunnel-ready' | 'ztunnel-log' | 'ztunnel-previous-log'; pod: string }
  | { kind: 'istiod-debug'; pod: string; name: string }
  | { kind: 'istiod-config-dump'; pod: string; ztunnelPod: string }
  | { kind: 'istiod-metrics' | 'istiod-log'; pod: string }
  | { kind: 'cni-log'; pod: string }
  | { kind: 'other' };

const ZTUNNEL_FILES: Record<string, PathInfo['kind']> = {
  'pod.json': 'ztunnel-pod',
  'config_dump.json': 'ztunnel-config-dump',
  'metrics.prom': 'ztunnel-metrics',
  'ready.txt': 'ztunnel-ready',
  'ztunnel.log': 'ztunnel-log',
  'ztunnel.previous.log': 'ztunnel-previous-log',
};

export function classifyPath(path: string): PathInfo {
  const parts = path.split('/');
  if (path === MANIFEST) return { kind: 'manifest' };
  const [top, a, b, c, d] = parts;
  if (top === 'cluster') {
    if (a === 'istio' && b && parts.length === 3) {
      const m = /^([^.]+)\.(.+)\.json$/.exec(b);
      if (m) return { kind: 'istio-resource', plural: m[1]!, group: m[2]! };
    }
    if (a === 'configmaps' && b && c && parts.length === 4 && c.endsWith('.json')) {
      return { kind: 'configmap', namespace: b, name: c.slice(0, -'.json'.length) };
    }
    if (a && parts.length === 2 && a.endsWith('.json')) return { kind: 'cluster', name: a.slice(0, -'.json'.length) };
  }
  if (top === 'ztunnel' && a && b && parts.length === 3) {
    const kind = ZTUNNEL_FILES[b];
    if (kind) return { kind, pod: a } as PathInfo;
  }
  if (top === 'istiod' && a) {
    if (b === 'debug' && c === 'config_dump' && d && parts.length === 5 && d.endsWith('.json')) {
      return { kind: 'istiod-config-dump', pod: a, ztunnelPod: d.slice(0, -'.json'.length) };
    }
    if (b === 'debug' && c && parts.length === 4 && c.endsWith('.json')) {
      return { kind: 'istiod-debug', pod: a, name: c.slice(0, -'.json'.length) };
    }
    if (b === 'metrics.prom' && parts.length === 3) return { kind: 'istiod-metrics', pod: a };
    if (b === 'discovery.log' && parts.length === 3) return { kind: 'istiod-log', pod: a };
  }
  if (top === 'cni' && a && b === 'install-cni.log' && parts.length === 3) return { kind: 'cni-log', pod: a };
  return { kind: 'other' };
}
