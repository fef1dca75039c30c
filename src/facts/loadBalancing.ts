/**
 * The `loadBalancing` collection, the guide's "Verifying ztunnel load balancing" done for every
 * source and service at once: outbound connections from the access logs spread over the service's
 * endpoints as the source's ztunnel knows them, with a chi-square test against an even spread
 * that only means something when each endpoint expects at least 5 connections.
 */
import type { ZtunnelConfigDump } from '../parse/configDump.js';
import { chiSquareUniform } from '../util/stats.js';
import type { LoadBalancingFact, TrafficPairFact } from './types.js';
import { serviceEndpointNames } from './workloadIndex.js';

const MIN_EXPECTED_PER_ENDPOINT = 5;

export function buildLoadBalancingFacts(pairs: readonly TrafficPairFact[], dumps: ReadonlyMap<string, { dump: ZtunnelConfigDump }>): LoadBalancingFact[] {
  const facts: LoadBalancingFact[] = [];
  // Service hostname -> endpoint workload names, built once per list (shared by every ztunnel
  // whose dump lists the same cluster). Services are cluster-wide, so when the reporting ztunnel's
  // dump is missing any other dump's view is used.
  const none: ReadonlyMap<string, string[]> = new Map();
  const endpointsOf = (ztunnel: string): ReadonlyMap<string, string[]> => {
    const dump = dumps.get(ztunnel)?.dump;
    return dump ? serviceEndpointNames(dump.services, dump.workloads) : none;
  };
  const anyView = (hostname: string): string[] | undefined => {
    for (const ztunnel of dumps.keys()) {
      const endpoints = endpointsOf(ztunnel).get(hostname);
      if (endpoints) return endpoints;
    }
    return undefined;
  };
  for (const pair of pairs) {
    if (pair.direction !== 'outbound') continue;
    const endpoints = dumps.has(pair.ztunnel) ? endpointsOf(pair.ztunnel).get(pair.dstService) : anyView(pair.dstService);
    if (!endpoints || endpoints.length < 2) continue;
    const distribution: Record<string, number> = {};
    for (const e of endpoints) distribution[e] = pair.endpoints[e] ?? 0;
    const counts = Object.values(distribution);
    const connections = counts.reduce((a, b) => a + b, 0);
    if (connections === 0) continue;
    const test = chiSquareUniform(counts);
    const namespace = pair.dstService.split('.')[1] ?? '';
    facts.push({
      subject: { kind: 'Service', namespace, name: pair.dstService },
      evidence: pair.evidence,
      ztunnel: pair.ztunnel,
      srcWorkload: pair.srcWorkload,
      srcNamespace: pair.srcNamespace,
      dstService: pair.dstService,
      endpointCount: endpoints.length,
      connections,
      distribution,
      unusedEndpoints: counts.filter((c) => c === 0).length,
      chiSquare: Math.round(test.statistic * 1000) / 1000,
      pValue: test.pValue,
      enoughSamples: test.expected >= MIN_EXPECTED_PER_ENDPOINT,
    });
  }
  return facts;
}
