/**
 * The policies view (`istioctl ztunnel-config policies`): NAMESPACE, POLICY NAME, ACTION (Allow or
 * Deny) and SCOPE (Global, Namespace or WorkloadSelector), sorted by namespace then name. JSON
 * items keep the rules exactly as dumped.
 */
import type { ZtPolicy, ZtunnelConfigDump } from '../parse/configDump.js';
import { byKeys, sameFold, type InspectFilter } from './filter.js';
import { tabwriteRows } from './tabwriter.js';

export const POLICY_HEADER = ['NAMESPACE', 'POLICY NAME', 'ACTION', 'SCOPE'];

export function selectPolicies(dump: ZtunnelConfigDump, filter: InspectFilter): ZtPolicy[] {
  const { namespace } = filter;
  return dump.policies
    .filter((p) => namespace === undefined || sameFold(p.namespace, namespace))
    .sort(byKeys((p) => p.namespace, (p) => p.name));
}

export function policiesTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const rows = selectPolicies(dump, filter).map((p) => [p.namespace, p.name, p.action, p.scope]);
  return tabwriteRows([POLICY_HEADER, ...rows]);
}

export function policyItems(dump: ZtunnelConfigDump, filter: InspectFilter): unknown[] {
  return selectPolicies(dump, filter).map((p) => ({ name: p.name, namespace: p.namespace, scope: p.scope, action: p.action, rules: p.rules }));
}
