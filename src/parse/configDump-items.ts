/**
 * Normalizers for the items of a ztunnel `/config_dump`: workloads, services (with endpoints) and
 * authorization policies. ztunnel omits fields equal to their default, so absent fields are filled
 * with the value ztunnel itself assumes (protocol TCP, status Healthy, trust domain cluster.local,
 * service account default, ...) and their names recorded in `defaulted`, for rules that care
 * whether a value was explicit. Older shapes (waypoint `port`, ≤1.23 endpoints keyed
 * `uid:network/ip` with service/address) are accepted beside the current ones.
 */
import { isIP } from 'node:net';
import {
  bool, childPointer, compact, isObject, num, obj, portMap, str, strList, warn,
  type FieldContext, type JsonObject,
} from './json-fields.js';

/** A waypoint or network gateway: `destination` is "<network>/<IP>" or "<namespace>/<hostname>". */
export interface GatewayAddress {
  destination: string;
  /** Set when destination is an address. */
  network?: string;
  address?: string;
  /** Set when destination is a hostname. */
  namespace?: string;
  hostname?: string;
  /** `hboneMtlsPort` (current) or `port` (≤1.22). */
  hboneMtlsPort?: number;
}

export interface ZtWorkload {
  pointer: string;
  /** Map key in 1.22 dumps ("network/IP"). */
  key?: string;
  uid: string;
  name: string;
  namespace: string;
  workloadIps: string[];
  hostname?: string;
  /** TCP (not captured / plain) or HBONE. */
  protocol: string;
  networkMode: string;
  trustDomain: string;
  serviceAccount: string;
  network: string;
  node?: string;
  workloadName?: string;
  workloadType?: string;
  canonicalName?: string;
  canonicalRevision?: string;
  clusterId?: string;
  nativeTunnel: boolean;
  waypoint?: GatewayAddress;
  networkGateway?: GatewayAddress;
  applicationTunnel?: { protocol: string; port?: number };
  authorizationPolicies: string[];
  services: string[];
  status: string;
  locality?: { region?: string; zone?: string; subzone?: string };
  capacity: number;
  /** Fields absent from the dump and filled with ztunnel's default. */
  defaulted: string[];
}

export interface ZtEndpoint {
  pointer: string;
  workloadUid: string;
  port: Record<string, number>;
  /** ≥1.24; absent in older dumps (then the workload's status decides). */
  status?: string;
  /** ≤1.23: "ns/hostname" and "network/IP". */
  service?: string;
  address?: string;
}

export interface ZtService {
  pointer: string;
  key?: string;
  name: string;
  namespace: string;
  hostname: string;
  /** As in the dump: "network/IP". */
  vips: string[];
  /** The IPs of `vips` without the network prefix. */
  vipAddresses: string[];
  ports: Record<string, number>;
  endpoints: ZtEndpoint[];
  subjectAltNames: string[];
  waypoint?: GatewayAddress;
  loadBalancer?: { mode?: string; routingPreferences: string[]; healthPolicy?: string };
  ipFamilies?: string;
  canonical?: boolean;
  visibility?: string;
}

export interface ZtPolicy {
  pointer: string;
  key?: string;
  name: string;
  namespace: string;
  /** Global | Namespace | WorkloadSelector */
  scope: string;
  /** Allow | Deny */
  action: string;
  /** rules -> clauses -> matches, kept as in the dump. */
  rules: unknown[];
  /** An ALLOW policy with no rules: denies everything it selects. */
  allowsNothing: boolean;
  dryRun: boolean;
}

/** Strips the "network/" prefix of a NetworkAddress string. */
export function addressOf(networkAddress: string): string {
  const slash = networkAddress.indexOf('/');
  return slash === -1 ? networkAddress : networkAddress.slice(slash + 1);
}

export function parseGateway(ctx: FieldContext, parent: JsonObject, key: string, pointer: string): GatewayAddress | undefined {
  const found = obj(ctx, parent, key, pointer);
  if (!found) return undefined;
  const destination = str(ctx, found.value, 'destination', found.pointer);
  if (destination === undefined) {
    warn(ctx, found.pointer, 'gateway address without destination');
    return undefined;
  }
  const slash = destination.indexOf('/');
  const head = slash === -1 ? '' : destination.slice(0, slash);
  const tail = slash === -1 ? destination : destination.slice(slash + 1);
  const where = isIP(tail) ? { network: head, address: tail } : { namespace: head, hostname: tail };
  return compact({ destination, ...where, hboneMtlsPort: num(ctx, found.value, ['hboneMtlsPort', 'port'], found.pointer) });
}

/** Reads a field, filling the default and noting it when absent. */
function withDefault<T>(defaulted: string[], name: string, value: T | undefined, fallback: T): T {
  if (value !== undefined) return value;
  defaulted.push(name);
  return fallback;
}

/** `services`: "ns/hostname" strings in dumps; a map keyed by them in local (static) config. */
function serviceNames(ctx: FieldContext, w: JsonObject, pointer: string): string[] {
  return isObject(w['services']) ? Object.keys(w['services']) : strList(ctx, w, 'services', pointer);
}

