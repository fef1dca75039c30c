/**
 * ztunnel's GET :15020/metrics in OpenMetrics text as Rust prometheus_client encodes it: `# HELP`
 * (with a trailing period), `# TYPE` naming the family without `_total`, `# UNIT` for byte
 * counters, samples with `_total`, and a final `# EOF`. istio_tcp_* series carry the
 * CommonTrafficLabels and are summed from the same connections the access logs show.
 */
import type { ClusterModel, NodeModel, PodModel } from './model.js';
import { spiffe } from './model.js';
import { CLUSTER_ID } from './ztunnel-config.js';
import type { Connection } from './traffic.js';

interface TcpCounters { opened: number; closed: number; sent: number; received: number }

function trafficLabels(reporter: 'source' | 'destination', c: Connection): string {
  const s: PodModel = c.src;
  const d: PodModel = c.dst;
  const mtls = c.outcome !== 'plaintext';
  const flags = c.outcome === 'denied' ? 'DENY' : c.outcome === 'timeout' || c.outcome === 'refused' ? 'CONNECT' : '-';
  const pairs: [string, string][] = [
    ['reporter', reporter],
    ['source_workload', s.owner.deployment ?? s.name],
    ['source_canonical_service', s.canonicalName],
    ['source_canonical_revision', s.canonicalRevision],
    ['source_workload_namespace', s.namespace],
    ['source_principal', mtls ? spiffe(s.namespace, s.serviceAccount) : 'unknown'],
    ['source_app', s.canonicalName],
    ['source_version', s.canonicalRevision],
    ['source_cluster', CLUSTER_ID],
    ['destination_service', c.service.hostname],
    ['destination_service_namespace', c.service.namespace],
    ['destination_service_name', c.service.name],
    ['destination_workload', d.owner.deployment ?? d.name],
    ['destination_canonical_service', d.canonicalName],
    ['destination_canonical_revision', d.canonicalRevision],
    ['destination_workload_namespace', d.namespace],
    ['destination_principal', mtls ? spiffe(d.namespace, d.serviceAccount) : 'unknown'],
    ['destination_app', d.canonicalName],
    ['destination_version', d.canonicalRevision],
    ['destination_cluster', CLUSTER_ID],
    ['request_protocol', 'tcp'],
    ['response_flags', flags],
    ['connection_security_policy', mtls ? 'mutual_tls' : 'unknown'],
  ];
  return pairs.map(([k, v]) => `${k}="${v}"`).join(',');
}

/** Connections each node's ztunnel saw (as client or server side), indexed once for all nodes. */
export function trafficByNode(traffic: Connection[]): Map<string, Connection[]> {
  const byNode = new Map<string, Connection[]>();
  const add = (node: string, c: Connection) => {
    const list = byNode.get(node) ?? [];
    list.push(c);
    byNode.set(node, list);
  };
  for (const c of traffic) {
    add(c.src.node, c);
    if (c.dst.node !== c.src.node) add(c.dst.node, c);
  }
  return byNode;
}

function tcpSeries(node: NodeModel, traffic: Connection[]): Map<string, TcpCounters> {
  const series = new Map<string, TcpCounters>();
  const add = (labels: string, sent: number, received: number) => {
    const s = series.get(labels) ?? { opened: 0, closed: 0, sent: 0, received: 0 };
    s.opened++;
    s.closed++;
    s.sent += sent;
    s.received += received;
    series.set(labels, s);
  };
  for (const c of traffic) {
    // Istio flips sent/received for reporter="source": the client's received bytes are the response.
    if (c.src.node === node.name) add(trafficLabels('source', c), c.bytesRecv, c.bytesSent);
    const inboundSeen = c.outcome === 'ok' || c.outcome === 'denied';
    if (c.dst.node === node.name && inboundSeen) add(trafficLabels('destination', c), c.bytesRecv, c.bytesSent);
  }
  return series;
}

/** `traffic`: the connections of this node (see trafficByNode); others are ignored anyway. */
export function ztunnelMetrics(model: ClusterModel, node: NodeModel, traffic: Connection[]): string {
  const rng = model.rng.fork(`metrics/${node.name}`);
  const local = (model.podsByNode.get(node.name) ?? []).filter((p) => p.captured);
  const pending = model.spec.faults.proxyPending ? model.pod(model.spec.faults.proxyPending) : undefined;
  const pendingCount = local.filter((p) => p === pending).length;
  const series = tcpSeries(node, traffic);
  const out: string[] = [];
  const family = (name: string, type: string, help: string, samples: string[], unit?: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    if (unit) out.push(`# UNIT ${name} ${unit}`);
    out.push(...samples);
  };
  const tcp = (name: string, help: string, pick: (c: TcpCounters) => number, unit?: string) =>
    family(name, 'counter', help, [...series].map(([labels, c]) => `${name}_total{${labels}} ${pick(c)}`), unit);

  family('istio_build', 'gauge', 'Istio component build info.', [`istio_build{component="ztunnel",tag="${model.spec.istioVersion}"} 1`]);
  tcp('istio_tcp_connections_opened', 'The total number of TCP connections opened.', (c) => c.opened);
  tcp('istio_tcp_connections_closed', 'The total number of TCP connections closed.', (c) => c.closed);
  tcp('istio_tcp_received_bytes', 'The size of total bytes received during request in case of a TCP connection.', (c) => c.received, 'bytes');
  tcp('istio_tcp_sent_bytes', 'The size of total bytes sent during response in case of a TCP connection.', (c) => c.sent, 'bytes');

  const terminations: string[] = [`istio_xds_connection_terminations_total{reason="Reconnect"} ${rng.int(1, 3)}`];
  if (model.spec.faults.xdsNack?.node === node.name) terminations.unshift('istio_xds_connection_terminations_total{reason="ConnectionError"} 4');
  family('istio_xds_connection_terminations', 'counter', 'The total number of completed connections to xds server (unstable).', terminations);
  const messages = model.workloads.length + model.services.length + rng.int(10, 40);
  family('istio_xds_message', 'counter', 'Total number of messages received (unstable).', [
    `istio_xds_message_total{url="type.googleapis.com/istio.security.Authorization"} ${rng.int(2, 6)}`,
    `istio_xds_message_total{url="type.googleapis.com/istio.workload.Address"} ${messages}`,
  ]);
  family('workload_manager_active_proxy_count', 'gauge', 'The total number current workloads with active proxies (unstable).', [`workload_manager_active_proxy_count ${local.length - pendingCount}`]);
  family('workload_manager_pending_proxy_count', 'gauge', 'The total number current workloads with pending proxies (unstable).', [`workload_manager_pending_proxy_count ${pendingCount}`]);
  family('workload_manager_proxies_started', 'counter', 'The total number of proxies that were started (unstable).', [`workload_manager_proxies_started_total ${local.length - pendingCount}`]);
  family('process_open_fds', 'gauge', 'Number of open file descriptors.', [`process_open_fds ${24 + local.length * 6 + rng.int(0, 9)}`]);
  family('process_max_fds', 'gauge', 'Maximum number of open file descriptors.', ['process_max_fds 1048576']);
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
