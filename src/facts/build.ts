/**
 * Builds the fact model from a bundle: reads each file once (streaming logs), joins what the
 * Kubernetes objects, ztunnel dumps, istiod views, metrics and logs say, and records which
 * collections the bundle cannot provide so their rules are skipped rather than passed.
 */
import { MANIFEST, cluster as clusterPaths, cni as cniPaths, istiod as istiodPaths, ztunnel as ztunnelPaths } from '../bundle/paths.js';
import type { Manifest } from '../bundle/manifest.js';
import type { BundleSource } from '../bundle/source.js';
import type { ZtService, ZtWorkload } from '../parse/configDump.js';
import { parseJson } from '../parse/json.js';
import { parseK8sList, type Namespace, type Node, type Pod } from '../parse/k8s.js';
import { parseReady } from '../parse/ready.js';
import { createLocator } from '../parse/jsonLocate.js';
import { readLogEvents } from '../parse/logs.js';
import { buildArtifactFacts } from './artifacts.js';
import { dumpCitations } from './citedLines.js';
import { Interner } from './intern.js';
import { buildCertificateFacts, buildWorkloadStateFacts, type DumpInput } from './certificates.js';
import { indexCluster } from './cluster.js';
import { takeInventory } from './inventory.js';
import { LogAggregator, type Component, type LogSummary } from './logs.js';
import { EarlyParses, parseNamespaceList, parseNodeList, parsePodList, parseZtunnelMetrics } from './early.js';
import { buildPodFacts, indexWorkloads } from './pods.js';
import { FactReader } from './reader.js';
import type { FactModel, LogIssueFact, TrafficErrorFact } from './types.js';
import { buildXdsFacts, loadIstiodViews } from './xds.js';
import { buildZtunnelFacts } from './ztunnels.js';
import { buildComponentFacts, buildDaemonSetFacts, buildNodeFacts, buildPlatformFacts } from './components.js';
import { buildIstioResourceFacts } from './istio.js';
import { loadClusterLists } from './lists.js';
import { buildLoadBalancingFacts } from './loadBalancing.js';
import { buildNamespaceFacts, buildNetworkPolicyFacts } from './network.js';
import { buildWaypointFacts, type Located } from './waypoints.js';

/** List items with where each sits in its file, for evidence. */
function located<T>(file: string, list: { items: T[]; pointers: string[] } | undefined): Located<T>[] {
  return (list?.items ?? []).map((item, i) => ({ item, file, pointer: list?.pointers[i] ?? `/items/${i}` }));
}


async function scanLog(bundle: BundleSource, reader: FactReader, file: string, source: { component: Component; pod: string; node: string }): Promise<LogSummary | undefined> {
  if (!bundle.has(file)) return undefined;
  const early = reader.early?.takeLog(file, source);
  if (early) return early;
  const aggregator = new LogAggregator({ ...source, file });
  try {
    for await (const event of readLogEvents(bundle.openStream(file), { file })) aggregator.add(event);
  } catch (err) {
    reader.record(file, err);
  }
  return aggregator.summary();
}

export interface BuildFactsOptions {
  /** Files already parsed while the archive was extracted (see early.ts). */
  early?: EarlyParses;
}

