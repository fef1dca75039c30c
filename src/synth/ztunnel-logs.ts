/**
 * ztunnel's container log in the current plain format: `<µs UTC>\t<level>\t<target>\t<message>\t<fields>`,
 * fields in Rust Debug style (strings quoted, addresses and numbers bare). Startup (version, the
 * multi-line `running with config:` YAML, listeners, xDS stream), in-pod lifecycle, fault lines,
 * then access logs for the connections this ztunnel saw: outbound on the client's node (HBONE to
 * :15008 with dst.hbone_addr) and inbound on the server's node.
 */
import type { ClusterModel, NodeModel, PodModel } from './model.js';
import { spiffe } from './model.js';
import type { Connection } from './traffic.js';
import { microTimestamp, toMillis } from './time.js';
import { ztunnelConfigFields } from './ztunnel-config.js';

type Line = [micros: number, text: string];

const q = (s: string) => JSON.stringify(s);

function accessLine(c: Connection, direction: 'inbound' | 'outbound'): Line | undefined {
  const dst = c.dst;
  const hbone = c.outcome !== 'plaintext';
  if (direction === 'inbound' && (!hbone || c.outcome === 'timeout' || c.outcome === 'refused')) return undefined;
  let error = '';
  if (c.outcome === 'timeout' && direction === 'outbound') error = 'connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed';
  if (c.outcome === 'refused' && direction === 'outbound') error = 'io error: Connection refused (os error 111)';
  if (c.outcome === 'denied') {
    error = direction === 'inbound' ? `connection closed due to policy rejection: explicitly denied by: ${c.deniedBy ?? ''}` : 'http status: 401 Unauthorized';
  }
  const fields = [
    `src.addr=${c.src.ip}:${c.srcPort}`,
    `src.workload=${q(c.src.name)}`,
    `src.namespace=${q(c.src.namespace)}`,
    ...(hbone ? [`src.identity=${q(spiffe(c.src.namespace, c.src.serviceAccount))}`] : []),
    direction === 'outbound' && hbone ? `dst.addr=${dst.ip}:15008` : `dst.addr=${dst.ip}:${c.targetPort}`,
    ...(hbone ? [`dst.hbone_addr=${dst.ip}:${c.targetPort}`] : []),
    `dst.service=${q(c.service.hostname)}`,
    `dst.workload=${q(dst.name)}`,
    `dst.namespace=${q(dst.namespace)}`,
    ...(hbone ? [`dst.identity=${q(spiffe(dst.namespace, dst.serviceAccount))}`] : []),
    `direction=${q(direction)}`,
    `bytes_sent=${direction === 'outbound' ? c.bytesSent : c.bytesRecv}`,
    `bytes_recv=${direction === 'outbound' ? c.bytesRecv : c.bytesSent}`,
    `duration=${q(`${direction === 'inbound' ? Math.max(0, c.durationMs - 1) : c.durationMs}ms`)}`,
    ...(error ? [`error=${q(error)}`] : []),
  ];
  // The server side logs a few hundred µs before the client sees the close.
  const at = direction === 'inbound' ? c.atMicros - 62 : c.atMicros;
  return [at, `${error ? 'error' : 'info'}\taccess\tconnection complete\t${fields.join(' ')}`];
}

/** Access-log lines per node, computed once for all ztunnels from the cluster's connections. */
export function accessLinesByNode(traffic: Connection[]): Map<string, Line[]> {
  const byNode = new Map<string, Line[]>();
  const add = (node: string, line: Line | undefined) => {
    if (!line) return;
    const list = byNode.get(node) ?? [];
    list.push(line);
    byNode.set(node, list);
  };
  for (const c of traffic) {
    add(c.src.node, accessLine(c, 'outbound'));
    add(c.dst.node, accessLine(c, 'inbound'));
  }
  return byNode;
}

