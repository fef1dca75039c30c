/**
 * Type checks for the Kubernetes fields the analyzer reads (the interfaces in k8s.ts), applied to
 * each list item as it is parsed. The interfaces promise "optional, and of this type"; JSON from a
 * hand-edited or hostile bundle can hold a number where an array belongs, and the fact builders
 * would then crash on `.find`/`.some` (found by fuzzing the analyze pipeline). A field of the wrong
 * type is removed with a warning, as if absent; null is treated as absent silently (Go writes nil
 * slices as null). Fields not described here are left as they are.
 */
import { childPointer, isObject, warn, type FieldContext, type JsonObject } from './json-fields.js';

/** 'strings' is a Record<string, string> (labels, selectors); a one-element array is "array of". */
export type Shape = 'string' | 'number' | 'boolean' | 'scalar' | 'strings' | 'object' | 'array' | [Shape] | { [field: string]: Shape };

const S = 'string' as const;
const META: Shape = { name: S, namespace: S, uid: S, labels: 'strings', annotations: 'strings', creationTimestamp: S };
const CONDITION: Shape = { type: S, status: S, reason: S, message: S, lastTransitionTime: S };
const CONTAINER_STATUS: Shape = {
  name: S,
  ready: 'boolean',
  restartCount: 'number',
  image: S,
  state: { waiting: { reason: S, message: S }, terminated: { reason: S, exitCode: 'number' } },
  lastState: { terminated: { reason: S, exitCode: 'number', finishedAt: S } },
};
const POLICY_PORTS: Shape = [{ port: 'scalar', protocol: S, endPort: 'number' }];

const KIND_SHAPES: Record<string, { [field: string]: Shape }> = {
  Pod: {
    spec: {
      nodeName: S,
      hostNetwork: 'boolean',
      containers: [{ name: S, image: S, env: [{ name: S, value: S }] }],
      initContainers: [{ name: S, image: S, restartPolicy: S }],
    },
    status: { phase: S, podIP: S, podIPs: [{ ip: S }], conditions: [CONDITION], containerStatuses: [CONTAINER_STATUS], initContainerStatuses: [CONTAINER_STATUS] },
  },
  Node: {
    spec: { providerID: S, taints: [{ key: S, value: S, effect: S }], unschedulable: 'boolean' },
    status: { conditions: [CONDITION], nodeInfo: { kubeletVersion: S, osImage: S, containerRuntimeVersion: S, kernelVersion: S }, addresses: [{ type: S, address: S }] },
  },
  Service: {
    spec: { type: S, clusterIP: S, clusterIPs: [S], selector: 'strings', ports: [{ name: S, port: 'number', targetPort: 'scalar', protocol: S, appProtocol: S }] },
    status: { conditions: [CONDITION] },
  },
  EndpointSlice: {
    addressType: S,
    endpoints: [{ addresses: [S], conditions: { ready: 'boolean', serving: 'boolean', terminating: 'boolean' }, nodeName: S, targetRef: { kind: S, name: S, namespace: S, uid: S } }],
    ports: [{ name: S, port: 'number', protocol: S }],
  },
  DaemonSet: {
    spec: { selector: { matchLabels: 'strings' }, template: { spec: { nodeSelector: 'strings', containers: [{ name: S, image: S }] } } },
    status: {
      desiredNumberScheduled: 'number',
      currentNumberScheduled: 'number',
      numberReady: 'number',
      numberAvailable: 'number',
      numberUnavailable: 'number',
      numberMisscheduled: 'number',
      updatedNumberScheduled: 'number',
    },
  },
  Event: { type: S, reason: S, message: S, count: 'number', involvedObject: { kind: S, name: S, namespace: S, uid: S }, firstTimestamp: S, lastTimestamp: S, eventTime: S },
  NetworkPolicy: {
    spec: {
      podSelector: { matchLabels: 'strings', matchExpressions: 'array' },
      policyTypes: [S],
      ingress: [{ from: 'array', ports: POLICY_PORTS }],
      egress: [{ to: 'array', ports: POLICY_PORTS }],
    },
  },
  ResourceQuota: { spec: { scopeSelector: { matchExpressions: [{ scopeName: S, values: [S] }] } } },
};

/**
 * Istio and Gateway API resources (lists read without an expected kind): status typed, and of the
 * spec only the fields the fact builders read (src/facts/istio.ts, waypoints.ts); the rest is left loose.
 */
const RESOURCE_SHAPE: { [field: string]: Shape } = {
  spec: {
    selector: 'object',
    targetRef: 'object',
    targetRefs: 'array',
    rules: [{ to: [{ operation: 'object' }], when: [{ key: S }] }],
    mtls: { mode: S },
    gatewayClassName: S,
  },
  status: { conditions: [CONDITION] },
};

/** The shape of an item of a list of `expectedKind` ("PodList" or "Pod"); '' for Istio resources. */
export function itemShape(expectedKind: string | undefined): { [field: string]: Shape } {
  const base = (expectedKind ?? '').replace(/List$/, '');
  const specific = base === '' ? RESOURCE_SHAPE : (KIND_SHAPES[base] ?? {});
  return { apiVersion: S, kind: S, metadata: META, ...specific };
}

/** Makes `item` fit `shape` in place: wrong-typed fields are deleted with a warning. */
export function conformItem(ctx: FieldContext, item: JsonObject, shape: { [field: string]: Shape }, pointer: string): void {
  conformFields(ctx, item, shape, pointer);
}

function conformFields(ctx: FieldContext, obj: JsonObject, fields: { [field: string]: Shape }, pointer: string): void {
  for (const [key, shape] of Object.entries(fields)) {
    if (!Object.hasOwn(obj, key)) continue;
    const at = childPointer(pointer, key);
    const value = obj[key];
    if (value === null || !conform(ctx, value, shape, at)) {
      if (value !== null) warn(ctx, at, `expected ${describe(shape)}, found ${typeName(value)}; ignored`);
      delete obj[key];
    }
  }
}

/** Whether `value` fits (after dropping wrong-typed parts inside it, in place). */
function conform(ctx: FieldContext, value: unknown, shape: Shape, pointer: string): boolean {
  switch (shape) {
    case 'string':
    case 'boolean':
      return typeof value === shape;
    case 'number':
      return typeof value === 'number';
    case 'scalar':
      return typeof value === 'string' || typeof value === 'number';
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'strings':
      if (!isObject(value)) return false;
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string') continue;
        if (v !== null) warn(ctx, childPointer(pointer, k), `expected a string, found ${typeName(v)}; ignored`);
        delete value[k];
      }
      return true;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return false;
    const element = shape[0];
    // Filter in place, keeping the array object (and its position in the parent).
    let kept = 0;
    value.forEach((v, i) => {
      if (v !== null && conform(ctx, v, element, childPointer(pointer, i))) value[kept++] = v;
      else warn(ctx, childPointer(pointer, i), `expected ${describe(element)}, found ${typeName(v)}; ignored`);
    });
    value.length = kept;
    return true;
  }
  if (!isObject(value)) return false;
  conformFields(ctx, value, shape, pointer);
  return true;
}

function describe(shape: Shape): string {
  if (typeof shape === 'string') return { string: 'a string', number: 'a number', boolean: 'a boolean', scalar: 'a string or number', strings: 'an object of strings', object: 'an object', array: 'an array' }[shape];
  return Array.isArray(shape) ? 'an array' : 'an object';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