export async function buildFacts(bundle: BundleSource, options: BuildFactsOptions = {}): Promise<FactModel> {
  const inv = takeInventory(bundle);
  const early = options.early ?? new EarlyParses();
  const reader = new FactReader(bundle, early);

  const manifestFile = await reader.parse(MANIFEST, (text, file) => parseJson(text, file) as Manifest);
  const manifest = manifestFile && Array.isArray(manifestFile.value.artifacts) ? manifestFile.value : undefined;
  if (manifestFile && !manifest) reader.record(MANIFEST, new Error('not a ztunnel-bundle manifest: no "artifacts" array'));

  const podsFile = await reader.parse(clusterPaths.pods, parsePodList);
  const nsFile = await reader.parse(clusterPaths.namespaces, parseNamespaceList);
  const nodesFile = await reader.parse(clusterPaths.nodes, parseNodeList);
  const podLocator = podsFile ? createLocator(podsFile.text) : undefined;
  const cluster = indexCluster({
    pods: podsFile?.value,
    namespaces: nsFile?.value.items,
    nodes: (nodesFile?.value.items ?? []).map((n) => n.metadata?.name ?? '').filter(Boolean),
    podLine: (pointer) => podLocator?.line(pointer),
  });

  const ztunnelNames = [...new Set([...cluster.ztunnelByName.keys(), ...inv.ztunnels.keys()])].sort();
  const podFiles = new Map<string, Pod>();
  for (const name of ztunnelNames) {
    if (cluster.ztunnelByName.has(name)) continue;
    const pod = await reader.parse(ztunnelPaths.pod(name), (t, f) => parseJson(t, f) as Pod);
    if (pod) podFiles.set(name, pod.value);
  }
  const nodeOf = (name: string) => cluster.ztunnelByName.get(name)?.node ?? podFiles.get(name)?.spec?.nodeName ?? '';
  const namespaceOf = (name: string) => cluster.ztunnelByName.get(name)?.namespace ?? podFiles.get(name)?.metadata?.namespace ?? 'istio-system';

  // Each dump is parsed once. The lines its facts cite are looked up while its text is at hand,
  // then the text is dropped; entries repeated across dumps (the whole cluster, in every dump) are
  // shared, so memory grows with the cluster, not with the cluster times the number of ztunnels.
  const dumps = new Map<string, DumpInput>();
  const podsOnNode = new Map<string, Set<string>>();
  for (const p of cluster.byRole.app) {
    const ztunnel = cluster.ztunnelOnNode.get(p.node);
    if (ztunnel === undefined) continue;
    let set = podsOnNode.get(ztunnel);
    if (!set) podsOnNode.set(ztunnel, (set = new Set()));
    set.add(`${p.namespace}/${p.name}`);
  }
  const workloadInterner = new Interner<ZtWorkload>((w) => `${w.pointer}\n${w.uid}`);
  const serviceInterner = new Interner<ZtService>((svc) => `${svc.pointer}\n${svc.namespace}/${svc.hostname}`);
  const ready = new Map<string, { status: number; ready: boolean; pending: string[] }>();
  const metrics = new Map<string, { xdsTerminationErrors: number; pendingProxies: number }>();
  const logs = new Map<string, LogSummary>();
  for (const name of ztunnelNames) {
    const parsed = await reader.parseBytes(ztunnelPaths.configDump(name), early.parseConfigDump);
    if (parsed) {
      const dump = parsed.dump;
      // Nodes of hand-assembled bundles come from the dump's own workload (the ztunnel's).
      const node = nodeOf(name) || dump.workloads.find((w) => w.name === name)?.node || '';
      const locator = parsed.lines(dumpCitations(dump, podsOnNode.get(name) ?? new Set()));
      workloadInterner.internAll(dump.workloads);
      serviceInterner.internAll(dump.services);
      dumps.set(name, { pod: name, namespace: namespaceOf(name), node, dump, locator });
    }
    const probe = await reader.parse(ztunnelPaths.ready(name), parseReady);
    if (probe) ready.set(name, { status: probe.value.status, ready: probe.value.ready, pending: probe.value.pending });
    const prom = await reader.parseValue(ztunnelPaths.metrics(name), parseZtunnelMetrics);
    if (prom) metrics.set(name, prom);
    const node = nodeOf(name) || dumps.get(name)?.node || '';
    const current = await scanLog(bundle, reader, ztunnelPaths.log(name), { component: 'ztunnel', pod: name, node });
    const previous = await scanLog(bundle, reader, ztunnelPaths.previousLog(name), { component: 'ztunnel', pod: name, node });
    const merged = mergeSummaries([current, previous]);
    if (merged) logs.set(name, merged);
  }

  const otherLogs: LogSummary[] = [];
  for (const pod of inv.cniPods) {
    const node = cluster.pods.find((p) => p.name === pod)?.node ?? '';
    const s = await scanLog(bundle, reader, cniPaths.log(pod), { component: 'istio-cni', pod, node });
    if (s) otherLogs.push(s);
  }
  for (const pod of inv.istiods.keys()) {
    const node = cluster.pods.find((p) => p.name === pod)?.node ?? '';
    const s = await scanLog(bundle, reader, istiodPaths.log(pod), { component: 'istiod', pod, node });
    if (s) otherLogs.push(s);
  }

  const allLogs = [...logs.values(), ...otherLogs];
  const newestLogTime = allLogs.reduce((max, s) => (s.newestTime > max ? s.newestTime : max), '');
  const collectedAt = typeof manifest?.collectedAt === 'string' ? manifest.collectedAt : newestLogTime;
  const dumpList = [...dumps.values()];
  const accessByPod = new Map<string, number>();
  for (const s of logs.values()) for (const [k, v] of s.accessByPod) accessByPod.set(k, (accessByPod.get(k) ?? 0) + v);

  const istiodViews = await loadIstiodViews(reader, inv, dumps);
  const lists = await loadClusterLists(reader, inv);
  const { facts: components, istiodVersion } = buildComponentFacts(cluster);
  const pods = buildPodFacts(cluster, indexWorkloads(dumpList), dumpList, accessByPod, (ztunnel) => inv.files.has(ztunnelPaths.log(ztunnel)));
  const podByKey = new Map(cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const ztServices = dumpList.flatMap((d) => d.dump.services);
  const ztWorkloads = dumpList.flatMap((d) => d.dump.workloads);
  const waypointFacts = buildWaypointFacts({
    gateways: lists.istio.filter((r) => r.plural === 'gateways' && r.file.endsWith('.gateway.networking.k8s.io.json')),
    namespaces: located(clusterPaths.namespaces, nsFile?.value),
    services: located(clusterPaths.services, lists.services),
    pods: located(clusterPaths.pods, podsFile?.value),
    otherUsers: lists.istio.filter((r) => r.plural === 'serviceentries' || r.plural === 'workloadentries'),
    ztServices,
    ztWorkloads,
  });
  const trafficPairs = [...logs.values()].flatMap((s) => s.trafficPairs);
  const trafficErrors: TrafficErrorFact[] = [...logs.values()].flatMap((s) => s.trafficErrors);
  const logIssues: LogIssueFact[] = allLogs.flatMap((s) => s.issues);

  const facts: FactModel = {
    bundle: {
      source: bundle.description,
      collectedAt,
      hasManifest: manifest !== undefined,
      manifestStatus: typeof manifest?.status === 'string' ? manifest.status : '',
      ztunnelCount: ztunnelNames.length,
      istiodCount: new Set([...cluster.byRole.istiod.map((p) => p.name), ...inv.istiods.keys()]).size,
      nodeCount: cluster.nodes.size,
      ambientNamespaces: [...cluster.namespaceLabels].filter(([, l]) => l['istio.io/dataplane-mode'] === 'ambient').map(([n]) => n).sort(),
      istiodVersion,
    },
    ztunnels: buildZtunnelFacts({ names: ztunnelNames, cluster, podFiles, dumps, ready, metrics, logs, files: inv.files }),
    pods,
    workloadStates: buildWorkloadStateFacts(dumpList),
    certificates: buildCertificateFacts(dumpList, collectedAt),
    xdsSync: buildXdsFacts({ ztunnels: ztunnelNames, nodeOf, namespaceOf, dumps, views: istiodViews }),
    logIssues,
    trafficErrors,
    artifacts: [],
    components,
    nodes: buildNodeFacts(cluster, nodesFile?.value.items ?? [], nodesFile?.value.pointers ?? [], pods),
    daemonSets: buildDaemonSetFacts(lists.daemonSets?.items ?? [], lists.daemonSets?.pointers ?? []),
    platform: buildPlatformFacts({ cluster, nodes: nodesFile?.value.items ?? [], quotas: lists.quotas, cilium: lists.cilium }),
    networkPolicies: buildNetworkPolicyFacts(lists.networkPolicies?.items ?? [], lists.networkPolicies?.pointers ?? [], pods, (ns, name) => podByKey.get(`${ns}/${name}`)?.pod.metadata?.labels ?? {}),
    namespaces: buildNamespaceFacts(nsFile?.value.items ?? [], nsFile?.value.pointers ?? [], pods),
    waypoints: waypointFacts.waypoints,
    waypointUses: waypointFacts.uses,
    istioResources: buildIstioResourceFacts(lists.istio, new Set([...cluster.namespaceLabels].filter(([, l]) => l['istio.io/dataplane-mode'] === 'ambient').map(([n]) => n))),
    trafficPairs,
    loadBalancing: buildLoadBalancingFacts(trafficPairs, dumps),
    unavailable: {},
  };
  // Built last: parsing above records the unreadable files.
  facts.artifacts = buildArtifactFacts({
    inv,
    manifest,
    manifestLines: manifest && manifestFile ? (() => { const l = createLocator(manifestFile.text); return manifest.artifacts.map((_, i) => l.line(`/artifacts/${i}`)); })() : [],
    ztunnelPods: ztunnelNames,
    unreadable: reader.unreadable,
  });
  facts.unavailable = unavailableCollections({
    cluster: podsFile !== undefined, namespaces: nsFile !== undefined, nodes: nodesFile !== undefined, ztunnels: ztunnelNames.length, dumps: dumps.size,
    logs: logs.size, anyLogs: allLogs.length, istiodViews: istiodViews.available, daemonSets: lists.daemonSets !== undefined,
    networkPolicies: lists.networkPolicies !== undefined, istioResources: lists.istio.length > 0 || inv.istioResourceFiles.length > 0,
    gateways: inv.istioResourceFiles.includes('cluster/istio/gateways.gateway.networking.k8s.io.json'),
  });
  return facts;
}

function mergeSummaries(parts: (LogSummary | undefined)[]): LogSummary | undefined {
  const present = parts.filter((p): p is LogSummary => p !== undefined);
  if (present.length <= 1) return present[0];
  const accessByPod = new Map<string, number>();
  for (const p of present) for (const [k, v] of p.accessByPod) accessByPod.set(k, (accessByPod.get(k) ?? 0) + v);
  return {
    trafficErrors: present.flatMap((p) => p.trafficErrors),
    trafficPairs: present.flatMap((p) => p.trafficPairs),
    issues: present.flatMap((p) => p.issues),
    errors: present.reduce((n, p) => n + p.errors, 0),
    warnings: present.reduce((n, p) => n + p.warnings, 0),
    newestTime: present.reduce((max, p) => (p.newestTime > max ? p.newestTime : max), ''),
    accessByPod,
  };
}

interface Availability {
  cluster: boolean; namespaces: boolean; nodes: boolean; ztunnels: number; dumps: number; logs: number; anyLogs: number;
  istiodViews: boolean; daemonSets: boolean; networkPolicies: boolean; istioResources: boolean; gateways: boolean;
}

function unavailableCollections(has: Availability): FactModel['unavailable'] {
  const out: FactModel['unavailable'] = {};
  if (!has.cluster) {
    out.pods = 'cluster/pods.json is not in the bundle';
    out.components = out.pods;
    out.platform = out.pods;
    out.waypointUses = out.pods;
  } else if (!has.namespaces) out.pods = 'cluster/namespaces.json is not in the bundle, so which namespaces are ambient is unknown';
  if (!has.namespaces) out.namespaces = 'cluster/namespaces.json is not in the bundle';
  if (!has.nodes || !has.cluster) out.nodes = `${!has.nodes ? 'cluster/nodes.json' : 'cluster/pods.json'} is not in the bundle`;
  if (!has.daemonSets) out.daemonSets = 'cluster/daemonsets.json is not in the bundle';
  if (!has.networkPolicies || !has.cluster || !has.namespaces) out.networkPolicies = 'cluster/networkpolicies.json, pods.json and namespaces.json are all needed';
  if (!has.istioResources) out.istioResources = 'no Istio resource list (cluster/istio/*.json) in the bundle';
  if (!has.gateways) {
    // Without the Gateway list, every use-waypoint label would look like a missing waypoint.
    out.waypoints = 'cluster/istio/gateways.gateway.networking.k8s.io.json is not in the bundle';
    out.waypointUses ??= out.waypoints;
  }
  if (has.logs === 0) {
    out.trafficPairs = 'no ztunnel log (ztunnel/<pod>/ztunnel.log) in the bundle';
    out.loadBalancing = out.trafficPairs;
  } else if (has.dumps === 0) out.loadBalancing = 'no ztunnel config_dump.json in the bundle, so service endpoints are unknown';
  if (has.ztunnels === 0) out.ztunnels = 'the bundle has no ztunnel pod (no app=ztunnel pod in cluster/pods.json, no ztunnel/<pod>/ directory)';
  if (has.dumps === 0) {
    out.certificates = 'no ztunnel config_dump.json in the bundle';
    out.workloadStates = 'no ztunnel config_dump.json in the bundle';
  }
  if (!has.istiodViews) out.xdsSync = 'no istiod debug view (debug/syncz.json or debug/config_dump/<ztunnel>.json) in the bundle';
  if (has.logs === 0) out.trafficErrors = 'no ztunnel log (ztunnel/<pod>/ztunnel.log) in the bundle';
  if (has.anyLogs === 0) out.logIssues = 'no ztunnel, istiod or istio-cni log in the bundle';
  return out;
}