/** serde_yaml's rendering of the config: enum variants as tags (`!Localhost`), strings quoted when needed. */
function configYaml(fields: [string, unknown][]): string {
  const scalar = (v: unknown): string => {
    if (v === null) return 'null';
    if (typeof v === 'string') return v === '' || /[:\[\]{}#,]/.test(v) ? `'${v}'` : v;
    return String(v);
  };
  const out: string[] = [];
  for (const [key, value] of fields) {
    if (value && typeof value === 'object' && 'Localhost' in value) {
      const [v6, port] = (value as { Localhost: [boolean, number] }).Localhost;
      out.push(`${key}: !Localhost`, `- ${v6}`, `- ${port}`);
    } else if (value && typeof value === 'object' && 'SocketAddr' in value) {
      out.push(`${key}: !SocketAddr ${scalar((value as { SocketAddr: string }).SocketAddr)}`);
    } else if (value && typeof value === 'object') {
      out.push(`${key}:`, ...Object.entries(value).map(([k, v]) => `  ${k}: ${scalar(v)}`));
    } else {
      out.push(`${key}: ${scalar(value)}`);
    }
  }
  return out.join('\n');
}

function startupLines(model: ClusterModel, node: NodeModel, startMs: number, gitRevision: string): Line[] {
  const us = startMs * 1000 + model.rng.fork(`start/${node.name}/${startMs}`).int(100_000, 900_000);
  const v = model.spec.istioVersion;
  const yaml = configYaml(ztunnelConfigFields(model, node));
  return [
    [us + 311, `info\tztunnel\tversion: version.BuildInfo{Version:"${gitRevision}", GitRevision:"${gitRevision}", RustVersion:"1.89.0", BuildProfile:"release", BuildStatus:"Clean", IstioVersion:"${v}", CryptoProvider:"tls-aws-lc"}\t`],
    [us + 347, 'info\tztunnel\tset file descriptor limits from 1048576 to 1048576\t'],
    [us + 512, `info\tztunnel\trunning with config: ${yaml}\t`],
    [us + 9_871, 'info\tstate\tlistening for workload updates from CNI\tuds="/var/run/ztunnel/ztunnel.sock"'],
    [us + 10_402, 'info\thyper_util\tlistener established\taddress=[::]:15000 component="admin"'],
    [us + 10_455, 'info\thyper_util\tlistener established\taddress=[::]:15020 component="stats"'],
    [us + 10_498, 'info\thyper_util\tlistener established\taddress=[::]:15021 component="readiness"'],
    [us + 12_116, 'info\tinpod::statemanager\tstarting inpod workload manager\t'],
    [us + 48_930, 'info\txds::client:xds{id=1}\tStream established\t'],
    [us + 49_204, `info\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=${model.workloads.length + model.services.length} removes=0`],
    [us + 49_877, 'info\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.security.Authorization" size=' + (model.spec.faults.denyPolicy ? 1 : 0) + ' removes=0'],
  ];
}

function podLines(model: ClusterModel, node: NodeModel, afterMs: number, healthy: boolean): Line[] {
  const rng = model.rng.fork(`inpod/${node.name}/${afterMs}`);
  const pending = model.spec.faults.proxyPending ? model.pod(model.spec.faults.proxyPending) : undefined;
  const lines: Line[] = [];
  const local = (model.podsByNode.get(node.name) ?? []).filter((p) => p.captured);
  local.forEach((p: PodModel, i) => {
    const at = (Math.max(afterMs, toMillis(p.startedAt)) + 60 + i * 7) * 1000 + rng.int(0, 999);
    lines.push([at, `info\tinpod::statemanager\tpod received, starting proxy\tuid=${q(p.uid)} name=${q(p.name)} namespace=${q(p.namespace)}`]);
    if (p === pending) {
      lines.push([at + 410, `error\tinpod::workloadmanager\tfailed to start proxy: Bind([::1]:15053, Os { code: 98, kind: AddrInUse, message: "Address in use" })\tuid=${q(p.uid)}`]);
      lines.push([at + 1_000_000 * 15, `warn\tinpod::workloadmanager\tretrying to start proxy\tuid=${q(p.uid)} attempt=3`]);
    } else if (healthy) {
      lines.push([at + 2_150, `info\tproxy::inbound\tlistener established\taddress=[::]:15008 component="inbound" transparent=true`]);
      lines.push([at + 2_170, `info\tproxy::inbound_passthrough\tlistener established\taddress=[::]:15006 component="inbound plaintext" transparent=true`]);
      lines.push([at + 2_190, `info\tproxy::outbound\tlistener established\taddress=[::]:15001 component="outbound" transparent=true`]);
      lines.push([at + 2_230, `info\tdns::server\tstarting local DNS server\taddress=[::1]:15053 component="dns"`]);
    }
  });
  return lines;
}

function faultLines(model: ClusterModel, node: NodeModel): Line[] {
  const { faults, collectedAt } = model.spec;
  const rng = model.rng.fork(`faults/${node.name}`);
  const end = toMillis(collectedAt) - rng.int(0, 999);
  const lines: Line[] = [];
  if (faults.certificateFailures?.node === node.name) {
    const id = spiffe('default', faults.certificateFailures.unavailableServiceAccount);
    for (let i = 0; i < 4; i++) {
      lines.push([(end - 80_000 + i * 17_000) * 1000 + rng.int(0, 999), `warn\tidentity::manager\tcertificate fetch failed (signing gRPC error (The service is currently unavailable): error trying to connect: tcp connect error: Connection refused (os error 111)) and no valid existing certificate; will retry in ${2 ** (i + 1) * 5}s\tidentity=${q(id)}`]);
    }
    lines.push([(end - 70_000) * 1000 + rng.int(0, 999), `warn\tidentity::manager\tunable to prefetch cert for ${spiffe('default', faults.certificateFailures.expiredServiceAccount)}, will try again on demand: signing gRPC error (The service is currently unavailable)\t`]);
  }
  if (faults.xdsNack?.node === node.name) {
    const retries = ['80ms', '160ms', '320ms', '640ms'];
    retries.forEach((r, i) => {
      lines.push([(end - 300_000 + i * 20_000) * 1000 + rng.int(0, 999), `warn\txds::client:xds{id=${i + 2}}\tXDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unknown, message: "client error (Connect)", source: tcp connect error: Connection refused (os error 111), retrying in ${r}\t`]);
    });
    lines.push([(end - 240_000) * 1000 + rng.int(0, 999), `warn\txds::client:xds{id=6}\tXDS client error: rejected update for type.googleapis.com/istio.workload.Address, sending NACK\t`]);
  }
  return lines;
}

function render(lines: Line[]): string {
  return lines.sort((a, b) => a[0] - b[0]).map(([us, text]) => `${microTimestamp(us)}\t${text}\n`).join('');
}

export interface ZtunnelLogs {
  current: string;
  /** The container before the last restart, when it restarted. */
  previous?: string;
}

export function ztunnelLogs(model: ClusterModel, node: NodeModel, access: Line[], gitRevision: string): ZtunnelLogs {
  const zt = node.ztunnel;
  const start = toMillis(zt.startedAt);
  const current = [
    ...startupLines(model, node, start, gitRevision),
    ...podLines(model, node, start, true),
    ...faultLines(model, node),
    ...access.filter(([us]) => us > start * 1000),
  ];
  if (!zt.lastTermination) return { current: render(current) };
  const prevStart = toMillis(zt.lastTermination.startedAt);
  const prevEnd = toMillis(zt.lastTermination.finishedAt);
  const previous = [
    ...startupLines(model, node, prevStart, gitRevision),
    ...podLines(model, node, prevStart, true),
    [(prevEnd - 4_000) * 1000 + 412_087, 'warn\tinpod::workloadmanager\tfailed to connect to the Istio CNI node agent over "/var/run/ztunnel/ztunnel.sock", is the node agent healthy? details: Connection reset by peer (os error 104). retrying in 400ms\t'] as Line,
  ];
  return { current: render(current), previous: render(previous) };
}
