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

/** istioctl's waypointName: the service whose "ns/hostname" or one of whose VIPs is the destination. */
export function waypointName(waypoint: GatewayAddress | undefined, services: readonly ZtService[]): string {
  if (!waypoint) return 'None';
  const svc = services.find((s) => `${s.namespace}/${s.hostname}` === waypoint.destination || s.vips.includes(waypoint.destination));
  return svc ? svc.name : 'NA';
}

export function selectWorkloads(dump: ZtunnelConfigDump, filter: InspectFilter): ZtWorkload[] {
  const { namespace, node, workload } = filter;
  return dump.workloads
    .filter((w) => namespace === undefined || sameFold(w.namespace, namespace))
    .filter((w) => node === undefined || sameFold(w.node ?? '', node))
    .filter((w) => workload === undefined || (w.name === workload.name && w.namespace === workload.namespace))
    .sort((a, b) => compareStrings(`${a.namespace}.${a.name}`, `${b.namespace}.${b.name}`) || compareStrings(a.node ?? '', b.node ?? ''));
}

export function workloadsTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const rows = selectWorkloads(dump, filter).map((w) => [
    w.namespace,
    w.name,
    w.workloadIps.join(',') || (w.hostname ?? ''),
    w.node ?? '',
    waypointName(w.waypoint, dump.services),
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
