/**
 * ztunnel's GET :15000/config_dump (≥1.26 shape): arrays of workloads, services and policies,
 * certificates with rootCerts split out, workloadState keyed by pod uid, every object's keys
 * sorted and default-valued fields omitted, as current ztunnel's serde output. The cluster-wide
 * workload, service and policy lists are serialized once (ZtunnelSharedState) and spliced into
 * every ztunnel's dump; only a ztunnel with an xDS fault gets its own copy.
 */
import { nodeCertificates, type CertDump } from './certs.js';
import { nestedJson, objectFromParts, sortKeys } from './json.js';
import type { ClusterModel, NodeModel, PodModel } from './model.js';
import { ISTIO_NS, TRUST_DOMAIN } from './model.js';

export const CLUSTER_ID = 'Kubernetes';

export function workloadUid(p: PodModel): string {
  return `${CLUSTER_ID}//Pod/${p.namespace}/${p.name}`;
}

/** `ns/name` of the DENY policy on this pod, if the spec has one. */
export function policiesFor(model: ClusterModel, p: PodModel): string[] {
  const deny = model.spec.faults.denyPolicy;
  if (!deny) return [];
  const target = model.serviceByName.get(`${p.namespace}/${deny.to}`);
  return target?.endpoints.includes(p) ? [`${target.namespace}/${deny.name}`] : [];
}

function ztunnelWorkload(model: ClusterModel, p: PodModel): Record<string, unknown> {
  const policies = policiesFor(model, p);
  const w: Record<string, unknown> = {
    canonicalName: p.canonicalName,
    canonicalRevision: p.canonicalRevision,
    capacity: 1,
    clusterId: CLUSTER_ID,
    name: p.name,
    namespace: p.namespace,
    networkMode: 'Standard',
    node: p.node,
    protocol: p.captured ? 'HBONE' : 'TCP',
    serviceAccount: p.serviceAccount,
    status: p.ready ? 'Healthy' : 'Unhealthy',
    trustDomain: TRUST_DOMAIN,
    uid: workloadUid(p),
    workloadIps: [p.ip],
    workloadName: p.owner.deployment ?? p.owner.name,
    workloadType: p.owner.kind === 'DaemonSet' ? 'pod' : 'deployment',
  };
  if (policies.length > 0) w.authorizationPolicies = policies;
  if (p.services.length > 0) w.services = p.services;
  return sortKeys(w) as Record<string, unknown>;
}

function ztunnelServices(model: ClusterModel, exclude: Set<PodModel>): unknown[] {
  return [...model.services]
    .sort((a, b) => a.hostname.localeCompare(b.hostname))
    .map((s) => {
      const ports = Object.fromEntries(s.ports.map((p) => [String(p.port), p.targetPort]));
      const endpoints: Record<string, unknown> = {};
      for (const p of s.endpoints) {
        if (exclude.has(p)) continue;
        endpoints[workloadUid(p)] = { port: ports, status: p.ready ? 'Healthy' : 'Unhealthy', workloadUid: workloadUid(p) };
      }
      return sortKeys({
        canonical: true, endpoints, hostname: s.hostname, ipFamilies: 'IPv4', name: s.name, namespace: s.namespace,
        ports, subjectAltNames: [], vips: [`/${s.vip}`],
      });
    });
}

export function ztunnelPolicies(model: ClusterModel): unknown[] {
  const deny = model.spec.faults.denyPolicy;
  if (!deny) return [];
  const from = model.spec.deployments.find((d) => d.name === deny.from);
  const target = model.services.find((s) => s.name === deny.to);
  if (!from || !target) throw new Error(`denyPolicy refers to unknown ${deny.from} or ${deny.to}`);
  return [sortKeys({
    action: 'Deny', name: deny.name, namespace: target.namespace, scope: 'WorkloadSelector',
    rules: [[[{ principals: [{ Exact: `${TRUST_DOMAIN}/ns/${from.namespace}/sa/${from.serviceAccount}` }] }]]],
  })];
}

/** Workloads ztunnel lists, sorted by uid, optionally without some (xDS NACK fault). */
export function ztunnelWorkloads(model: ClusterModel, exclude: Set<PodModel> = new Set()): unknown[] {
  return model.workloads
    .filter((p) => !exclude.has(p))
    .map((p) => ztunnelWorkload(model, p))
    .sort((a, b) => String(a.uid).localeCompare(String(b.uid)));
}

export interface ZtunnelSharedState {
  workloads: string;
  services: string;
  policies: string;
  root: CertDump;
  gitRevision: string;
}

