/**
 * Waypoints (Gateways of class istio-waypoint) and the namespaces, services and pods that ask for
 * one with istio.io/use-waypoint, checked against what ztunnel actually holds: a label that the
 * ztunnel config_dumps do not reflect means the waypoint was not applied.
 */
import type { K8sObject, Pod } from '../parse/k8s.js';
import type { ZtService, ZtWorkload } from '../parse/configDump.js';
import type { Evidence } from '../report/types.js';
import type { WaypointFact, WaypointUseFact } from './types.js';

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NS = 'istio.io/use-waypoint-namespace';
const WAYPOINT_FOR = 'istio.io/waypoint-for';

interface Gateway extends K8sObject {
  spec?: { gatewayClassName?: string };
  status?: { conditions?: { type?: string; status?: string; reason?: string }[] };
}

export interface Located<T> {
  item: T;
  file: string;
  pointer: string;
}

export interface WaypointInputs {
  gateways: Located<Gateway>[];
  namespaces: Located<K8sObject>[];
  services: Located<K8sObject>[];
  pods: Located<Pod>[];
  /** Other resources that may use a waypoint through the label (ServiceEntry, WorkloadEntry). */
  otherUsers: Located<K8sObject>[];
  /** Services and workloads of every ztunnel dump (empty when the bundle has none). */
  ztServices: readonly ZtService[];
  ztWorkloads: readonly ZtWorkload[];
}

function condition(g: Gateway, type: string): { status: string; reason: string } {
  const c = g.status?.conditions?.find((x) => x.type === type);
  return { status: c?.status ?? 'Unknown', reason: c?.reason ?? '' };
}

function evidence(l: Located<K8sObject>, excerpt: string): Evidence {
  return { file: l.file, pointer: l.pointer, excerpt };
}

/** yes/no/unknown: does ztunnel hold a waypoint for the labelled object? */
function applied(kind: string, namespace: string, name: string, inputs: WaypointInputs): string {
  if (kind === 'Pod') {
    const ws = inputs.ztWorkloads.filter((w) => w.namespace === namespace && w.name === name);
    return ws.length === 0 ? 'unknown' : ws.some((w) => w.waypoint) ? 'yes' : 'no';
  }
  const services = inputs.ztServices.filter((s) => s.namespace === namespace && (kind === 'Namespace' || s.name === name));
  return services.length === 0 ? 'unknown' : services.some((s) => s.waypoint) ? 'yes' : 'no';
}

export function buildWaypointFacts(inputs: WaypointInputs): { waypoints: WaypointFact[]; uses: WaypointUseFact[] } {
  const waypoints = inputs.gateways.filter((g) => g.item.spec?.gatewayClassName === 'istio-waypoint');
  const byKey = new Map(waypoints.map((g) => [`${g.item.metadata?.namespace}/${g.item.metadata?.name}`, g]));
  const uses: WaypointUseFact[] = [];
  const candidates: { kind: string; l: Located<K8sObject> }[] = [
    ...inputs.namespaces.map((l) => ({ kind: 'Namespace', l })),
    ...inputs.services.map((l) => ({ kind: 'Service', l })),
    ...inputs.pods.map((l) => ({ kind: 'Pod', l: l as Located<K8sObject> })),
  ];
  for (const { kind, l } of candidates) {
    const labels = l.item.metadata?.labels ?? {};
    const waypoint = labels[USE_WAYPOINT];
    if (!waypoint || waypoint === 'none') continue;
    const name = l.item.metadata?.name ?? '';
    const namespace = kind === 'Namespace' ? name : l.item.metadata?.namespace ?? '';
    const waypointNamespace = labels[USE_WAYPOINT_NS] ?? namespace;
    const gw = byKey.get(`${waypointNamespace}/${waypoint}`);
    const waypointFor = gw?.item.metadata?.labels?.[WAYPOINT_FOR] ?? (gw ? 'service' : '');
    const compatible = !gw || (kind === 'Pod' ? ['workload', 'all'].includes(waypointFor) : kind === 'Service' ? ['service', 'all'].includes(waypointFor) : waypointFor !== 'none');
    uses.push({
      subject: kind === 'Pod' ? { kind: 'Pod', namespace, name } : kind === 'Service' ? { kind: 'Service', namespace, name } : { kind: 'Bundle', name: `namespace/${name}` },
      evidence: [evidence(l, `${kind.toLowerCase()} ${namespace}/${name}: ${USE_WAYPOINT}=${waypoint}`)],
      kind, name, namespace, waypoint, waypointNamespace,
      waypointExists: gw !== undefined,
      waypointFor,
      compatible,
      appliedInZtunnel: applied(kind, namespace, name, inputs),
    });
  }
  const waypointFacts = waypoints.map((g): WaypointFact => {
    const name = g.item.metadata?.name ?? '';
    const namespace = g.item.metadata?.namespace ?? '';
    const accepted = condition(g.item, 'Accepted');
    const programmed = condition(g.item, 'Programmed');
    return {
      subject: { kind: 'Service', namespace, name },
      evidence: [evidence(g, `waypoint ${namespace}/${name}: Accepted=${accepted.status} Programmed=${programmed.status}`)],
      name, namespace,
      waypointFor: g.item.metadata?.labels?.[WAYPOINT_FOR] ?? 'service',
      accepted: accepted.status, acceptedReason: accepted.reason,
      programmed: programmed.status, programmedReason: programmed.reason,
      usedBy:
        uses.filter((u) => u.waypoint === name && u.waypointNamespace === namespace).length +
        inputs.otherUsers.filter((o) => o.item.metadata?.labels?.[USE_WAYPOINT] === name && (o.item.metadata.labels[USE_WAYPOINT_NS] ?? o.item.metadata.namespace) === namespace).length,
    };
  });
  return { waypoints: waypointFacts, uses };
}
