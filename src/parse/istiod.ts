/**
 * Parsers for istiod debug views stored under istiod/<pod>/debug/: syncz (per-proxy xDS send/ACK
 * state), adsz and connections (connected clients), ambientz (istiod's computed ambient state) and
 * config_dump/<ztunnel>.json (the WDS/WADS resources one ztunnel is sent). Results use the same
 * vocabulary as the ztunnel config dump; each item carries its JSON pointer.
 */
import { BundleError } from '../errors.js';
import {
  normalizeIstiodPolicy, normalizeIstiodService, normalizeIstiodWorkload,
  type IstiodAmbientView,
} from './istiod-ambient.js';
import {
  arr, childPointer, compact, isObject, num, obj, str, strMap, warn,
  type FieldContext, type JsonObject,
} from './json-fields.js';
import { parseJson } from './json.js';

export type { IstiodAmbientView, IstiodPolicy, IstiodService, IstiodWorkload } from './istiod-ambient.js';
export { decodeAddress, formatIpBytes } from './istiod-ambient.js';

/** The xDS type URLs ztunnel subscribes to (WDS and WADS). */
export const ADDRESS_TYPE = 'type.googleapis.com/istio.workload.Address';
export const AUTHORIZATION_TYPE = 'type.googleapis.com/istio.security.Authorization';

export interface ResourceSync {
  /** Nonces (sent vs acked); equal when the proxy ACKed the last push. */
  sent?: string;
  acked?: string;
  sentTime?: string;
  lastError?: string;
  /** sent differs from acked, or a lastError is set. */
  stale: boolean;
}

export interface SyncStatus {
  pointer: string;
  clusterId?: string;
  /** Proxy id, e.g. "ztunnel-6hvcw.istio-system". */
  proxy: string;
  proxyType?: string;
  proxyVersion?: string;
  istioVersion?: string;
  /** Keyed by type URL; legacy `<type>_sent/_acked` fields appear under their short type (cluster, listener, ...). */
  resources: Record<string, ResourceSync>;
  /** Some resource type is stale. */
  stale: boolean;
}

export interface IstiodList<T> {
  file: string;
  items: T[];
  warnings: string[];
}

export interface XdsClient {
  pointer: string;
  connectionId: string;
  /** connectionId without its "-<n>" counter: the proxy id ("<pod>.<namespace>" for ztunnel). */
  proxy: string;
  /** Pod name and namespace split from the proxy id (namespaces contain no dots). */
  podName: string;
  podNamespace: string;
  connectedAt?: string;
  address?: string;
  labels: Record<string, string>;
  /** NodeMetadata, kept as sent. */
  metadata?: JsonObject;
  /** Type URL -> resource names watched. */
  watches: Record<string, string[]>;
}

export interface AdsClients extends IstiodList<XdsClient> {
  totalClients?: number;
}

function document(text: string, file: string, expect: 'array' | 'object'): unknown {
  const doc = parseJson(text, file);
  if (expect === 'array' ? !Array.isArray(doc) : !isObject(doc)) throw new BundleError(file, `expected a JSON ${expect}`);
  return doc;
}

function resourceSync(sent: string | undefined, acked: string | undefined, extra: Partial<ResourceSync> = {}): ResourceSync {
  return compact({ sent, acked, ...extra, stale: sent !== acked || !!extra.lastError });
}

/** debug/syncz: one entry per connected proxy. */
export function parseSyncz(text: string, file: string): IstiodList<SyncStatus> {
  const ctx: FieldContext = { warnings: [] };
  const items = (document(text, file, 'array') as unknown[]).flatMap((raw, i): SyncStatus[] => {
    const pointer = `/${i}`;
    if (!isObject(raw)) return warn(ctx, pointer, 'expected an object'), [];
    const resources: Record<string, ResourceSync> = {};
    for (const key of Object.keys(raw)) {
      const short = /^(.+)_sent$/.exec(key)?.[1];
      if (short) resources[short] = resourceSync(str(ctx, raw, key, pointer), str(ctx, raw, `${short}_acked`, pointer));
    }
    const res = obj(ctx, raw, 'resources', pointer);
    for (const [typeUrl, r] of Object.entries(res?.value ?? {})) {
      const p = childPointer(res!.pointer, typeUrl);
      if (!isObject(r)) {
        warn(ctx, p, 'expected an object');
        continue;
      }
      resources[typeUrl] = resourceSync(str(ctx, r, 'sent', p), str(ctx, r, 'acked', p), { sentTime: str(ctx, r, 'sentTime', p), lastError: str(ctx, r, 'lastError', p) || undefined });
    }
    return [compact({
      pointer,
      clusterId: str(ctx, raw, 'cluster_id', pointer),
      proxy: str(ctx, raw, 'proxy', pointer) ?? '',
      proxyType: str(ctx, raw, 'proxy_type', pointer),
      proxyVersion: str(ctx, raw, 'proxy_version', pointer),
      istioVersion: str(ctx, raw, 'istio_version', pointer),
      resources,
      stale: Object.values(resources).some((r) => r.stale),
    })];
  });
  return { file, items, warnings: ctx.warnings };
}

