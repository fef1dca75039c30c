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
    // Before 1.22 the counter was istio_connection_terminations_total; the labels are the same.
    xdsTerminationErrors: Math.round(
      ['istio_xds_connection_terminations_total', 'istio_connection_terminations_total'].reduce((sum, name) => sum + sumSamples(families, name, { reason: /^(?!Reconnect$|Complete$).*/ }), 0),
    ),
    pendingProxies: Math.round(sumSamples(families, 'workload_manager_pending_proxy_count')),
  };
}
