/**
 * The few numbers rules need from a ztunnel's /metrics scrape. Counter samples carry OpenMetrics'
 * `_total` suffix (ztunnel's prometheus_client always emits OpenMetrics text). Only the samples
 * read here are parsed; the per-connection series that make up most of a scrape are skipped.
 */
import { parseMetrics, sumSamples } from '../parse/metrics.js';

export interface ZtunnelMetrics {
  /** xDS stream terminations for reasons other than a routine reconnect or completion. */
  xdsTerminationErrors: number;
  pendingProxies: number;
}

// Before 1.22 the counter was istio_connection_terminations_total; the labels are the same.
const TERMINATIONS = ['istio_xds_connection_terminations_total', 'istio_connection_terminations_total'];
const PENDING = 'workload_manager_pending_proxy_count';
const READ = new Set([...TERMINATIONS, PENDING]);

export function summarizeMetrics(text: string, file: string): ZtunnelMetrics {
  const families = parseMetrics(text, file, { samples: READ });
  return {
    xdsTerminationErrors: Math.round(TERMINATIONS.reduce((sum, name) => sum + sumSamples(families, name, { reason: /^(?!Reconnect$|Complete$).*/ }), 0)),
    pendingProxies: Math.round(sumSamples(families, PENDING)),
  };
}
