/**
 * The connections view (`istioctl ztunnel-config connections`): one row per open connection of
 * each workload ztunnel proxies (workloadState), WORKLOAD as name.namespace, sorted by namespace
 * then name, inbound before outbound. Inbound: LOCAL is the actual destination, REMOTE the source,
 * REMOTE TARGET the original destination (a service hostname) as dumped. Outbound: LOCAL is the
 * source, REMOTE the actual destination, REMOTE TARGET the original destination. Unless raw,
 * addresses become "service-hostname:port" (by first VIP) or "pod.namespace:port" (by first
 * workload IP), services winning, exactly as istioctl looks them up.
 */
import type { ZtConnection, ZtWorkloadState, ZtunnelConfigDump } from '../parse/configDump.js';
import { byKeys, type InspectFilter } from './filter.js';
import { tabwriteRows } from './tabwriter.js';

export const CONNECTION_HEADER = ['WORKLOAD', 'DIRECTION', 'LOCAL', 'REMOTE', 'REMOTE TARGET', 'PROTOCOL'];

/** Go's net.SplitHostPort, or undefined where Go returns an error. */
export function splitHostPort(addr: string): { host: string; port: string } | undefined {
  if (addr.startsWith('[')) {
    const m = /^\[([^\][]*)\]:([^:[\]]*)$/.exec(addr);
    return m ? { host: m[1]!, port: m[2]! } : undefined;
  }
  const colon = addr.lastIndexOf(':');
  if (colon === -1) return undefined;
  const host = addr.slice(0, colon);
  const port = addr.slice(colon + 1);
  if (host.includes(':') || /[[\]]/.test(host + port)) return undefined;
  return { host, port };
}

/** Go's net.JoinHostPort. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The address-to-name lookup istioctl applies to connection endpoints. */
export function addressNamer(dump: ZtunnelConfigDump, raw: boolean): (addr: string) => string {
  if (raw) return (addr) => addr;
  const serviceNames = new Map<string, string>();
  // Later entries overwrite earlier ones, as in istioctl's Go map; address-less ones share "None".
  for (const s of dump.services) serviceNames.set(s.vipAddresses[0] || 'None', s.hostname);
  const workloadNames = new Map<string, string>();
  for (const w of dump.workloads) workloadNames.set(w.workloadIps[0] || 'None', `${w.name}.${w.namespace}`);
  return (addr) => {
    const { host, port } = splitHostPort(addr) ?? { host: '', port: '' };
    const name = serviceNames.get(host) ?? workloadNames.get(host);
    return name === undefined ? addr : joinHostPort(name, port);
  };
}

export function selectWorkloadStates(dump: ZtunnelConfigDump, filter: InspectFilter): ZtWorkloadState[] {
  const { namespace, workload } = filter;
  return dump.workloadState
    .filter((s) => namespace === undefined || s.namespace === namespace)
    .filter((s) => workload === undefined || (s.name === workload.name && s.namespace === workload.namespace))
    .sort(byKeys((s) => s.namespace, (s) => s.name));
}

export function connectionsTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const name = addressNamer(dump, filter.raw ?? false);
  const rows: string[][] = [];
  for (const state of selectWorkloadStates(dump, filter)) {
    const workload = `${state.name}.${state.namespace}`;
    const { inbound, outbound } = state.connections ?? { inbound: [], outbound: [] };
    if (filter.direction !== 'outbound') {
      for (const c of inbound) rows.push([workload, 'Inbound', name(c.actualDst), name(c.src), c.originalDst ?? '', c.protocol]);
    }
    if (filter.direction !== 'inbound') {
      for (const c of outbound) rows.push([workload, 'Outbound', name(c.src), name(c.actualDst), name(c.originalDst ?? ''), c.protocol]);
    }
  }
  return tabwriteRows([CONNECTION_HEADER, ...rows]);
}

const connectionItem = (c: ZtConnection) => ({ src: c.src, originalDst: c.originalDst ?? '', actualDst: c.actualDst, protocol: c.protocol });

/** workloadState values as istioctl's `connections -o json` prints them (a null originalDst becomes ""). */
export function connectionItems(dump: ZtunnelConfigDump, filter: InspectFilter): unknown[] {
  return selectWorkloadStates(dump, filter).map((s) => ({
    state: s.state || undefined,
    connections: {
      inbound: filter.direction === 'outbound' ? [] : (s.connections?.inbound ?? []).map(connectionItem),
      outbound: filter.direction === 'inbound' ? [] : (s.connections?.outbound ?? []).map(connectionItem),
    },
    info: {
      name: s.name,
      namespace: s.namespace,
      // ztunnel's workload info has no trust domain; istioctl's struct does, and prints "".
      trustDomain: '',
      serviceAccount: s.serviceAccount ?? '',
    },
  }));
}