export function parseWorkload(ctx: FieldContext, w: JsonObject, pointer: string, key?: string): ZtWorkload {
  const s = (k: string) => str(ctx, w, k, pointer);
  const defaulted: string[] = [];
  const locality = obj(ctx, w, 'locality', pointer);
  const appTunnel = obj(ctx, w, 'applicationTunnel', pointer);
  return compact({
    pointer,
    key,
    uid: withDefault(defaulted, 'uid', s('uid'), ''),
    name: s('name') ?? '',
    namespace: s('namespace') ?? '',
    workloadIps: strList(ctx, w, 'workloadIps', pointer),
    hostname: s('hostname') || undefined,
    protocol: withDefault(defaulted, 'protocol', s('protocol'), 'TCP'),
    networkMode: withDefault(defaulted, 'networkMode', s('networkMode'), 'Standard'),
    trustDomain: withDefault(defaulted, 'trustDomain', s('trustDomain') || undefined, 'cluster.local'),
    serviceAccount: withDefault(defaulted, 'serviceAccount', s('serviceAccount') || undefined, 'default'),
    network: s('network') ?? '',
    node: s('node'),
    workloadName: s('workloadName'),
    workloadType: s('workloadType'),
    canonicalName: s('canonicalName'),
    canonicalRevision: s('canonicalRevision'),
    clusterId: s('clusterId'),
    nativeTunnel: bool(ctx, w, 'nativeTunnel', pointer) ?? false,
    waypoint: parseGateway(ctx, w, 'waypoint', pointer),
    networkGateway: parseGateway(ctx, w, 'networkGateway', pointer),
    applicationTunnel: appTunnel
      ? compact({ protocol: str(ctx, appTunnel.value, 'protocol', appTunnel.pointer) ?? 'NONE', port: num(ctx, appTunnel.value, 'port', appTunnel.pointer) })
      : undefined,
    authorizationPolicies: strList(ctx, w, 'authorizationPolicies', pointer),
    services: serviceNames(ctx, w, pointer),
    status: withDefault(defaulted, 'status', s('status'), 'Healthy'),
    locality: locality
      ? compact({ region: str(ctx, locality.value, 'region', locality.pointer), zone: str(ctx, locality.value, 'zone', locality.pointer), subzone: str(ctx, locality.value, 'subzone', locality.pointer) })
      : undefined,
    capacity: withDefault(defaulted, 'capacity', num(ctx, w, 'capacity', pointer), 1),
    defaulted,
  });
}

export function parseEndpoint(ctx: FieldContext, e: JsonObject, pointer: string, key: string): ZtEndpoint {
  // ≤1.23 map keys are "<uid>:<network>/<ip>"; ≥1.24 keys are the uid itself.
  const keyUid = /^(.*):[^:/]*\/[^/]+$/.exec(key)?.[1] ?? key;
  return compact({
    pointer,
    workloadUid: str(ctx, e, 'workloadUid', pointer) ?? keyUid,
    port: portMap(ctx, e, 'port', pointer),
    status: str(ctx, e, 'status', pointer),
    service: str(ctx, e, 'service', pointer),
    address: str(ctx, e, 'address', pointer),
  });
}

/** Endpoints are an object keyed by workload uid (or, older, `uid:network/ip`). */
export function parseEndpoints(ctx: FieldContext, parent: JsonObject, key: string, pointer: string): ZtEndpoint[] {
  const found = obj(ctx, parent, key, pointer);
  if (!found) return [];
  const out: ZtEndpoint[] = [];
  for (const [k, e] of Object.entries(found.value)) {
    const p = childPointer(found.pointer, k);
    if (isObject(e)) out.push(parseEndpoint(ctx, e, p, k));
    else warn(ctx, p, 'expected an endpoint object');
  }
  return out;
}

export function parseService(ctx: FieldContext, svc: JsonObject, pointer: string, key?: string): ZtService {
  const s = (k: string) => str(ctx, svc, k, pointer);
  const vips = strList(ctx, svc, 'vips', pointer);
  const lb = obj(ctx, svc, 'loadBalancer', pointer);
  return compact({
    pointer,
    key,
    name: s('name') ?? '',
    namespace: s('namespace') ?? '',
    hostname: s('hostname') ?? '',
    vips,
    vipAddresses: vips.map(addressOf),
    ports: portMap(ctx, svc, 'ports', pointer),
    endpoints: parseEndpoints(ctx, svc, 'endpoints', pointer),
    subjectAltNames: strList(ctx, svc, 'subjectAltNames', pointer),
    waypoint: parseGateway(ctx, svc, 'waypoint', pointer),
    loadBalancer: lb
      ? compact({ mode: str(ctx, lb.value, 'mode', lb.pointer), routingPreferences: strList(ctx, lb.value, 'routingPreferences', lb.pointer), healthPolicy: str(ctx, lb.value, 'healthPolicy', lb.pointer) })
      : undefined,
    ipFamilies: s('ipFamilies'),
    canonical: bool(ctx, svc, 'canonical', pointer),
    visibility: s('visibility'),
  });
}

export function parsePolicy(ctx: FieldContext, p: JsonObject, pointer: string, key?: string): ZtPolicy {
  const rules = Array.isArray(p['rules']) ? (p['rules'] as unknown[]) : [];
  if (p['rules'] !== undefined && !Array.isArray(p['rules'])) warn(ctx, childPointer(pointer, 'rules'), 'expected an array');
  const action = str(ctx, p, 'action', pointer) ?? 'Allow';
  return compact({
    pointer,
    key,
    name: str(ctx, p, 'name', pointer) ?? '',
    namespace: str(ctx, p, 'namespace', pointer) ?? '',
    scope: str(ctx, p, 'scope', pointer) ?? 'Global',
    action,
    rules,
    allowsNothing: action === 'Allow' && rules.length === 0,
    dryRun: bool(ctx, p, 'dryRun', pointer) ?? false,
  });
}
