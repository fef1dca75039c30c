/**
 * The workloads view (`istioctl ztunnel-config workloads`): NAMESPACE, POD NAME, ADDRESS (IPs
 * joined by ',' or the hostname), NODE, WAYPOINT (the name of the service the waypoint address
 * points at; None without a waypoint, NA when no such service) and PROTOCOL, sorted by
 * "namespace.name" then node. JSON items follow istioctl's ZtunnelWorkload field order.
 */
import type { GatewayAddress, ZtService, ZtWorkload, ZtunnelConfigDump } from '../parse/configDump.js';
import { compareStrings, sameFold, type InspectFilter } from './filter.js';
import { tabwriteRows } from './tabwriter.js';

export const WORKLOAD_HEADER = ['NAMESPACE', 'POD NAME', 'ADDRESS', 'NODE', 'WAYPOINT', 'PROTOCOL'];

/**
 * Service name by waypoint destination: "ns/hostname" and every VIP ("network/IP") of each
 * service, the first service in dump order winning, as istioctl's linear search does. Built once
 * per table so a large mesh is not searched once per workload.
 */
export function waypointIndex(services: readonly ZtService[]): Map<string, string> {
  const index = new Map<string, string>();
  const add = (key: string, name: string) => {
    if (!index.has(key)) index.set(key, name);
  };
  for (const s of services) {
    add(`${s.namespace}/${s.hostname}`, s.name);
    for (const vip of s.vips) add(vip, s.name);
  }
  return index;
}

/** istioctl's waypointName: None without a waypoint, NA when no service answers to its destination. */
export function waypointName(waypoint: GatewayAddress | undefined, index: ReadonlyMap<string, string>): string {
  if (!waypoint) return 'None';
  return index.get(waypoint.destination) ?? 'NA';
}

export function selectWorkloads(dump: ZtunnelConfigDump, filter: InspectFilter): ZtWorkload[] {
  const { namespace, node, workload, address } = filter;
  return dump.workloads
    .filter((w) => namespace === undefined || sameFold(w.namespace, namespace))
    .filter((w) => node === undefined || sameFold(w.node ?? '', node))
    .filter((w) => address === undefined || w.workloadIps.some((ip) => sameFold(ip, address)))
    .filter((w) => workload === undefined || (w.name === workload.name && w.namespace === workload.namespace))
    .sort((a, b) => compareStrings(`${a.namespace}.${a.name}`, `${b.namespace}.${b.name}`) || compareStrings(a.node ?? '', b.node ?? ''));
}

export function workloadsTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const waypoints = waypointIndex(dump.services);
  const rows = selectWorkloads(dump, filter).map((w) => [
    w.namespace,
    w.name,
    w.workloadIps.join(',') || (w.hostname ?? ''),
    w.node ?? '',
    waypointName(w.waypoint, waypoints),
    w.protocol,
  ]);
  return tabwriteRows([WORKLOAD_HEADER, ...rows]);
}

const gateway = (g: GatewayAddress | undefined) => (g ? { destination: g.destination } : undefined);

/** One workload as istioctl's `-o json` shows it (values are ztunnel's effective ones, defaults filled). */
export function workloadItem(w: ZtWorkload): Record<string, unknown> {
  return {
    uid: w.uid,
    workloadIps: w.workloadIps,
    waypoint: gateway(w.waypoint),
    networkGateway: gateway(w.networkGateway),
    protocol: w.protocol,
    name: w.name,
    namespace: w.namespace,
    serviceAccount: w.serviceAccount,
    workloadName: w.workloadName ?? '',
    workloadType: w.workloadType ?? '',
    canonicalName: w.canonicalName ?? '',
    canonicalRevision: w.canonicalRevision ?? '',
    clusterId: w.clusterId ?? '',
    trustDomain: w.trustDomain || undefined,
    locality: w.locality ?? {},
    node: w.node ?? '',
    network: w.network || undefined,
    status: w.status,
    hostname: w.hostname ?? '',
    capacity: w.capacity,
    applicationTunnel: w.applicationTunnel,
    authorizationPolicies: w.authorizationPolicies.length > 0 ? w.authorizationPolicies : undefined,
  };
}

export function workloadItems(dump: ZtunnelConfigDump, filter: InspectFilter): unknown[] {
  return selectWorkloads(dump, filter).map(workloadItem);
}
