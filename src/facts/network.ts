/**
 * NetworkPolicies and namespaces as ambient mode sees them. A policy that selects ambient pods
 * must admit HBONE (TCP 15008) and, for kubelet probes, ztunnel's SNAT address 169.254.7.127
 * (istio.io "Ambient and Kubernetes NetworkPolicy").
 */
import type { K8sObject, NetworkPolicy } from '../parse/k8s.js';
import type { NamespaceFact, NetworkPolicyFact, PodFact } from './types.js';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key?: string; operator?: string; values?: string[] }[];
}

interface IngressRule {
  from?: { ipBlock?: { cidr?: string; except?: string[] } }[];
  ports?: { port?: number | string; endPort?: number; protocol?: string }[];
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const key = e.key ?? '';
    const has = Object.hasOwn(labels, key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[key]!))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipv4ToInt(base ?? '');
  const b = ipv4ToInt(ip);
  const bits = Number(bitsText ?? '32');
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

const PROBE_SOURCE = '169.254.7.127';
const HBONE_PORT = 15008;

function admitsPort(rule: IngressRule, port: number): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === port || (typeof p.port === 'number' && p.endPort !== undefined && p.port <= port && port <= p.endPort)));
}

function admitsSource(rule: IngressRule, ip: string): boolean {
  if (!rule.from || rule.from.length === 0) return true;
  return rule.from.some((f) => f.ipBlock?.cidr !== undefined && cidrContains(f.ipBlock.cidr, ip) && !(f.ipBlock.except ?? []).some((x) => cidrContains(x, ip)));
}

export function buildNetworkPolicyFacts(policies: readonly NetworkPolicy[], pointers: readonly string[], pods: readonly PodFact[], podLabels: (namespace: string, name: string) => Record<string, string>): NetworkPolicyFact[] {
  return policies.map((np, i) => {
    const spec = (np as { spec?: { podSelector?: LabelSelector; policyTypes?: string[]; ingress?: IngressRule[] } }).spec ?? {};
    const namespace = np.metadata?.namespace ?? '';
    const name = np.metadata?.name ?? '';
    const selected = pods.filter((p) => p.namespace === namespace && p.expectedInMesh && selectorMatches(spec.podSelector, podLabels(p.namespace, p.name)));
    const restrictsIngress = spec.policyTypes ? spec.policyTypes.includes('Ingress') : spec.ingress !== undefined;
    const rules = spec.ingress ?? [];
    return {
      subject: { kind: 'Policy', name: `${namespace}/${name}` }, // the contract: a policy's name is namespace/name
      evidence: [{ file: 'cluster/networkpolicies.json', pointer: pointers[i] ?? `/items/${i}`, excerpt: JSON.stringify(spec).slice(0, 400) }],
      name,
      namespace,
      ambientPodsSelected: selected.length,
      selectedPods: selected.slice(0, 5).map((p) => `${p.namespace}/${p.name}`),
      restrictsIngress,
      allowsHbone: !restrictsIngress || rules.some((r) => admitsPort(r, HBONE_PORT)),
      allowsProbeSource: !restrictsIngress || rules.some((r) => admitsSource(r, PROBE_SOURCE)),
    };
  });
}

export function buildNamespaceFacts(namespaces: readonly K8sObject[], pointers: readonly string[], pods: readonly PodFact[]): NamespaceFact[] {
  return namespaces.map((ns, i) => {
    const name = ns.metadata?.name ?? '';
    const labels = ns.metadata?.labels ?? {};
    const inNs = pods.filter((p) => p.namespace === name);
    return {
      subject: { kind: 'Bundle', name: `namespace/${name}` },
      evidence: [{ file: 'cluster/namespaces.json', pointer: pointers[i] ?? `/items/${i}`, excerpt: `namespace ${name} labels ${JSON.stringify(labels)}` }],
      name,
      dataplaneMode: labels['istio.io/dataplane-mode'] ?? '',
      injection: labels['istio-injection'] ?? '',
      revision: labels['istio.io/rev'] ?? '',
      useWaypoint: labels['istio.io/use-waypoint'] ?? '',
      pods: inNs.length,
      sidecarPods: inNs.filter((p) => p.hasSidecar).length,
    };
  });
}
