/**
 * Parses a ztunnel `/config_dump` (ztunnel/<pod>/config_dump.json) into one normalized, plain-JSON
 * shape whatever the ztunnel version: workloads/services/policies as lists (≥1.23) or maps keyed
 * `network/IP`, `network/VIP`, `ns/name` (1.22), the same way istioctl's `--file` reader accepts
 * them. Every item keeps the JSON pointer of its source so findings can cite it. Only a document
 * that is not JSON or not an object is an error; an odd field is dropped with a warning.
 */
import { BundleError } from '../errors.js';
import { parseCertsDump, type CertsDumpEntry, type ParseCertsOptions } from './certs.js';
import {
  parseEndpoints, parsePolicy, parseService, parseWorkload,
  type ZtEndpoint, type ZtPolicy, type ZtService, type ZtWorkload,
} from './configDump-items.js';
import {
  addWarnings, arr, childPointer, compact, isObject, listOrMap, obj, str, warn,
  type FieldContext, type JsonObject,
} from './json-fields.js';
import { parseJson } from './json.js';

export type { CertsDumpEntry, CertInfo, CertType } from './certs.js';
export type { GatewayAddress, ZtEndpoint, ZtPolicy, ZtService, ZtWorkload } from './configDump-items.js';

export interface ZtConnection {
  src: string;
  /** Service hostname (inbound) or ip:port (outbound); absent when null in the dump. */
  originalDst?: string;
  actualDst: string;
  protocol: string;
}

/** One `workloadState` entry: an in-pod proxy this ztunnel manages. */
export interface ZtWorkloadState {
  pointer: string;
  /** Pod uid (the map key). */
  uid: string;
  /** Up | Pending */
  state: string;
  name: string;
  namespace: string;
  serviceAccount?: string;
  /** ≥1.23; absent in older dumps. */
  connections?: { inbound: ZtConnection[]; outbound: ZtConnection[] };
}

export interface ZtStagedService {
  pointer: string;
  /** "ns/hostname" */
  service: string;
  endpoints: ZtEndpoint[];
}

export interface ZtVersion {
  version?: string;
  gitRevision?: string;
  rustVersion?: string;
  buildProfile?: string;
  buildStatus?: string;
  istioVersion?: string;
  cryptoProvider?: string;
}

export interface ZtunnelConfigDump {
  file: string;
  /** 'map' when any of workloads/services/policies is keyed (1.22), else 'list'. */
  shape: 'map' | 'list';
  /** Top-level keys present, to tell "absent" from "empty". */
  keys: string[];
  workloads: ZtWorkload[];
  services: ZtService[];
  policies: ZtPolicy[];
  certificates: CertsDumpEntry[];
  workloadState: ZtWorkloadState[];
  stagedServices: ZtStagedService[];
  /** ztunnel's local (file) xDS config; empty in normal Kubernetes installs. */
  staticConfig?: { workloads: ZtWorkload[]; services: ZtService[]; policies: ZtPolicy[] };
  version?: ZtVersion;
  /** The runtime config, kept as dumped (camelCase keys). */
  config?: JsonObject;
  /** Fields dropped because of a wrong type, and other oddities, each prefixed by its pointer. */
  warnings: string[];
}

/** Keys of ≤1.21 dumps, which used internal snake_case store names. */
const LEGACY_KEYS = ['by_addr', 'by_uid', 'by_vip', 'by_hostname'];

/** The sections every ztunnel's dump repeats for the whole cluster, parsed once per distinct text. */
const SHARED_SECTIONS = ['workloads', 'services', 'policies'] as const;
type SharedSectionName = (typeof SHARED_SECTIONS)[number];

/** One parsed workloads/services/policies section, with the warnings it produced. */
export interface ParsedSection<T = ZtWorkload | ZtService | ZtPolicy> {
  shape: 'list' | 'map';
  items: T[];
  warnings: string[];
}

interface ParsedSections {
  workloads: ParsedSection<ZtWorkload>;
  services: ParsedSection<ZtService>;
  policies: ParsedSection<ZtPolicy>;
}

/** How much of a dump to read: `x509: false` leaves out what only `inspect` shows (see certs.ts). */
export type ConfigDumpOptions = ParseCertsOptions;

export function parseConfigDump(text: string, file: string, options: ConfigDumpOptions = {}): ZtunnelConfigDump {
  const doc = parseJson(text, file);
  if (!isObject(doc)) throw new BundleError(file, 'config dump is not a JSON object');
  return normalizeConfigDump(doc, file, {}, options);
}

/** Parses one shared section (the value of doc.workloads, doc.services or doc.policies). */
export function parseSection(name: SharedSectionName, value: unknown, pointer = `/${name}`): ParsedSection {
  const ctx: FieldContext = { warnings: [] };
  const collection = listOrMap(ctx, value, pointer);
  const parseItem = name === 'workloads' ? parseWorkload : name === 'services' ? parseService : parsePolicy;
  const items = collection.items.map(({ item, pointer: p, key }): ZtWorkload | ZtService | ZtPolicy => parseItem(ctx, item, p, key));
  return { shape: collection.shape, items, warnings: ctx.warnings };
}

/**
 * The same normalization over an already parsed document. `known` holds sections already parsed
 * from identical text (ConfigDumpParser); the document's own value for those keys is then ignored.
 */
