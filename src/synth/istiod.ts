/**
 * istiod's side of the bundle: debug views (syncz, adsz, connections, ambientz, registryz,
 * push_status), the per-ztunnel `debug/config_dump?types=wds,wads` protojson (raw IP bytes in
 * base64), discovery.log and metrics. What istiod sends each ztunnel is the full cluster state;
 * a ztunnel that NACKed shows `sent != acked` with a lastError in syncz.
 */
import { prettyJson } from './json.js';
import type { ClusterModel, NodeModel, PodModel } from './model.js';
import { ISTIO_NS, TRUST_DOMAIN } from './model.js';
import { addSeconds, microTimestamp, millisTimestamp, toMillis } from './time.js';
import { CLUSTER_ID, missingWorkloads, policiesFor, workloadUid } from './ztunnel-config.js';

export const ADDRESS_TYPE = 'type.googleapis.com/istio.workload.Address';
export const AUTHORIZATION_TYPE = 'type.googleapis.com/istio.security.Authorization';

const ipBytes = (ip: string) => Buffer.from(ip.split('.').map(Number)).toString('base64');
/** ambientz's quirk: the IP's text form, base64-encoded. */
const ipText = (ip: string) => Buffer.from(ip).toString('base64');

function protoWorkload(model: ClusterModel, p: PodModel, encodeIp: (ip: string) => string): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const key of p.services) {
    const svc = model.serviceByKey.get(key);
    services[key] = { ports: (svc?.ports ?? []).map((x) => ({ servicePort: x.port, targetPort: x.targetPort })) };
  }
  const policies = policiesFor(model, p);
  // protojson omits enum zero values: workloadType DEPLOYMENT, status HEALTHY, tunnelProtocol NONE.
  return {
    uid: workloadUid(p),
    name: p.name,
    namespace: p.namespace,
    addresses: [encodeIp(p.ip)],
    ...(p.captured ? { tunnelProtocol: 'HBONE' } : {}),
    trustDomain: TRUST_DOMAIN,
    serviceAccount: p.serviceAccount,
    node: p.node,
    canonicalName: p.canonicalName,
    canonicalRevision: p.canonicalRevision,
    ...(p.owner.kind === 'DaemonSet' ? { workloadType: 'POD' } : {}),
    workloadName: p.owner.deployment ?? p.owner.name,
    ...(Object.keys(services).length > 0 ? { services } : {}),
    ...(policies.length > 0 ? { authorizationPolicies: policies } : {}),
    ...(p.ready ? {} : { status: 'UNHEALTHY' }),
    clusterId: CLUSTER_ID,
  };
}

function protoServices(model: ClusterModel, encodeIp: (ip: string) => string): Record<string, unknown>[] {
  return model.services.map((s) => ({
    name: s.name,
    namespace: s.namespace,
    hostname: s.hostname,
    addresses: [{ address: encodeIp(s.vip) }],
    ports: s.ports.map((x) => ({ servicePort: x.port, targetPort: x.targetPort })),
    ipFamilies: 'IPV4',
  }));
}

function protoPolicies(model: ClusterModel): Record<string, unknown>[] {
  const deny = model.spec.faults.denyPolicy;
  if (!deny) return [];
  const from = model.spec.deployments.find((d) => d.name === deny.from)!;
  const target = model.services.find((s) => s.name === deny.to)!;
  return [{
    name: deny.name, namespace: target.namespace, scope: 'WORKLOAD_SELECTOR', action: 'DENY',
    rules: [{ clauses: [{ matches: [{ principals: [{ exact: `${TRUST_DOMAIN}/ns/${from.namespace}/sa/${from.serviceAccount}` }] }] }] }],
  }];
}