export function sharedZtunnelState(model: ClusterModel, root: CertDump): ZtunnelSharedState {
  return {
    workloads: nestedJson(ztunnelWorkloads(model), 1),
    services: nestedJson(ztunnelServices(model, new Set()), 1),
    policies: nestedJson(ztunnelPolicies(model), 1),
    root,
    gitRevision: model.rng.fork('git').hex(40),
  };
}

/**
 * The runtime config (a representative subset), in ztunnel's declaration order: the startup log
 * prints it in this order as YAML, the config_dump with sorted keys.
 */
export function ztunnelConfigFields(model: ClusterModel, node: NodeModel): [string, unknown][] {
  const istiod = `https://istiod.${ISTIO_NS}.svc:15012`;
  return [
    ['proxy', true], ['dnsProxy', true], ['windowSize', 4194304], ['connectionWindowSize', 16777216], ['frameSize', 1048576],
    ['poolMaxStreamsPerConn', 100], ['poolUnusedReleaseTimeout', { secs: 300, nanos: 0 }], ['socks5Addr', null],
    ['adminAddr', { Localhost: [true, 15000] }], ['statsAddr', { SocketAddr: '[::]:15020' }], ['readinessAddr', { SocketAddr: '[::]:15021' }],
    ['inboundAddr', '[::]:15008'], ['inboundPlaintextAddr', '[::]:15006'], ['outboundAddr', '[::]:15001'],
    ['dnsProxyAddr', { Localhost: [true, 15053] }], ['network', ''], ['localNode', node.name], ['proxyMode', 'Shared'],
    ['clusterId', CLUSTER_ID], ['clusterDomain', TRUST_DOMAIN], ['caAddress', istiod], ['xdsAddress', istiod],
    ['secretTtl', { secs: 86400, nanos: 0 }], ['xdsOnDemand', false], ['numWorkerThreads', 2],
    ['inpodUds', '/var/run/ztunnel/ztunnel.sock'], ['inpodPortReuse', true], ['packetMark', 1337],
  ];
}

export function ztunnelConfig(model: ClusterModel, node: NodeModel): Record<string, unknown> {
  return sortKeys(Object.fromEntries(ztunnelConfigFields(model, node))) as Record<string, unknown>;
}

export function ztunnelVersion(model: ClusterModel, gitRevision: string): Record<string, unknown> {
  return sortKeys({
    version: gitRevision, gitRevision, rustVersion: '1.89.0', buildProfile: 'release', buildStatus: 'Clean',
    istioVersion: model.spec.istioVersion, cryptoProvider: 'tls-aws-lc',
  }) as Record<string, unknown>;
}

/** Pods whose in-pod proxy this ztunnel runs (captured pods on its node), by pod uid. */
function workloadState(model: ClusterModel, node: NodeModel): Record<string, unknown> {
  const pending = model.spec.faults.proxyPending ? model.pod(model.spec.faults.proxyPending) : undefined;
  const entries = (model.podsByNode.get(node.name) ?? [])
    .filter((p) => p.captured)
    .sort((a, b) => a.uid.localeCompare(b.uid))
    .map((p) => [p.uid, { info: { name: p.name, namespace: p.namespace, serviceAccount: p.serviceAccount }, state: p === pending ? 'Pending' : 'Up' }]);
  return Object.fromEntries(entries);
}

/** Pods a NACKed ztunnel never received (empty for every other ztunnel). */
export function missingWorkloads(model: ClusterModel, node: NodeModel): Set<PodModel> {
  const nack = model.spec.faults.xdsNack;
  return new Set(nack?.node === node.name ? nack.missing.map((ref) => model.pod(ref)) : []);
}

/** The config_dump of one ztunnel, as chunks to stream to disk. */
export function ztunnelConfigDump(model: ClusterModel, node: NodeModel, shared: ZtunnelSharedState): string[] {
  const missing = missingWorkloads(model, node);
  const workloads = missing.size > 0 ? nestedJson(ztunnelWorkloads(model, missing), 1) : shared.workloads;
  const services = missing.size > 0 ? nestedJson(ztunnelServices(model, missing), 1) : shared.services;
  return objectFromParts([
    ['certificates', nestedJson(nodeCertificates(model, node, shared.root), 1)],
    ['config', nestedJson(ztunnelConfig(model, node), 1)],
    ['policies', shared.policies],
    ['services', services],
    ['stagedServices', '{}'],
    ['staticConfig', nestedJson({ policies: [], services: [], workloads: [] }, 1)],
    ['version', nestedJson(ztunnelVersion(model, shared.gitRevision), 1)],
    ['workloadState', nestedJson(workloadState(model, node), 1)],
    ['workloads', workloads],
  ]);
}