export function normalizeConfigDump(doc: JsonObject, file: string, known: Partial<Record<SharedSectionName, ParsedSection>> = {}, options: ConfigDumpOptions = {}): ZtunnelConfigDump {
  const ctx: FieldContext = { warnings: [] };
  const legacy = LEGACY_KEYS.filter((k) => k in doc);
  if (legacy.length > 0) warn(ctx, '', `pre-1.22 dump keys (${legacy.join(', ')}) are not supported; their content is ignored`);

  const sections = Object.fromEntries(SHARED_SECTIONS.map((name) => [name, known[name] ?? parseSection(name, doc[name])])) as unknown as ParsedSections;
  for (const name of SHARED_SECTIONS) addWarnings(ctx, sections[name].warnings);
  const staticConfig = obj(ctx, doc, 'staticConfig', '');
  const certificates = arr(ctx, doc, 'certificates', '');
  const version = obj(ctx, doc, 'version', '');
  const config = obj(ctx, doc, 'config', '');

  const local = staticConfig
    ? {
        workloads: parseSection('workloads', staticConfig.value['workloads'], '/staticConfig/workloads'),
        services: parseSection('services', staticConfig.value['services'], '/staticConfig/services'),
        policies: parseSection('policies', staticConfig.value['policies'], '/staticConfig/policies'),
      } as ParsedSections
    : undefined;
  if (local) for (const name of SHARED_SECTIONS) addWarnings(ctx, local[name].warnings);

  return compact({
    file,
    shape: SHARED_SECTIONS.some((name) => sections[name].shape === 'map') ? 'map' : 'list',
    keys: Object.keys(doc),
    // Dumps with an identical section share its list (ConfigDumpParser): read-only, like all facts.
    workloads: sections.workloads.items,
    services: sections.services.items,
    policies: sections.policies.items,
    certificates: (certificates?.value ?? []).flatMap((c, i) => {
      const pointer = childPointer('/certificates', i);
      if (isObject(c)) return [parseCertsDump(ctx, c, pointer, options)];
      warn(ctx, pointer, 'expected a certificate entry object');
      return [];
    }),
    workloadState: parseWorkloadState(ctx, doc),
    stagedServices: parseStagedServices(ctx, doc),
    staticConfig: local ? { workloads: local.workloads.items, services: local.services.items, policies: local.policies.items } : undefined,
    version: version ? parseVersion(ctx, version.value) : undefined,
    config: config?.value,
    warnings: ctx.warnings,
  } satisfies ZtunnelConfigDump);
}

function parseVersion(ctx: FieldContext, v: JsonObject): ZtVersion {
  const keys = ['version', 'gitRevision', 'rustVersion', 'buildProfile', 'buildStatus', 'istioVersion', 'cryptoProvider'] as const;
  const out: ZtVersion = {};
  for (const k of keys) {
    const value = str(ctx, v, k, '/version');
    if (value !== undefined) out[k] = value;
  }
  return out;
}

function parseConnections(ctx: FieldContext, list: unknown, pointer: string): ZtConnection[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    warn(ctx, pointer, 'expected an array of connections');
    return [];
  }
  const out: ZtConnection[] = [];
  list.forEach((c, i) => {
    const p = childPointer(pointer, i);
    if (!isObject(c)) return warn(ctx, p, 'expected a connection object');
    out.push(compact({
      src: str(ctx, c, 'src', p) ?? '',
      originalDst: str(ctx, c, 'originalDst', p),
      actualDst: str(ctx, c, 'actualDst', p) ?? '',
      protocol: str(ctx, c, 'protocol', p) ?? '',
    }));
  });
  return out;
}

function parseWorkloadState(ctx: FieldContext, doc: JsonObject): ZtWorkloadState[] {
  // Go's JSON decoding (istioctl) matches keys case-insensitively; accept the lowercase spelling too.
  const found = obj(ctx, doc, ['workloadState', 'workloadstate'], '');
  if (!found) return [];
  const out: ZtWorkloadState[] = [];
  for (const [uid, entry] of Object.entries(found.value)) {
    const pointer = childPointer(found.pointer, uid);
    if (!isObject(entry)) {
      warn(ctx, pointer, 'expected a workload state object');
      continue;
    }
    const info = obj(ctx, entry, 'info', pointer);
    const conns = obj(ctx, entry, 'connections', pointer);
    out.push(compact({
      pointer,
      uid,
      state: str(ctx, entry, 'state', pointer) ?? '',
      name: info ? str(ctx, info.value, 'name', info.pointer) ?? '' : '',
      namespace: info ? str(ctx, info.value, 'namespace', info.pointer) ?? '' : '',
      serviceAccount: info ? str(ctx, info.value, 'serviceAccount', info.pointer) : undefined,
      connections: conns
        ? {
            inbound: parseConnections(ctx, conns.value['inbound'], childPointer(conns.pointer, 'inbound')),
            outbound: parseConnections(ctx, conns.value['outbound'], childPointer(conns.pointer, 'outbound')),
          }
        : undefined,
    }));
  }
  return out;
}

function parseStagedServices(ctx: FieldContext, doc: JsonObject): ZtStagedService[] {
  const found = obj(ctx, doc, 'stagedServices', '');
  if (!found) return [];
  const out: ZtStagedService[] = [];
  for (const service of Object.keys(found.value)) {
    out.push({ pointer: childPointer(found.pointer, service), service, endpoints: parseEndpoints(ctx, found.value, service, found.pointer) });
  }
  return out;
}
