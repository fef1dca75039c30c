/**
 * Maps an API URL path to what it asks for: discovery, a list, one object, or a pod subresource
 * (log, portforward, proxy). Path segments are percent-decoded one by one, so client-node's
 * `ztunnel-x%3A15020/proxy/stats%2Fprometheus` and kubectl's unescaped form route the same.
 */
import type { ResourceStore, ResourceType } from './resources.js';

export type Route =
  | { kind: 'version' }
  | { kind: 'core-versions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'resources'; group: string; version: string }
  | { kind: 'list'; type: ResourceType; namespace?: string }
  | { kind: 'get'; type: ResourceType; namespace?: string; name: string }
  | { kind: 'log' | 'portforward'; namespace: string; pod: string }
  | { kind: 'proxy'; namespace: string; pod: string; port?: number; path: string };

function decodeSegments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

export function route(pathname: string, store: ResourceStore): Route | undefined {
  const segments = decodeSegments(pathname);
  if (!segments) return undefined;
  const [top, a, b] = segments;
  if (top === 'version' && segments.length === 1) return { kind: 'version' };
  if (top === 'api') {
    if (segments.length === 1) return { kind: 'core-versions' };
    if (a !== 'v1') return undefined;
    return resourceRoute(store, '', 'v1', segments.slice(2));
  }
  if (top === 'apis') {
    if (segments.length === 1) return { kind: 'groups' };
    if (segments.length === 2) return { kind: 'group', group: a! };
    return resourceRoute(store, a!, b!, segments.slice(3));
  }
  return undefined;
}

function resourceRoute(store: ResourceStore, group: string, version: string, rest: string[]): Route | undefined {
  if (rest.length === 0) return { kind: 'resources', group, version };
  const [first, second, third, fourth, fifth] = rest;
  if (first === 'namespaces' && rest.length >= 3) {
    const namespace = second!;
    const type = store.find(group, version, third!);
    if (!type || !type.namespaced) return undefined;
    if (rest.length === 3) return { kind: 'list', type, namespace };
    if (rest.length === 4) return { kind: 'get', type, namespace, name: fourth! };
    if (group === '' && third === 'pods') return podSubresource(namespace, fourth!, fifth!, rest.slice(5));
    return undefined;
  }
  const type = store.find(group, version, first!);
  if (!type) return undefined;
  if (rest.length === 1) return { kind: 'list', type };
  if (rest.length === 2 && !type.namespaced) return { kind: 'get', type, name: second! };
  return undefined;
}

function podSubresource(namespace: string, name: string, sub: string, tail: string[]): Route | undefined {
  if ((sub === 'log' || sub === 'portforward') && tail.length === 0 && !name.includes(':')) return { kind: sub, namespace, pod: name };
  if (sub !== 'proxy') return undefined;
  const colon = name.lastIndexOf(':');
  const path = `/${tail.join('/')}`;
  if (colon === -1) return { kind: 'proxy', namespace, pod: name, path };
  const port = Number(name.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { kind: 'proxy', namespace, pod: name.slice(0, colon), port, path };
}

/** Pod name and port a route concerns, for fault matching. */
export function routeTarget(r: Route | undefined): { pod?: string; port?: number } {
  if (!r) return {};
  if (r.kind === 'log' || r.kind === 'portforward') return { pod: r.pod };
  if (r.kind === 'proxy') return r.port === undefined ? { pod: r.pod } : { pod: r.pod, port: r.port };
  if (r.kind === 'get' && r.type.plural === 'pods' && r.type.group === '') return { pod: r.name };
  return {};
}
