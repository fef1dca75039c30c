/**
 * The services view (`istioctl ztunnel-config services`): NAMESPACE, SERVICE NAME, SERVICE VIP
 * (addresses without their "network/" prefix, joined by ','), WAYPOINT (as for workloads) and
 * ENDPOINTS as healthy/total, sorted by namespace, name, hostname. An endpoint is healthy when its
 * own status (ztunnel ≥1.24) or else its workload's status is Healthy; an endpoint whose workload
 * is not in the dump is not.
 */
import type { ZtEndpoint, ZtService, ZtunnelConfigDump } from '../parse/configDump.js';
import { byKeys, sameFold, type InspectFilter } from './filter.js';
import { goMap } from './output.js';
import { tabwriteRows } from './tabwriter.js';
import { waypointIndex, waypointName } from './workloads.js';

export const SERVICE_HEADER = ['NAMESPACE', 'SERVICE NAME', 'SERVICE VIP', 'WAYPOINT', 'ENDPOINTS'];

export function selectServices(dump: ZtunnelConfigDump, filter: InspectFilter): ZtService[] {
  const { namespace } = filter;
  return dump.services
    .filter((s) => namespace === undefined || sameFold(s.namespace, namespace))
    .sort(byKeys((s) => s.namespace, (s) => s.name, (s) => s.hostname));
}

export function servicesTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const statusByUid = new Map(dump.workloads.map((w) => [w.uid, w.status]));
  const healthy = (e: ZtEndpoint) => (e.status ?? statusByUid.get(e.workloadUid)) === 'Healthy';
  const waypoints = waypointIndex(dump.services);
  const rows = selectServices(dump, filter).map((s) => [
    s.namespace,
    s.name,
    s.vipAddresses.join(','),
    waypointName(s.waypoint, waypoints),
    `${s.endpoints.filter(healthy).length}/${s.endpoints.length}`,
  ]);
  return tabwriteRows([SERVICE_HEADER, ...rows]);
}

/** The map key of an endpoint, recovered from its JSON pointer (RFC 6901 unescaped). */
function endpointKey(e: ZtEndpoint): string {
  const last = e.pointer.slice(e.pointer.lastIndexOf('/') + 1);
  return last.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** One service as istioctl's `-o json` shows it (ZtunnelService field order; endpoints by key). */
export function serviceItem(s: ZtService): Record<string, unknown> {
  const endpoints = new Map(
    s.endpoints.map((e) => [endpointKey(e), { workloadUid: e.workloadUid, service: e.service ?? '', address: e.address, port: goMap(e.port), status: e.status }]),
  );
  return {
    name: s.name,
    namespace: s.namespace,
    hostname: s.hostname,
    vips: s.vips,
    ports: goMap(s.ports),
    loadBalancer: s.loadBalancer,
    waypoint: s.waypoint ? { destination: s.waypoint.destination } : undefined,
    endpoints,
    subjectAltNames: s.subjectAltNames.length > 0 ? s.subjectAltNames : undefined,
    ipFamilies: s.ipFamilies ?? '',
    canonical: s.canonical,
    visibility: s.visibility,
  };
}

export function serviceItems(dump: ZtunnelConfigDump, filter: InspectFilter): unknown[] {
  return selectServices(dump, filter).map(serviceItem);
}
