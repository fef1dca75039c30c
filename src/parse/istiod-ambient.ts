/**
 * istiod's view of ambient workloads, services and policies, from `debug/ambientz` (the whole mesh)
 * and `debug/config_dump?proxyID=<ztunnel>` (what one ztunnel is sent), normalized into the same
 * vocabulary as the ztunnel config dump so the two can be compared: IPs as text, protocol TCP/HBONE,
 * status Healthy/Unhealthy, scope and action in ztunnel's spelling, waypoints as "network/IP" or
 * "namespace/hostname". istiod writes protojson (lowerCamelCase, enums by name, bytes in base64);
 * Go-JSON spellings (snake_case, enums as numbers) are accepted too.
 */
import { isIP } from 'node:net';
import type { GatewayAddress } from './configDump-items.js';
import {
  arr, bool, childPointer, compact, isObject, num, obj, str, strList, warn,
  type FieldContext, type JsonObject,
} from './json-fields.js';

export interface IstiodWorkload {
  pointer: string;
  uid: string;
  name: string;
  namespace: string;
  addresses: string[];
  hostname?: string;
  network: string;
  /** HBONE when tunnelProtocol is HBONE, else TCP (as ztunnel reports it). */
  protocol: string;
  trustDomain: string;
  serviceAccount: string;
  node?: string;
  workloadName?: string;
  workloadType: string;
  canonicalName?: string;
  canonicalRevision?: string;
  clusterId?: string;
  nativeTunnel: boolean;
  waypoint?: GatewayAddress;
  networkGateway?: GatewayAddress;
  /** "ns/hostname" of the services the workload backs. */
  services: string[];
  authorizationPolicies: string[];
  status: string;
  networkMode: string;
}

export interface IstiodService {
  pointer: string;
  name: string;
  namespace: string;
  hostname: string;
  /** "network/IP", as in ztunnel's `vips`. */
  vips: string[];
  vipAddresses: string[];
  ports: Record<string, number>;
  subjectAltNames: string[];
  waypoint?: GatewayAddress;
}

export interface IstiodPolicy {
  pointer: string;
  name: string;
  namespace: string;
  scope: string;
  action: string;
  /** Authorization groups (rules), kept as sent. */
  rules: unknown[];
  dryRun: boolean;
}

export interface IstiodAmbientView {
  file: string;
  workloads: IstiodWorkload[];
  services: IstiodService[];
  policies: IstiodPolicy[];
  warnings: string[];
}

/**
 * IP text of a protobuf `bytes` address. config_dump carries the raw 4/16 bytes in base64;
 * ambientz carries base64 of the IP's text form. `prefer` says which reading wins when both fit.
 */
export function decodeAddress(value: string, prefer: 'bytes' | 'text'): string | undefined {
  if (isIP(value)) return value; // already text (some encoders, hand-written files)
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  const asText = bytes.toString('latin1');
  const textOk = isIP(asText) !== 0;
  const bytesOk = bytes.length === 4 || bytes.length === 16;
  if (textOk && (prefer === 'text' || !bytesOk)) return asText;
  if (bytesOk) return formatIpBytes(bytes);
  return undefined;
}