/** Splits "ztunnel-6hvcw.istio-system-12" into proxy, pod name and namespace. */
export function splitConnectionId(connectionId: string): { proxy: string; podName: string; podNamespace: string } {
  const proxy = connectionId.replace(/-\d+$/, '');
  const dot = proxy.lastIndexOf('.');
  return dot === -1 ? { proxy, podName: proxy, podNamespace: '' } : { proxy, podName: proxy.slice(0, dot), podNamespace: proxy.slice(dot + 1) };
}

/** debug/adsz and debug/connections: `{ totalClients, clients: [...] }` (connections may be a bare array). */
export function parseAdsz(text: string, file: string): AdsClients {
  const ctx: FieldContext = { warnings: [] };
  const doc = parseJson(text, file);
  let list: unknown[];
  let base = '';
  let totalClients: number | undefined;
  if (Array.isArray(doc)) list = doc;
  else if (isObject(doc)) {
    const clients = arr(ctx, doc, 'clients', '');
    list = clients?.value ?? [];
    base = clients?.pointer ?? '/clients';
    totalClients = num(ctx, doc, 'totalClients', '');
  } else throw new BundleError(file, 'expected a JSON object with clients');
  const items = list.flatMap((raw, i): XdsClient[] => {
    const pointer = childPointer(base, i);
    if (!isObject(raw)) return warn(ctx, pointer, 'expected an object'), [];
    const connectionId = str(ctx, raw, 'connectionId', pointer) ?? '';
    const watches: Record<string, string[]> = {};
    const w = obj(ctx, raw, 'watches', pointer);
    for (const [typeUrl, names] of Object.entries(w?.value ?? {})) {
      watches[typeUrl] = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
    }
    return [compact({
      pointer,
      connectionId,
      ...splitConnectionId(connectionId),
      connectedAt: str(ctx, raw, 'connectedAt', pointer),
      address: str(ctx, raw, 'address', pointer),
      labels: strMap(ctx, raw, 'labels', pointer),
      metadata: obj(ctx, raw, 'metadata', pointer)?.value,
      watches,
    })];
  });
  return compact({ file, totalClients, items, warnings: ctx.warnings });
}

export const parseConnections = parseAdsz;

/** Unwraps `{ "workload": {...} }`-style wrappers some istiod versions put around items. */
function unwrap(item: JsonObject, wrappers: string[]): { value: JsonObject; suffix: string } {
  if ('uid' in item || 'name' in item) return { value: item, suffix: '' };
  for (const w of wrappers) if (isObject(item[w])) return { value: item[w] as JsonObject, suffix: `/${w}` };
  return { value: item, suffix: '' };
}

/** debug/ambientz: `{ workloads, services, policies }`, addresses base64 of the IP text. */
export function parseAmbientz(text: string, file: string): IstiodAmbientView {
  const doc = document(text, file, 'object') as JsonObject;
  const ctx: FieldContext = { warnings: [] };
  const each = <T>(key: string, wrappers: string[], fn: (o: JsonObject, p: string) => T): T[] => {
    const list = arr(ctx, doc, key, '');
    return (list?.value ?? []).flatMap((raw, i) => {
      const p = childPointer(list!.pointer, i);
      if (!isObject(raw)) return warn(ctx, p, 'expected an object'), [];
      const { value, suffix } = unwrap(raw, wrappers);
      return [fn(value, p + suffix)];
    });
  };
  return {
    file,
    workloads: each('workloads', ['workload', 'Workload'], (o, p) => normalizeIstiodWorkload(ctx, o, p, 'text')),
    services: each('services', ['service', 'Service'], (o, p) => normalizeIstiodService(ctx, o, p, 'text')),
    policies: each('policies', ['authorization', 'Authorization', 'policy'], (o, p) => normalizeIstiodPolicy(ctx, o, p)),
    warnings: ctx.warnings,
  };
}

/** debug/config_dump?proxyID=<ztunnel>: `{ configs: [ {"@type": Address|Authorization, ...} ] }`. */
export function parseIstiodConfigDump(text: string, file: string): IstiodAmbientView {
  const doc = document(text, file, 'object') as JsonObject;
  const ctx: FieldContext = { warnings: [] };
  const view: IstiodAmbientView = { file, workloads: [], services: [], policies: [], warnings: ctx.warnings };
  const configs = arr(ctx, doc, 'configs', '');
  configs?.value.forEach((raw, i) => {
    const p = childPointer(configs.pointer, i);
    if (!isObject(raw)) return warn(ctx, p, 'expected an object');
    const type = raw['@type'];
    if (type === ADDRESS_TYPE) {
      if (isObject(raw['workload'])) view.workloads.push(normalizeIstiodWorkload(ctx, raw['workload'], `${p}/workload`, 'bytes'));
      else if (isObject(raw['service'])) view.services.push(normalizeIstiodService(ctx, raw['service'], `${p}/service`, 'bytes'));
      else warn(ctx, p, 'Address without workload or service');
    } else if (type === AUTHORIZATION_TYPE) view.policies.push(normalizeIstiodPolicy(ctx, raw, p));
    // Other types (CDS, LDS, ... for non-ztunnel proxies) are not ours to read.
  });
  return view;
}

/** True when a stored istiod response is the 404 body for a proxy connected to another istiod. */
export function parseIstiodNotConnected(text: string): boolean {
  return /Proxy not connected to this Pilot instance/i.test(text.slice(0, 4096));
}
