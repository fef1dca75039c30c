/**
 * `collect --check`: asks the API server, with SelfSubjectAccessReviews, whether the current user
 * may do each thing the collection needs, and says what is lost when it may not. Read-only by
 * construction: the list holds only get/list, pods/log and pods/portforward (never secrets, exec or
 * writes), and mirrors docs/rbac.yaml.
 */
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { errorText } from '../errors.js';
import { ISTIO_RESOURCES } from './list-tasks.js';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Undefined: cluster-wide. */
  namespace?: string;
  /** What the bundle lacks without it. */
  consequence: string;
}

export interface PermissionResult extends Permission {
  allowed: boolean;
  /** The reviewer's reason, or the error when the review itself failed. */
  reason?: string;
}

export function requiredPermissions(istioNamespace: string): Permission[] {
  const cluster = (resource: string, group: string, consequence: string): Permission[] => [
    { verb: 'list', group, resource, consequence },
  ];
  return [
    { verb: 'list', group: '', resource: 'pods', consequence: 'no cluster/pods.json and no per-pod artifacts at all' },
    { verb: 'get', group: '', resource: 'pods', namespace: istioNamespace, consequence: 'no ztunnel/<pod>/pod.json' },
    ...cluster('nodes', '', 'no cluster/nodes.json'),
    ...cluster('namespaces', '', 'no cluster/namespaces.json (ambient enrollment labels unknown)'),
    ...cluster('services', '', 'no cluster/services.json'),
    ...cluster('endpointslices', 'discovery.k8s.io', 'no cluster/endpointslices.json'),
    ...cluster('networkpolicies', 'networking.k8s.io', 'no cluster/networkpolicies.json'),
    { verb: 'list', group: 'apps', resource: 'daemonsets', namespace: istioNamespace, consequence: 'no cluster/daemonsets.json' },
    { verb: 'list', group: '', resource: 'resourcequotas', namespace: istioNamespace, consequence: 'no cluster/resourcequotas.json' },
    { verb: 'list', group: '', resource: 'events', namespace: istioNamespace, consequence: 'no cluster/events.json' },
    { verb: 'get', group: '', resource: 'configmaps', namespace: istioNamespace, consequence: 'no mesh config (cluster/configmaps/)' },
    ...ISTIO_RESOURCES.map((r) => ({ verb: 'list', group: r.group, resource: r.plural, consequence: `no cluster/istio/${r.plural}.${r.group}.json` })),
    { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: istioNamespace, consequence: 'no ztunnel, istiod or istio-cni logs' },
    { verb: 'create', group: '', resource: 'pods', subresource: 'portforward', namespace: istioNamespace, consequence: 'no config dumps, metrics, readiness or istiod debug output' },
  ];
}

export async function checkPermissions(kc: KubeConfig, permissions: readonly Permission[], signal?: AbortSignal): Promise<PermissionResult[]> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  return Promise.all(
    permissions.map(async (p): Promise<PermissionResult> => {
      if (signal?.aborted) return { ...p, allowed: false, reason: 'interrupted' };
      try {
        const review = await api.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: p.verb,
                group: p.group,
                resource: p.resource,
                ...(p.subresource ? { subresource: p.subresource } : {}),
                ...(p.namespace ? { namespace: p.namespace } : {}),
              },
            },
          },
        });
        const status = review.status;
        return { ...p, allowed: status?.allowed === true, ...(status?.reason ? { reason: status.reason } : {}) };
      } catch (err) {
        return { ...p, allowed: false, reason: `review failed: ${errorText(err).split('\n')[0]}` };
      }
    }),
  );
}

/** A plain-text table, one permission per line, denied ones with their consequence. */
export function formatPermissionTable(results: readonly PermissionResult[]): string {
  const rows = results.map((r) => {
    const resource = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}`;
    return [r.allowed ? 'allowed' : 'DENIED', r.verb, resource, r.namespace ?? '(cluster)', r.allowed ? '' : r.consequence];
  });
  const header = ['RESULT', 'VERB', 'RESOURCE', 'NAMESPACE', 'WITHOUT IT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
