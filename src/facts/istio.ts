/**
 * Istio and Gateway API resources from cluster/istio/<plural>.<group>.json, reduced to what the
 * ambient rules look at: status conditions (istiod writes ZtunnelAccepted, WaypointBound, ...),
 * selectors vs. targetRefs, HTTP attributes in authorization rules, PeerAuthentication modes.
 */
import type { IstioResource } from '../parse/k8s.js';
import type { IstioResourceFact } from './types.js';
import type { Located } from './waypoints.js';

interface AuthzRule {
  to?: { operation?: Record<string, unknown> }[];
  when?: { key?: string }[];
}

const HTTP_OPERATION_FIELDS = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];

function hasHttpAttributes(rules: AuthzRule[] | undefined): boolean {
  return (rules ?? []).some(
    (r) => (r.to ?? []).some((t) => HTTP_OPERATION_FIELDS.some((f) => Array.isArray(t.operation?.[f]) && (t.operation[f] as unknown[]).length > 0)) ||
      (r.when ?? []).some((w) => (w.key ?? '').startsWith('request.')),
  );
}

/** The kind of a list item, from the item or from the file's plural (authorizationpolicies -> AuthorizationPolicy). */
const KIND_BY_PLURAL: Record<string, string> = {
  authorizationpolicies: 'AuthorizationPolicy', peerauthentications: 'PeerAuthentication', requestauthentications: 'RequestAuthentication',
  serviceentries: 'ServiceEntry', sidecars: 'Sidecar', destinationrules: 'DestinationRule', virtualservices: 'VirtualService',
  gateways: 'Gateway', httproutes: 'HTTPRoute', grpcroutes: 'GRPCRoute', tcproutes: 'TCPRoute', workloadentries: 'WorkloadEntry',
};

export function buildIstioResourceFacts(items: readonly (Located<IstioResource> & { plural: string })[], ambientNamespaces: ReadonlySet<string>): IstioResourceFact[] {
  return items.map(({ item, file, pointer, plural }) => {
    const spec = ((item as { spec?: unknown }).spec ?? {}) as { selector?: unknown; targetRef?: unknown; targetRefs?: unknown[]; rules?: AuthzRule[]; mtls?: { mode?: string } };
    const conditions: Record<string, string> = {};
    const reasons: Record<string, string> = {};
    for (const c of item.status?.conditions ?? []) {
      if (!c.type) continue;
      conditions[c.type] = c.status ?? 'Unknown';
      reasons[c.type] = c.reason ?? '';
    }
    const kind = item.kind ?? KIND_BY_PLURAL[plural] ?? plural;
    const namespace = item.metadata?.namespace ?? '';
    const name = item.metadata?.name ?? '';
    return {
      subject: { kind: 'Policy', name: `${namespace}/${name}` }, // the contract: a policy's name is namespace/name
      evidence: [{ file, pointer, excerpt: `${kind} ${namespace}/${name}${Object.keys(conditions).length ? ` conditions ${JSON.stringify(conditions)}` : ''}` }],
      kind, name, namespace,
      ambientNamespace: ambientNamespaces.has(namespace),
      conditions, reasons,
      hasSelector: spec.selector !== undefined,
      hasTargetRefs: spec.targetRef !== undefined || (Array.isArray(spec.targetRefs) && spec.targetRefs.length > 0),
      hasHttpRules: kind === 'AuthorizationPolicy' && hasHttpAttributes(spec.rules),
      mtlsMode: spec.mtls?.mode ?? '',
    };
  });
}
