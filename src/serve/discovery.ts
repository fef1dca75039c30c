/**
 * Discovery documents (/version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>),
 * built from the resource catalog, so that kubectl can map `get pods`, `get ds`, `get
 * authorizationpolicies` to URLs. Only the legacy (non-aggregated) discovery format is served;
 * kubectl falls back to it when the aggregated one is not offered.
 */
import type { ResourceType } from './resources.js';

const READ_VERBS = ['get', 'list'];

function apiResource(t: ResourceType): Record<string, unknown> {
  const r: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: READ_VERBS };
  if (t.shortNames) r.shortNames = t.shortNames;
  if (t.categories) r.categories = t.categories;
  return r;
}

/** Subresources kubectl and client-node use on pods. */
const POD_SUBRESOURCES = [
  { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  { name: 'pods/proxy', singularName: '', namespaced: true, kind: 'PodProxyOptions', verbs: ['get'] },
];

export function resourceList(types: readonly ResourceType[], group: string, version: string): Record<string, unknown> | undefined {
  const matching = types.filter((t) => t.group === group && t.version === version);
  if (matching.length === 0) return undefined;
  const resources: unknown[] = matching.map(apiResource);
  if (group === '' && version === 'v1') resources.push(...POD_SUBRESOURCES);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export function coreVersions(): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first (v1 > v1beta1 > v1alpha3). */
function byPriority(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const [ra, rb] = [rank(a), rank(b)];
  return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2] || a.localeCompare(b);
}

function apiGroup(types: readonly ResourceType[], group: string): Record<string, unknown> {
  const versions = [...new Set(types.filter((t) => t.group === group).map((t) => t.version))].sort(byPriority);
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: entries, preferredVersion: entries[0] };
}

export function groupList(types: readonly ResourceType[]): Record<string, unknown> {
  const groups = [...new Set(types.map((t) => t.group).filter((g) => g !== ''))].sort();
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(types, g)) };
}

export function group(types: readonly ResourceType[], name: string): Record<string, unknown> | undefined {
  return types.some((t) => t.group === name) ? apiGroup(types, name) : undefined;
}

/** /version from cluster/version.json, or a plausible stand-in when the bundle lacks it. */
export function fallbackVersion(): Record<string, unknown> {
  return { major: '1', minor: '30', gitVersion: 'v1.30.0-replay', platform: 'linux/amd64' };
}
