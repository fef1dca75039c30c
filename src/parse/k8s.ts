/**
 * Kubernetes lists stored under cluster/ (pods.json, nodes.json, ..., istio/<plural>.<group>.json),
 * as `kubectl get -o json` or the API return them. Items are kept whole as plain objects (rules may
 * read any field); the small interfaces below type only the fields the analyzer relies on, all
 * optional, because a list from a hand-assembled bundle may lack any of them. An unexpected `kind`
 * is a warning, not an error: the content still tells the truth.
 */
import { BundleError } from '../errors.js';
import { childPointer, isObject, warn, type FieldContext, type JsonObject } from './json-fields.js';
import { parseJson } from './json.js';
import { conformItem, itemShape } from './k8s-shapes.js';

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
}

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; exitCode?: number; finishedAt?: string } };
}

export interface Pod extends K8sObject {
  spec?: {
    nodeName?: string;
    hostNetwork?: boolean;
    containers?: { name?: string; image?: string; env?: { name?: string; value?: string }[] }[];
    initContainers?: { name?: string; image?: string; restartPolicy?: string }[];
  };
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[]; conditions?: Condition[]; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

export interface Node extends K8sObject {
  spec?: { providerID?: string; taints?: { key?: string; value?: string; effect?: string }[]; unschedulable?: boolean };
  status?: { conditions?: Condition[]; nodeInfo?: { kubeletVersion?: string; osImage?: string; containerRuntimeVersion?: string; kernelVersion?: string }; addresses?: { type?: string; address?: string }[] };
}

export type Namespace = K8sObject;

export interface Service extends K8sObject {
  spec?: { type?: string; clusterIP?: string; clusterIPs?: string[]; selector?: Record<string, string>; ports?: { name?: string; port?: number; targetPort?: number | string; protocol?: string; appProtocol?: string }[] };
  status?: { conditions?: Condition[] };
}

export interface EndpointSlice extends K8sObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }; nodeName?: string; targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

export interface DaemonSet extends K8sObject {
  spec?: { selector?: { matchLabels?: Record<string, string> }; template?: { spec?: { nodeSelector?: Record<string, string>; containers?: { name?: string; image?: string }[] } } };
  status?: { desiredNumberScheduled?: number; currentNumberScheduled?: number; numberReady?: number; numberAvailable?: number; numberUnavailable?: number; numberMisscheduled?: number; updatedNumberScheduled?: number };
}

export interface Event extends K8sObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

export interface NetworkPolicy extends K8sObject {
  spec?: {
    podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    policyTypes?: string[];
    ingress?: { from?: unknown[]; ports?: { port?: number | string; protocol?: string; endPort?: number }[] }[];
    egress?: { to?: unknown[]; ports?: { port?: number | string; protocol?: string; endPort?: number }[] }[];
  };
}

/** Any Istio or Gateway API resource: spec kept loose, status conditions typed. */
export interface IstioResource extends K8sObject {
  spec?: JsonObject;
  status?: { conditions?: Condition[]; [key: string]: unknown };
}

export interface K8sList<T extends K8sObject = K8sObject> {
  file: string;
  /** The document's kind (e.g. PodList, or List from kubectl). */
  kind: string;
  apiVersion?: string;
  /** Items as in the file (minus dropped ones). */
  items: T[];
  /** JSON pointer of each item: `pointers[i]` is where `items[i]` sits (`/items/<n>`). */
  pointers: string[];
  warnings: string[];
}

/** "PodList" and "Pod" both name pods; kubectl's generic "List" matches anything. */
function kindMatches(kind: string, expected: string): boolean {
  const base = (k: string) => k.replace(/List$/, '');
  return kind === 'List' || base(kind) === base(expected);
}

/**
 * Parses a list file. Items that are not objects, or whose metadata is not an object, are dropped
 * with a warning. A single object (not a list) is read as a list of one, with a warning.
 */
export function parseK8sList<T extends K8sObject = K8sObject>(text: string, file: string, expectedKind?: string): K8sList<T> {
  const doc = parseJson(text, file);
  if (!isObject(doc)) throw new BundleError(file, 'expected a Kubernetes list (a JSON object with items)');
  const ctx: FieldContext = { warnings: [] };
  const kind = typeof doc['kind'] === 'string' ? doc['kind'] : '';
  let rawItems: unknown[];
  let base = '/items';
  if (Array.isArray(doc['items'])) rawItems = doc['items'];
  else if (doc['items'] === undefined || doc['items'] === null) {
    if (isObject(doc['metadata']) && kind && !kind.endsWith('List')) {
      warn(ctx, '', `expected a list, found a single ${kind}; read as a list of one`);
      rawItems = [doc];
      base = '';
    } else rawItems = [];
  } else throw new BundleError(file, `"items" should be an array`);
  if (expectedKind && kind && !kindMatches(kind, expectedKind)) warn(ctx, '/kind', `expected ${expectedKind}, found ${kind}`);

  const items: T[] = [];
  const pointers: string[] = [];
  const shape = itemShape(expectedKind);
  rawItems.forEach((item, i) => {
    const pointer = base ? childPointer(base, i) : '';
    if (!isObject(item)) return warn(ctx, pointer, 'expected an object');
    if (item['metadata'] !== undefined && !isObject(item['metadata'])) return warn(ctx, childPointer(pointer, 'metadata'), 'expected an object; item skipped');
    conformItem(ctx, item, shape, pointer);
    items.push(item as T);
    pointers.push(pointer);
  });
  const apiVersion = typeof doc['apiVersion'] === 'string' ? doc['apiVersion'] : undefined;
  return { file, kind, ...(apiVersion ? { apiVersion } : {}), items, pointers, warnings: ctx.warnings };
}

/** Status ("True"/"False"/"Unknown") of a condition type, or undefined when absent. */
export function conditionStatus(obj: { status?: { conditions?: Condition[] } }, type: string): string | undefined {
  const conditions = obj.status?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c) => isObject(c) && c.type === type)?.status;
}
