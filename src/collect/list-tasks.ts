/**
 * Cluster-level artifacts: the Kubernetes lists and objects of bundle-layout.md §1, as
 * ArtifactTasks. Namespaced lists limited to a few namespaces (daemon sets, quotas, events) are
 * fetched per namespace and merged into one List. Istio and Gateway API lists try the served
 * versions newest first; a group/resource the cluster does not serve (404) is skipped, not an error.
 */
import { cluster } from '../bundle/paths.js';
import { type ArtifactTask, type CollectContext, Skipped } from './artifact.js';
import { RequestFailure } from './failure.js';
import { redactedK8sJson } from './redact-payload.js';

/** Istio and Gateway API resources read by the rules, with the versions to try, newest first. */
export const ISTIO_RESOURCES: readonly { plural: string; group: string; versions: readonly string[] }[] = [
  { plural: 'authorizationpolicies', group: 'security.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'peerauthentications', group: 'security.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'requestauthentications', group: 'security.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'serviceentries', group: 'networking.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'sidecars', group: 'networking.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'destinationrules', group: 'networking.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'virtualservices', group: 'networking.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'workloadentries', group: 'networking.istio.io', versions: ['v1', 'v1beta1'] },
  { plural: 'gateways', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'] },
  { plural: 'httproutes', group: 'gateway.networking.k8s.io', versions: ['v1', 'v1beta1'] },
];

async function getJson(ctx: CollectContext, path: string, signal: AbortSignal): Promise<Buffer> {
  const res = await ctx.client.get(path, { timeoutMs: ctx.timeoutMs, maxBytes: ctx.maxResponseBytes, signal });
  return res.body;
}

function simpleList(path: string, apiPath: string): ArtifactTask {
  return {
    path,
    target: `GET ${apiPath}`,
    run: async (ctx, signal) => redactedK8sJson(await getJson(ctx, apiPath, signal), ctx.redact, 200),
  };
}

/** One List from several namespaces; any namespace failing fails the artifact (no half lists). */
function mergedList(path: string, kind: string, apiVersion: string, apiPaths: string[]): ArtifactTask {
  return {
    path,
    target: `GET ${apiPaths.join(' + ')}`,
    run: async (ctx, signal) => {
      const items: unknown[] = [];
      for (const apiPath of apiPaths) {
        const parsed = JSON.parse((await getJson(ctx, apiPath, signal)).toString('utf8')) as { items?: unknown };
        if (Array.isArray(parsed.items)) items.push(...parsed.items);
      }
      const list = { apiVersion, kind, metadata: {}, items };
      return redactedK8sJson(Buffer.from(JSON.stringify(list, null, 2) + '\n'), ctx.redact, 200);
    },
  };
}

function istioList(plural: string, group: string, versions: readonly string[]): ArtifactTask {
  const apiPaths = versions.map((v) => `/apis/${group}/${v}/${plural}`);
  return {
    path: cluster.istioResource(plural, group),
    target: `GET ${apiPaths[0]}`,
    run: async (ctx, signal) => {
      for (const apiPath of apiPaths) {
        try {
          return redactedK8sJson(await getJson(ctx, apiPath, signal), ctx.redact, 200);
        } catch (err) {
          if (!(err instanceof RequestFailure && err.httpStatus === 404)) throw err;
        }
      }
      throw new Skipped(`${plural}.${group} is not served by this cluster (CRD not installed)`, 404);
    },
  };
}

/** A config map that may legitimately be absent (cilium-config on a non-Cilium cluster). */
export function configMapTask(namespace: string, name: string): ArtifactTask {
  const apiPath = `/api/v1/namespaces/${namespace}/configmaps/${name}`;
  return {
    path: cluster.configMap(namespace, name),
    target: `GET ${apiPath}`,
    run: async (ctx, signal) => {
      try {
        return redactedK8sJson(await getJson(ctx, apiPath, signal), ctx.redact, 200);
      } catch (err) {
        if (err instanceof RequestFailure && err.httpStatus === 404) throw new Skipped(`config map ${namespace}/${name} not present`, 404);
        throw err;
      }
    },
  };
}

export const podsListTask: ArtifactTask = simpleList(cluster.pods, '/api/v1/pods');

export interface ClusterTaskOptions {
  istioNamespace: string;
  /** Namespaces whose events are collected besides the Istio namespace. */
  eventNamespaces: string[];
  /** Istio revisions seen on istiod pods (istio-<rev> config maps). */
  revisions: string[];
}

export function clusterTasks(options: ClusterTaskOptions): ArtifactTask[] {
  const ns = options.istioNamespace;
  const platformNamespaces = [...new Set([ns, 'kube-system'])];
  const eventNamespaces = [...new Set([ns, ...options.eventNamespaces])];
  const configMaps = [...new Set(['istio', ...options.revisions.map((r) => `istio-${r}`), 'istio-cni-config'])];
  return [
    simpleList(cluster.version, '/version'),
    simpleList(cluster.nodes, '/api/v1/nodes'),
    simpleList(cluster.namespaces, '/api/v1/namespaces'),
    simpleList(cluster.services, '/api/v1/services'),
    simpleList(cluster.endpointSlices, '/apis/discovery.k8s.io/v1/endpointslices'),
    simpleList(cluster.networkPolicies, '/apis/networking.k8s.io/v1/networkpolicies'),
    mergedList(cluster.daemonSets, 'DaemonSetList', 'apps/v1', platformNamespaces.map((n) => `/apis/apps/v1/namespaces/${n}/daemonsets`)),
    mergedList(cluster.resourceQuotas, 'ResourceQuotaList', 'v1', platformNamespaces.map((n) => `/api/v1/namespaces/${n}/resourcequotas`)),
    mergedList(cluster.events, 'EventList', 'v1', eventNamespaces.map((n) => `/api/v1/namespaces/${n}/events`)),
    ...ISTIO_RESOURCES.map((r) => istioList(r.plural, r.group, r.versions)),
    ...configMaps.map((name) => configMapTask(ns, name)),
    configMapTask('kube-system', 'cilium-config'),
  ];
}