/** Text form of 4 or 16 address bytes (IPv6 compressed per RFC 5952). */
export function formatIpBytes(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLen = 1; // only runs of two or more zero groups are compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** An enum written by name (protojson) or number (Go JSON); zero values are omitted by protojson. */
function enumName(ctx: FieldContext, o: JsonObject, keys: string[], pointer: string, names: string[]): string {
  const raw = o[keys[0]!] ?? (keys[1] !== undefined ? o[keys[1]] : undefined);
  if (raw === undefined || raw === null) return names[0]!;
  if (typeof raw === 'number' && names[raw] !== undefined) return names[raw]!;
  if (typeof raw === 'string') return raw;
  warn(ctx, childPointer(pointer, keys[0]!), 'unexpected enum value');
  return names[0]!;
}

function address(ctx: FieldContext, a: JsonObject, pointer: string, prefer: 'bytes' | 'text'): { network: string; ip: string } | undefined {
  const raw = str(ctx, a, 'address', pointer);
  const ip = raw === undefined ? undefined : decodeAddress(raw, prefer);
  if (raw !== undefined && ip === undefined) warn(ctx, childPointer(pointer, 'address'), 'not an IP address');
  return ip === undefined ? undefined : { network: str(ctx, a, 'network', pointer) ?? '', ip };
}

function gateway(ctx: FieldContext, parent: JsonObject, keys: string[], pointer: string, prefer: 'bytes' | 'text'): GatewayAddress | undefined {
  const g = obj(ctx, parent, keys, pointer);
  if (!g) return undefined;
  const port = num(ctx, g.value, ['hboneMtlsPort', 'hbone_mtls_port'], g.pointer);
  const host = obj(ctx, g.value, 'hostname', g.pointer);
  if (host) {
    const namespace = str(ctx, host.value, 'namespace', host.pointer) ?? '';
    const hostname = str(ctx, host.value, 'hostname', host.pointer) ?? '';
    return compact({ destination: `${namespace}/${hostname}`, namespace, hostname, hboneMtlsPort: port });
  }
  const addr = obj(ctx, g.value, 'address', g.pointer);
  const a = addr ? address(ctx, addr.value, addr.pointer, prefer) : undefined;
  if (!a) return undefined;
  return compact({ destination: `${a.network}/${a.ip}`, network: a.network, address: a.ip, hboneMtlsPort: port });
}

function addressList(ctx: FieldContext, w: JsonObject, pointer: string, prefer: 'bytes' | 'text'): string[] {
  return strList(ctx, w, 'addresses', pointer).flatMap((raw, i) => {
    const ip = decodeAddress(raw, prefer);
    if (ip === undefined) warn(ctx, childPointer(childPointer(pointer, 'addresses'), i), 'not an IP address');
    return ip === undefined ? [] : [ip];
  });
}

export function normalizeIstiodWorkload(ctx: FieldContext, w: JsonObject, pointer: string, prefer: 'bytes' | 'text'): IstiodWorkload {
  const s = (keys: string[]) => str(ctx, w, keys, pointer);
  const services = obj(ctx, w, 'services', pointer);
  const tunnel = enumName(ctx, w, ['tunnelProtocol', 'tunnel_protocol'], pointer, ['NONE', 'HBONE']);
  const status = enumName(ctx, w, ['status'], pointer, ['HEALTHY', 'UNHEALTHY']);
  const mode = enumName(ctx, w, ['networkMode', 'network_mode'], pointer, ['STANDARD', 'HOST_NETWORK']);
  return compact({
    pointer,
    uid: s(['uid']) ?? '',
    name: s(['name']) ?? '',
    namespace: s(['namespace']) ?? '',
    addresses: addressList(ctx, w, pointer, prefer),
    hostname: s(['hostname']) || undefined,
    network: s(['network']) ?? '',
    protocol: tunnel === 'HBONE' ? 'HBONE' : 'TCP',
    trustDomain: s(['trustDomain', 'trust_domain']) || 'cluster.local',
    serviceAccount: s(['serviceAccount', 'service_account']) || 'default',
    node: s(['node']),
    workloadName: s(['workloadName', 'workload_name']),
    workloadType: enumName(ctx, w, ['workloadType', 'workload_type'], pointer, ['DEPLOYMENT', 'CRONJOB', 'POD', 'JOB']).toLowerCase(),
    canonicalName: s(['canonicalName', 'canonical_name']),
    canonicalRevision: s(['canonicalRevision', 'canonical_revision']),
    clusterId: s(['clusterId', 'cluster_id']),
    nativeTunnel: bool(ctx, w, ['nativeTunnel', 'native_tunnel'], pointer) ?? false,
    waypoint: gateway(ctx, w, ['waypoint'], pointer, prefer),
    networkGateway: gateway(ctx, w, ['networkGateway', 'network_gateway'], pointer, prefer),
    services: services ? Object.keys(services.value) : [],
    authorizationPolicies: strList(ctx, w, ['authorizationPolicies', 'authorization_policies'], pointer),
    status: status === 'UNHEALTHY' ? 'Unhealthy' : 'Healthy',
    networkMode: mode === 'HOST_NETWORK' ? 'HostNetwork' : 'Standard',
  });
}

export function normalizeIstiodService(ctx: FieldContext, svc: JsonObject, pointer: string, prefer: 'bytes' | 'text'): IstiodService {
  const vips: string[] = [];
  const addrs = arr(ctx, svc, 'addresses', pointer);
  addrs?.value.forEach((a, i) => {
    const p = childPointer(addrs.pointer, i);
    const parsed = isObject(a) ? address(ctx, a, p, prefer) : undefined;
    if (parsed) vips.push(`${parsed.network}/${parsed.ip}`);
    else if (!isObject(a)) warn(ctx, p, 'expected an address object');
  });
  const ports: Record<string, number> = {};
  const portList = arr(ctx, svc, 'ports', pointer);
  portList?.value.forEach((p, i) => {
    if (!isObject(p)) return warn(ctx, childPointer(portList.pointer, i), 'expected a port object');
    const servicePort = num(ctx, p, ['servicePort', 'service_port'], childPointer(portList.pointer, i));
    // targetPort 0 (omitted) means "same as the service port" for ztunnel.
    if (servicePort !== undefined) ports[String(servicePort)] = num(ctx, p, ['targetPort', 'target_port'], childPointer(portList.pointer, i)) ?? 0;
  });
  return compact({
    pointer,
    name: str(ctx, svc, 'name', pointer) ?? '',
    namespace: str(ctx, svc, 'namespace', pointer) ?? '',
    hostname: str(ctx, svc, 'hostname', pointer) ?? '',
    vips,
    vipAddresses: vips.map((v) => v.slice(v.indexOf('/') + 1)),
    ports,
    subjectAltNames: strList(ctx, svc, ['subjectAltNames', 'subject_alt_names'], pointer),
    waypoint: gateway(ctx, svc, ['waypoint'], pointer, prefer),
  });
}

const SCOPES: Record<string, string> = { GLOBAL: 'Global', NAMESPACE: 'Namespace', WORKLOAD_SELECTOR: 'WorkloadSelector' };
const ACTIONS: Record<string, string> = { ALLOW: 'Allow', DENY: 'Deny' };

export function normalizeIstiodPolicy(ctx: FieldContext, p: JsonObject, pointer: string): IstiodPolicy {
  const scope = enumName(ctx, p, ['scope'], pointer, ['GLOBAL', 'NAMESPACE', 'WORKLOAD_SELECTOR']);
  const action = enumName(ctx, p, ['action'], pointer, ['ALLOW', 'DENY']);
  const rules = arr(ctx, p, ['groups', 'rules'], pointer);
  return {
    pointer,
    name: str(ctx, p, 'name', pointer) ?? '',
    namespace: str(ctx, p, 'namespace', pointer) ?? '',
    scope: SCOPES[scope] ?? scope,
    action: ACTIONS[action] ?? action,
    rules: rules?.value ?? [],
    dryRun: bool(ctx, p, ['dryRun', 'dry_run'], pointer) ?? false,
  };
}
