/**
 * The resource catalog a replayed bundle serves: the built-in kinds collect records (pods, nodes,
 * services, …), Secrets (always empty: a bundle never holds Secret data) and every Istio/Gateway
 * API list under cluster/istio/, whose group comes from the file name and version/kind from the
 * items' apiVersion. Lists are read from the bundle once, on first use, and kept parsed.
 */
import { BundleError, errorText } from '../errors.js';
import { classifyPath, cluster, ztunnel as ztunnelPaths } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Field paths fieldSelector accepts for this resource. */
  fields: readonly string[];
  /** Where the objects come from. */
  source: { file: string } | { special: 'pods' | 'configmaps' | 'secrets' };
}

export type KubeObject = Record<string, unknown> & {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
};

export interface ResourceList {
  items: KubeObject[];
  resourceVersion: string;
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'] as const;

function builtin(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  source: ResourceType['source'],
  extra: Partial<ResourceType> = {},
): ResourceType {
  return { group, version, plural, kind, namespaced, singular: kind.toLowerCase(), source, fields: META_FIELDS, ...extra };
}

const BUILTINS: readonly ResourceType[] = [
  builtin('', 'v1', 'pods', 'Pod', true, { special: 'pods' }, {
    shortNames: ['po'],
    categories: ['all'],
    fields: [...META_FIELDS, 'spec.nodeName', 'status.phase', 'spec.serviceAccountName', 'status.podIP', 'spec.restartPolicy', 'spec.schedulerName'],
  }),
  builtin('', 'v1', 'nodes', 'Node', false, { file: cluster.nodes }, { shortNames: ['no'], fields: [...META_FIELDS, 'spec.unschedulable'] }),
  builtin('', 'v1', 'namespaces', 'Namespace', false, { file: cluster.namespaces }, { shortNames: ['ns'], fields: [...META_FIELDS, 'status.phase'] }),
  builtin('', 'v1', 'services', 'Service', true, { file: cluster.services }, { shortNames: ['svc'], categories: ['all'] }),
  builtin('', 'v1', 'configmaps', 'ConfigMap', true, { special: 'configmaps' }, { shortNames: ['cm'] }),
  builtin('', 'v1', 'events', 'Event', true, { file: cluster.events }, {
    shortNames: ['ev'],
    fields: [...META_FIELDS, 'involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'],
  }),
  builtin('', 'v1', 'resourcequotas', 'ResourceQuota', true, { file: cluster.resourceQuotas }, { shortNames: ['quota'] }),
  builtin('', 'v1', 'secrets', 'Secret', true, { special: 'secrets' }, { fields: [...META_FIELDS, 'type'] }),
  builtin('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, { file: cluster.endpointSlices }),
  builtin('apps', 'v1', 'daemonsets', 'DaemonSet', true, { file: cluster.daemonSets }, { shortNames: ['ds'], categories: ['all'] }),
  builtin('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, { file: cluster.networkPolicies }, { shortNames: ['netpol'] }),
];

/** Largest list file parsed whole; bigger ones are refused with a BundleError rather than exhausting memory. */
const MAX_LIST_BYTES = 256 * 1024 ** 2;

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function listItems(file: string, parsed: unknown): { items: KubeObject[]; resourceVersion?: string; apiVersion?: string; kind?: string } {
  const list = asObject(parsed);
  if (!list || !Array.isArray(list.items)) throw new BundleError(file, 'is not a Kubernetes list (no "items" array)');
  const items = list.items.filter((i): i is KubeObject => asObject(i) !== undefined);
  const meta = asObject(list.metadata);
  const rv = typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
  return {
    items,
    // Kept as recorded (even ''), so collecting from a replay gives back the same list.
    ...(rv !== undefined ? { resourceVersion: rv } : {}),
    ...(typeof list.apiVersion === 'string' ? { apiVersion: list.apiVersion } : {}),
    ...(typeof list.kind === 'string' ? { kind: list.kind } : {}),
  };
}

/** A bundle file parsed as JSON; a BundleError naming the file when it is not. */
export async function readJson(bundle: BundleSource, file: string): Promise<unknown> {
  const text = await bundle.readText(file, { maxBytes: MAX_LIST_BYTES });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BundleError(file, `is not valid JSON: ${errorText(err)}`);
  }
}

function podKey(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

export class ResourceStore {
  private readonly cache = new Map<string, Promise<ResourceList>>();

  private constructor(
    private readonly bundle: BundleSource,
    readonly types: readonly ResourceType[],
  ) {}

  /** Builds the catalog; reads each cluster/istio/ list once to learn its version and kind. */
  static async load(bundle: BundleSource): Promise<ResourceStore> {
    const types: ResourceType[] = [...BUILTINS];
    for (const path of bundle.list()) {
      const info = classifyPath(path);
      if (info.kind !== 'istio-resource') continue;
      const type = await istioType(bundle, path, info.plural, info.group).catch(() => undefined);
      if (type) types.push(type);
    }
    return new ResourceStore(bundle, types);
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** All objects of a type. Rejects with a BundleError when the bundle's file is unreadable. */
  list(type: ResourceType): Promise<ResourceList> {
    const key = `${type.group}/${type.version}/${type.plural}`;
    let cached = this.cache.get(key);
    if (!cached) {
      cached = this.read(type);
      this.cache.set(key, cached);
    }
    return cached;
  }

  /** The bundle file that holds a type's objects, when there is exactly one (for recorded failures). */
  static fileOf(type: ResourceType): string | undefined {
    return 'file' in type.source ? type.source.file : undefined;
  }

  private async read(type: ResourceType): Promise<ResourceList> {
    const source = type.source;
    if ('file' in source) {
      if (!this.bundle.has(source.file)) return { items: [], resourceVersion: '1' };
      const list = listItems(source.file, await readJson(this.bundle, source.file));
      return { items: list.items, resourceVersion: list.resourceVersion ?? '1' };
    }
    if (source.special === 'secrets') return { items: [], resourceVersion: '1' };
    if (source.special === 'configmaps') return { items: await this.readConfigMaps(), resourceVersion: '1' };
    return this.readPods();
  }

  /** cluster/pods.json, plus ztunnel/<pod>/pod.json for pods it lacks (pods.json wins). */
  private async readPods(): Promise<ResourceList> {
    let base: ResourceList = { items: [], resourceVersion: '1' };
    if (this.bundle.has(cluster.pods)) {
      const list = listItems(cluster.pods, await readJson(this.bundle, cluster.pods));
      base = { items: list.items, resourceVersion: list.resourceVersion ?? '1' };
    }
    const seen = new Set(base.items.map(podKey));
    const extra: KubeObject[] = [];
    for (const path of this.bundle.list()) {
      const info = classifyPath(path);
      if (info.kind !== 'ztunnel-pod' || path !== ztunnelPaths.pod(info.pod)) continue;
      const pod = asObject(await readJson(this.bundle, path)) as KubeObject | undefined;
      if (!pod || !asObject(pod.metadata)) throw new BundleError(path, 'is not a Pod object (no metadata)');
      if (!seen.has(podKey(pod))) {
        seen.add(podKey(pod));
        extra.push(pod);
      }
    }
    return { items: [...base.items, ...extra], resourceVersion: base.resourceVersion };
  }

  private async readConfigMaps(): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    for (const path of this.bundle.list()) {
      const info = classifyPath(path);
      if (info.kind !== 'configmap') continue;
      const cm = asObject(await readJson(this.bundle, path));
      if (!cm) throw new BundleError(path, 'is not a ConfigMap object');
      const metadata = { ...(asObject(cm.metadata) ?? {}) };
      metadata.name ??= info.name;
      metadata.namespace ??= info.namespace;
      items.push({ ...cm, kind: 'ConfigMap', apiVersion: 'v1', metadata } as KubeObject);
    }
    return items;
  }
}

async function istioType(bundle: BundleSource, path: string, plural: string, group: string): Promise<ResourceType | undefined> {
  const list = listItems(path, await readJson(bundle, path));
  const first = list.items[0];
  const apiVersion = typeof first?.apiVersion === 'string' ? first.apiVersion : list.apiVersion;
  const version = apiVersion?.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : 'v1';
  const kind = typeof first?.kind === 'string' ? first.kind : list.kind?.replace(/List$/, '');
  if (!kind) return undefined;
  const namespaced = first === undefined || typeof first.metadata?.namespace === 'string';
  return builtin(group, version, plural, kind, namespaced, { file: path });
}
