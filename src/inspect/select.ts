/**
 * Chooses which ztunnel's config dump an `inspect` of a bundle shows, the way istioctl chooses a
 * pod: --ztunnel names it; --node takes the ztunnel on that node; --pod takes a ztunnel pod as
 * is, or resolves a workload pod (NAMESPACE/POD, or POD when the name is unique) through
 * cluster/pods.json to the ztunnel on its node and narrows the output to that workload. With
 * none of them, the first ztunnel by name is shown and the caller tells the user which. Only
 * ztunnels whose config_dump.json is in the bundle count.
 */
import { classifyPath, cluster as clusterPaths, MANIFEST, ztunnel as ztunnelPaths } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';
import { BundleError, UsageError } from '../errors.js';
import { parseJson } from '../parse/json.js';
import { parseK8sList, type Pod } from '../parse/k8s.js';

export interface ZtunnelChoice {
  /** ztunnel pod name. */
  ztunnel: string;
  node?: string;
  /** Set when --pod named a workload pod. */
  workload?: { namespace: string; name: string };
  /** How many ztunnels have a config dump in the bundle. */
  candidates: number;
  /** True when no flag chose: the first by name. */
  defaulted: boolean;
}

export interface ChooseOptions {
  ztunnel?: string;
  node?: string;
  pod?: string;
}

/** "NS/POD" or "POD". */
export function parsePodArg(arg: string): { namespace?: string; name: string } {
  const parts = arg.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new UsageError(`--pod ${arg}: expected NAMESPACE/POD or POD`);
}

function ztunnelsWithDumps(bundle: BundleSource): string[] {
  return bundle
    .list()
    .map(classifyPath)
    .flatMap((info) => (info.kind === 'ztunnel-config-dump' ? [info.pod] : []))
    .sort();
}

/**
 * cluster/pods.json, when present. Only --pod cannot do without it; otherwise an unreadable list
 * is skipped (nodes then come from each ztunnel's own pod.json) rather than blocking the view.
 */
async function podList(bundle: BundleSource, required: boolean): Promise<Pod[] | undefined> {
  if (!bundle.has(clusterPaths.pods)) return undefined;
  try {
    return parseK8sList<Pod>(await bundle.readText(clusterPaths.pods), clusterPaths.pods, 'PodList').items;
  } catch (err) {
    if (required || !(err instanceof BundleError)) throw err;
    return undefined;
  }
}

/** spec.nodeName of ztunnel/<pod>/pod.json, or undefined when absent or unreadable. */
async function nodeFromPodFile(bundle: BundleSource, name: string): Promise<string | undefined> {
  const path = ztunnelPaths.pod(name);
  if (!bundle.has(path)) return undefined;
  try {
    const pod = parseJson(await bundle.readText(path), path) as Pod | null;
    const node = pod?.spec?.nodeName;
    return typeof node === 'string' ? node : undefined;
  } catch (err) {
    if (err instanceof BundleError) return undefined;
    throw err;
  }
}

/** ztunnel pod -> node, from cluster/pods.json, else from the pod's own ztunnel/<pod>/pod.json. */
async function ztunnelNodes(bundle: BundleSource, ztunnels: readonly string[], pods: readonly Pod[] | undefined): Promise<Map<string, string>> {
  const nodes = new Map<string, string>();
  for (const name of ztunnels) {
    const listed = pods?.find((p) => p.metadata?.name === name)?.spec?.nodeName;
    const node = typeof listed === 'string' ? listed : await nodeFromPodFile(bundle, name);
    if (node) nodes.set(name, node);
  }
  return nodes;
}

function onNode(nodes: Map<string, string>, node: string): string | undefined {
  return [...nodes].find(([, n]) => n === node)?.[0];
}

