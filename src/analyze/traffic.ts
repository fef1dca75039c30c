/**
 * The report's traffic section, from the trafficPairs and loadBalancing facts: the busiest and
 * failing source/service pairs for the traffic table, and per-endpoint spreads for the charts.
 * Bounded so a bundle from a busy cluster still gives a report a browser opens quickly.
 */
import type { FactModel } from '../facts/types.js';
import type { TrafficSummary } from '../report/types.js';

export const MAX_TRAFFIC_ROWS = 500;
const UNEVEN_P_VALUE = 0.001;

export function summarizeTraffic(facts: FactModel): TrafficSummary | undefined {
  if (facts.unavailable.trafficPairs) return undefined;
  const sorted = [...facts.trafficPairs].sort(
    (a, b) => b.failures - a.failures || b.connections - a.connections || a.dstService.localeCompare(b.dstService) || a.srcWorkload.localeCompare(b.srcWorkload) || a.ztunnel.localeCompare(b.ztunnel) || a.direction.localeCompare(b.direction),
  );
  const rows = sorted.slice(0, MAX_TRAFFIC_ROWS).map((p) => ({
    ztunnel: p.ztunnel, direction: p.direction, srcNamespace: p.srcNamespace, srcWorkload: p.srcWorkload, dstService: p.dstService,
    connections: p.connections, failures: p.failures, bytesSent: p.bytesSent, bytesRecv: p.bytesRecv, p50DurationMs: p.p50DurationMs, p95DurationMs: p.p95DurationMs,
  }));
  const loadBalancing = [...facts.loadBalancing]
    .sort((a, b) => a.dstService.localeCompare(b.dstService) || a.srcWorkload.localeCompare(b.srcWorkload) || a.ztunnel.localeCompare(b.ztunnel))
    .map((lb) => ({
      ztunnel: lb.ztunnel, srcNamespace: lb.srcNamespace, srcWorkload: lb.srcWorkload, dstService: lb.dstService, connections: lb.connections,
      endpoints: Object.entries(lb.distribution).map(([name, connections]) => ({ name, connections })),
      chiSquare: lb.chiSquare, pValue: lb.pValue,
      verdict: !lb.enoughSamples ? 'too few connections' : lb.pValue < UNEVEN_P_VALUE ? 'uneven' : 'even',
    }));
  return { rows, rowsOmitted: sorted.length - rows.length, loadBalancing };
}