/** GET :15014/debug/config_dump?proxyID=<ztunnel>.istio-system&types=wds,wads */
export function istiodConfigDumpFor(model: ClusterModel): string {
  const configs = [
    ...model.workloads.map((p) => ({ '@type': ADDRESS_TYPE, workload: protoWorkload(model, p, ipBytes) })),
    ...protoServices(model, ipBytes).map((service) => ({ '@type': ADDRESS_TYPE, service })),
    ...protoPolicies(model).map((policy) => ({ '@type': AUTHORIZATION_TYPE, ...policy })),
  ];
  return prettyJson({ configs });
}

export function ambientz(model: ClusterModel): string {
  return prettyJson({
    workloads: model.workloads.map((p) => protoWorkload(model, p, ipText)),
    services: protoServices(model, ipText),
    policies: protoPolicies(model),
  });
}

interface Connection { node: NodeModel; id: string; connectedAt: string; peer: string }

function xdsConnections(model: ClusterModel): Connection[] {
  const rng = model.rng.fork('xds-connections');
  return model.nodes.map((node, i) => {
    const started = toMillis(node.ztunnel.startedAt) + 1200 + rng.int(0, 300);
    return {
      node,
      id: `${node.ztunnel.name}.${ISTIO_NS}-${i + 1 + model.nodes.length * (node.ztunnel.restartCount + 1)}`,
      connectedAt: millisTimestamp(started),
      peer: `${node.ztunnel.ip}:${rng.int(33000, 60000)}`,
    };
  });
}

export function syncz(model: ClusterModel): string {
  const rng = model.rng.fork('syncz');
  const nack = model.spec.faults.xdsNack;
  const entries = model.nodes.map((node) => {
    const sent = rng.uuid();
    const sentTime = addSeconds(model.spec.collectedAt, -rng.int(30, 900));
    const address: Record<string, string> = { sent, acked: sent, sentTime };
    if (nack?.node === node.name) {
      address.acked = rng.uuid();
      const missing = [...missingWorkloads(model, node)].map(workloadUid);
      address.lastError = `failed to apply ${ADDRESS_TYPE} update: rejected workloads [${missing.join(', ')}]: invalid address: Kubernetes//Pod`;
    }
    const authz = rng.uuid();
    return {
      cluster_id: CLUSTER_ID,
      proxy: `${node.ztunnel.name}.${ISTIO_NS}`,
      proxy_type: 'ztunnel',
      proxy_version: model.spec.istioVersion,
      istio_version: model.spec.istioVersion,
      resources: {
        [ADDRESS_TYPE]: address,
        [AUTHORIZATION_TYPE]: { sent: authz, acked: authz, sentTime },
      },
    };
  });
  return prettyJson(entries);
}

function ztunnelMetadata(model: ClusterModel, node: NodeModel): Record<string, unknown> {
  return {
    CLUSTER_ID: CLUSTER_ID, ISTIO_VERSION: model.spec.istioVersion, NAMESPACE: ISTIO_NS, NODE_NAME: node.name,
    NAME: node.ztunnel.name, SERVICE_ACCOUNT: 'ztunnel', ENABLE_HBONE: true, PROXY_CONFIG: {},
  };
}

export function adsz(model: ClusterModel): string {
  const clients = xdsConnections(model).map((c) => ({
    connectionId: c.id,
    connectedAt: c.connectedAt,
    address: c.peer,
    labels: { app: 'ztunnel', 'topology.istio.io/cluster': CLUSTER_ID },
    metadata: ztunnelMetadata(model, c.node),
    locality: {},
    watches: { [ADDRESS_TYPE]: [], [AUTHORIZATION_TYPE]: [] },
  }));
  return prettyJson({ totalClients: clients.length, clients });
}

export function connections(model: ClusterModel): string {
  const clients = xdsConnections(model).map((c) => ({ connectionId: c.id, connectedAt: c.connectedAt, address: c.peer }));
  return prettyJson({ totalClients: clients.length, clients });
}

