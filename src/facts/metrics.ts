/**
 * The few numbers rules need from a ztunnel's /metrics scrape. Counter samples carry OpenMetrics'
 * `_total` suffix (ztunnel's prometheus_client always emits OpenMetrics text).
 */
import { parseMetrics, sumSamples } from '../parse/metrics.js';

export interface ZtunnelMetrics {
  /** xDS stream terminations for reasons other than a routine reconnect or completion. */
  xdsTerminationErrors: number;
  pendingProxies: number;
}

export function summarizeMetrics(text: string, file: string): ZtunnelMetrics {
  const families = parseMetrics(text, file);
  return {
    xdsTerminationErrors: Math.round(sumSamples(families, 'istio_xds_connection_terminations_total', { reason: /^(?!Reconnect$|Complete$).*/ })),
    pendingProxies: Math.round(sumSamples(families, 'workload_manager_pending_proxy_count')),
  };
}