/** The workload pod named by --pod, looked up in cluster/pods.json. */
function findWorkloadPod(arg: string, pods: readonly Pod[] | undefined): { namespace: string; name: string; node: string } {
  const wanted = parsePodArg(arg);
  if (!pods) throw new UsageError(`--pod ${arg}: the bundle has no ${clusterPaths.pods} to find the pod's node; use --ztunnel or --node`);
  const matches = pods.filter((p) => p.metadata?.name === wanted.name && (wanted.namespace === undefined || p.metadata?.namespace === wanted.namespace));
  if (matches.length === 0) throw new UsageError(`--pod ${arg}: no such pod in ${clusterPaths.pods}`);
  if (matches.length > 1) {
    const namespaces = matches.map((p) => p.metadata?.namespace ?? '?').join(', ');
    throw new UsageError(`--pod ${arg}: pods of that name in namespaces ${namespaces}; use NAMESPACE/POD`);
  }
  const pod = matches[0]!;
  const namespace = pod.metadata?.namespace ?? 'default';
  const node = pod.spec?.nodeName;
  if (!node) throw new UsageError(`--pod ${arg}: pod ${namespace}/${wanted.name} is not scheduled on a node`);
  return { namespace, name: wanted.name, node };
}

export async function chooseZtunnel(bundle: BundleSource, options: ChooseOptions): Promise<ZtunnelChoice> {
  const ztunnels = ztunnelsWithDumps(bundle);
  if (ztunnels.length === 0) throw new BundleError(bundle.description, 'no ztunnel config dump in the bundle (ztunnel/<pod>/config_dump.json)');
  const pods = await podList(bundle, options.pod !== undefined);
  const nodes = await ztunnelNodes(bundle, ztunnels, pods);
  const base = { candidates: ztunnels.length, defaulted: false };
  const available = () => ztunnels.map((z) => (nodes.has(z) ? `${z} (${nodes.get(z)})` : z)).join(', ');

  const picks: { flag: string; ztunnel: string; workload?: { namespace: string; name: string } }[] = [];
  if (options.ztunnel !== undefined) {
    if (!ztunnels.includes(options.ztunnel)) throw new UsageError(`--ztunnel ${options.ztunnel}: no config dump for it in the bundle; ztunnels: ${available()}`);
    picks.push({ flag: `--ztunnel ${options.ztunnel}`, ztunnel: options.ztunnel });
  }
  if (options.node !== undefined) {
    const z = onNode(nodes, options.node);
    if (!z) throw new UsageError(`--node ${options.node}: no ztunnel config dump for that node in the bundle; ztunnels: ${available()}`);
    picks.push({ flag: `--node ${options.node}`, ztunnel: z });
  }
  if (options.pod !== undefined) {
    const asZtunnel = parsePodArg(options.pod).name;
    if (ztunnels.includes(asZtunnel)) picks.push({ flag: `--pod ${options.pod}`, ztunnel: asZtunnel });
    else {
      const workload = findWorkloadPod(options.pod, pods);
      const z = onNode(nodes, workload.node);
      if (!z) throw new BundleError(bundle.description, `no ztunnel config dump for node ${workload.node}, where pod ${workload.namespace}/${workload.name} runs`);
      picks.push({ flag: `--pod ${options.pod}`, ztunnel: z, workload: { namespace: workload.namespace, name: workload.name } });
    }
  }
  const first = picks[0];
  if (!first) return { ...base, ztunnel: ztunnels[0]!, node: nodes.get(ztunnels[0]!), defaulted: true };
  const other = picks.find((p) => p.ztunnel !== first.ztunnel);
  if (other) throw new UsageError(`${first.flag} (ztunnel ${first.ztunnel}) and ${other.flag} (ztunnel ${other.ztunnel}) choose different ztunnels`);
  return { ...base, ztunnel: first.ztunnel, node: nodes.get(first.ztunnel), workload: picks.find((p) => p.workload)?.workload };
}

/**
 * The bundle's collection time (manifest collectedAt), or undefined when the manifest is absent,
 * unreadable or has no valid time: the views do not depend on it, so it never stops them.
 */
export async function collectedAt(bundle: BundleSource): Promise<string | undefined> {
  if (!bundle.has(MANIFEST)) return undefined;
  let manifest: { collectedAt?: unknown } | null;
  try {
    manifest = parseJson(await bundle.readText(MANIFEST), MANIFEST) as { collectedAt?: unknown } | null;
  } catch (err) {
    if (err instanceof BundleError) return undefined;
    throw err;
  }
  const at = manifest?.collectedAt;
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : undefined;
}