export function registryz(model: ClusterModel): string {
  return prettyJson(model.services.map((s) => ({
    Attributes: {
      ServiceRegistry: 'Kubernetes', Name: s.name, Namespace: s.namespace,
      Labels: { app: s.selector.app }, LabelSelectors: s.selector, K8sAttributes: { Type: 'ClusterIP' },
    },
    ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.name === 'http' ? 'HTTP' : p.name.startsWith('dns') ? 'UDP' : 'TCP' })),
    creationTime: s.createdAt,
    hostname: s.hostname,
    clusterVIPs: { Addresses: { [CLUSTER_ID]: [s.vip] } },
    defaultAddress: s.vip,
    Resolution: 0,
    MeshExternal: false,
    ResourceVersion: '',
  })));
}

export function pushStatus(model: ClusterModel): string {
  const end = toMillis(model.spec.collectedAt) - 31_000;
  return prettyJson({ Start: millisTimestamp(end - 14), End: millisTimestamp(end) });
}

/** discovery.log: istiod's zap console format, TAB-separated. */
export function discoveryLog(model: ClusterModel): string {
  const rng = model.rng.fork('discovery-log');
  const lines: [number, string][] = [];
  const at = (ms: number, level: string, scope: string, msg: string) => lines.push([ms * 1000 + rng.int(0, 999), `${level}\t${scope}\t${msg}`]);
  const start = toMillis(model.istiod.startedAt) + rng.int(0, 999);
  at(start, 'info', 'FLAG', '--domain="cluster.local"');
  at(start + 2, 'info', 'klog', 'Config not found: /var/run/secrets/remote/config');
  at(start + 310, 'info', 'ads', 'All caches have been synced up in 301.223ms, marking server ready');
  at(start + 320, 'info', 'ads', 'Starting ADS server');
  const nack = model.spec.faults.xdsNack;
  for (const c of xdsConnections(model)) {
    const t = toMillis(c.connectedAt);
    at(t, 'info', 'ads', `ADS: new connection for node:${c.id}`);
    at(t + 3, 'info', 'ads', `WDS: PUSH request for node:${c.node.ztunnel.name}.${ISTIO_NS} resources:${model.workloads.length + model.services.length} size:${(model.workloads.length * 612 / 1024).toFixed(1)}kB`);
    at(t + 4, 'info', 'ads', `WADS: PUSH request for node:${c.node.ztunnel.name}.${ISTIO_NS} resources:${model.spec.faults.denyPolicy ? 1 : 0} size:0B`);
    if (nack?.node === c.node.name) {
      const missing = [...missingWorkloads(model, c.node)].map(workloadUid);
      at(toMillis(model.spec.collectedAt) - 240_000 + rng.int(0, 999), 'warn', 'ads', `ADS:WDS: ACK ERROR ${c.id} ${CLUSTER_ID}: rejected workloads [${missing.join(', ')}]`);
    }
  }
  return lines.sort((a, b) => a[0] - b[0]).map(([us, text]) => `${microTimestamp(us)}\t${text}\n`).join('');
}

export function istiodMetrics(model: ClusterModel): string {
  const nacks = model.spec.faults.xdsNack ? 3 : 0;
  const n = model.nodes.length;
  return [
    '# HELP istio_build Istio component build info',
    '# TYPE istio_build gauge',
    `istio_build{component="pilot",tag="${model.spec.istioVersion}"} 1`,
    '# HELP pilot_xds Number of endpoints connected to this pilot using XDS.',
    '# TYPE pilot_xds gauge',
    `pilot_xds{version="${model.spec.istioVersion}"} ${n}`,
    '# HELP pilot_xds_pushes Pilot build and send errors for lds, rds, cds and eds.',
    '# TYPE pilot_xds_pushes counter',
    `pilot_xds_pushes{type="wads"} ${n * 4}`,
    `pilot_xds_pushes{type="wds"} ${n * 9}`,
    '# HELP pilot_total_xds_rejects Total number of XDS responses from pilot rejected by proxy.',
    '# TYPE pilot_total_xds_rejects counter',
    `pilot_total_xds_rejects{type="wds"} ${nacks}`,
    '',
  ].join('\n');
}
