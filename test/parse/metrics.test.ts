/**
 * The metrics parser on our own OpenMetrics text in ztunnel's shape (labeled histograms, exemplars,
 * escapes, `_total` counters, `# EOF`), on Prometheus 0.0.4 text, on malformed lines, and on the
 * real (2023) scrape excerpt in ../shared, read in place.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { findSamples, parseMetrics, parseMetricsText, seriesOf, sumSamples, type MetricFamily } from '../../src/parse/metrics.js';

const FILE = 'ztunnel/ztunnel-6hvcw/metrics.prom';

/** Synthetic, written by us after upstream-formats.md §3 (no full real scrape of a current ztunnel exists). */
const OPENMETRICS = `# HELP istio_build Istio component build info.
# TYPE istio_build gauge
istio_build{component="ztunnel",tag="1.28.0"} 1
# HELP istio_tcp_connections_opened The total number of TCP connections opened.
# TYPE istio_tcp_connections_opened counter
istio_tcp_connections_opened_total{reporter="source",source_workload="web",destination_service="cart.shop.svc.cluster.local",response_flags="-"} 12
istio_tcp_connections_opened_total{reporter="destination",source_workload="web",destination_service="cart.shop.svc.cluster.local",response_flags="-"} 7
istio_tcp_connections_opened_created{reporter="source",source_workload="web",destination_service="cart.shop.svc.cluster.local",response_flags="-"} 1763625600.5
# HELP istio_tcp_connections_failed The total number of TCP connections that failed to establish.
# TYPE istio_tcp_connections_failed counter
istio_tcp_connections_failed_total{reporter="source",response_flags="NETWORK_POLICY"} 3
istio_tcp_connections_failed_total{reporter="source",response_flags="DENY"} 2
istio_tcp_connections_failed_total{reporter="destination",response_flags="DENY"} 1
# HELP istio_xds_connection_terminations The total number of completed connections to xds server.
# TYPE istio_xds_connection_terminations counter
istio_xds_connection_terminations_total{reason="Reconnect"} 4
istio_xds_connection_terminations_total{reason="ConnectionError"} 2
# HELP istio_dns_upstream_request_duration_seconds Total time in seconds ztunnel takes to get a response from upstream.
# TYPE istio_dns_upstream_request_duration_seconds histogram
# UNIT istio_dns_upstream_request_duration_seconds seconds
istio_dns_upstream_request_duration_seconds_sum{request_query_type="a",request_protocol="udp"} 0.25
istio_dns_upstream_request_duration_seconds_count{request_query_type="a",request_protocol="udp"} 5
istio_dns_upstream_request_duration_seconds_bucket{le="0.1",request_query_type="a",request_protocol="udp"} 4 # {trace_id="4bf92f3577b34da6"} 0.05 1763625601.25
istio_dns_upstream_request_duration_seconds_bucket{le="+Inf",request_query_type="a",request_protocol="udp"} 5
istio_dns_upstream_request_duration_seconds_sum{request_query_type="aaaa",request_protocol="udp"} 0.0
istio_dns_upstream_request_duration_seconds_count{request_query_type="aaaa",request_protocol="udp"} 0
istio_dns_upstream_request_duration_seconds_bucket{le="0.1",request_query_type="aaaa",request_protocol="udp"} 0
istio_dns_upstream_request_duration_seconds_bucket{le="+Inf",request_query_type="aaaa",request_protocol="udp"} 0
# HELP workload_manager_pending_proxy_count The current number of pending proxies.
# TYPE workload_manager_pending_proxy_count gauge
workload_manager_pending_proxy_count 2
# TYPE rpc_latency summary
rpc_latency{service="a b",quantile="0.5"} 0.012
rpc_latency{service="a b",quantile="0.99"} NaN
rpc_latency_sum{service="a b"} 1.5
rpc_latency_count{service="a b"} 100
# TYPE build info
build_info{version="1.0",path="C:\\\\istio\\\\bin",note="say \\"hi\\"\\nbye"} 1
# TYPE queue_depth gaugehistogram
queue_depth_bucket{le="1"} 3
queue_depth_bucket{le="+Inf"} 4
queue_depth_gcount 4
queue_depth_gsum 9
# TYPE tokio_worker_park_count counter
# EOF
`;

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  expect(found, name).toBeDefined();
  return found as MetricFamily;
}

describe('parseMetricsText on OpenMetrics in ztunnel’s shape', () => {
  const result = parseMetricsText(OPENMETRICS, FILE);
  const families = result.families;

  it('parses everything without problems and sees # EOF', () => {
    expect(result.problems).toEqual([]);
    expect(result.eof).toBe(true);
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ['istio_build', 'gauge'],
      ['istio_tcp_connections_opened', 'counter'],
      ['istio_tcp_connections_failed', 'counter'],
      ['istio_xds_connection_terminations', 'counter'],
      ['istio_dns_upstream_request_duration_seconds', 'histogram'],
      ['workload_manager_pending_proxy_count', 'gauge'],
      ['rpc_latency', 'summary'],
      ['build', 'info'],
      ['queue_depth', 'gaugehistogram'],
      ['tokio_worker_park_count', 'counter'],
    ]);
  });

  it('puts `_total` and `_created` samples in the counter family named without `_total`', () => {
    const opened = family(families, 'istio_tcp_connections_opened');
    expect(opened.help).toBe('The total number of TCP connections opened.');
    expect(opened.samples.map((s) => s.name)).toEqual(['istio_tcp_connections_opened_total', 'istio_tcp_connections_opened_total', 'istio_tcp_connections_opened_created']);
    expect(opened.samples[0]).toEqual({
      name: 'istio_tcp_connections_opened_total',
      labels: { reporter: 'source', source_workload: 'web', destination_service: 'cart.shop.svc.cluster.local', response_flags: '-' },
      value: 12,
    });
    expect(opened.samples[2]?.value).toBe(1763625600.5);
  });

  it('groups labeled histogram series by labels minus `le`, with exemplars and the unit', () => {
    const histogram = family(families, 'istio_dns_upstream_request_duration_seconds');
    expect(histogram.unit).toBe('seconds');
    expect(seriesOf(histogram)).toEqual([
      { labels: { request_query_type: 'a', request_protocol: 'udp' }, sum: 0.25, count: 5, buckets: [{ le: 0.1, count: 4 }, { le: Infinity, count: 5 }] },
      { labels: { request_query_type: 'aaaa', request_protocol: 'udp' }, sum: 0, count: 0, buckets: [{ le: 0.1, count: 0 }, { le: Infinity, count: 0 }] },
    ]);
    const withExemplar = histogram.samples.find((s) => s.exemplar);
    expect(withExemplar?.exemplar).toEqual({ labels: { trace_id: '4bf92f3577b34da6' }, value: 0.05, timestamp: 1763625601.25 });
    expect(withExemplar?.labels.le).toBe('0.1');
  });

  it('reads summaries with NaN quantiles, info metrics with escaped labels, gauge histograms', () => {
    const [summary] = seriesOf(family(families, 'rpc_latency'));
    expect(summary?.labels).toEqual({ service: 'a b' });
    expect(summary?.quantiles?.[0]).toEqual({ quantile: 0.5, value: 0.012 });
    expect(summary?.quantiles?.[1]?.value).toBeNaN();
    expect(summary).toMatchObject({ sum: 1.5, count: 100 });
    expect(family(families, 'build').samples[0]).toEqual({ name: 'build_info', labels: { version: '1.0', path: 'C:\\istio\\bin', note: 'say "hi"\nbye' }, value: 1 });
    expect(seriesOf(family(families, 'queue_depth'))).toEqual([{ labels: {}, buckets: [{ le: 1, count: 3 }, { le: Infinity, count: 4 }], count: 4, sum: 9 }]);
    expect(family(families, 'tokio_worker_park_count').samples).toEqual([]);
  });

  it('sums and finds samples by name and label match (string or RegExp)', () => {
    expect(sumSamples(families, 'istio_tcp_connections_failed_total')).toBe(6);
    expect(sumSamples(families, 'istio_tcp_connections_failed_total', { response_flags: 'DENY' })).toBe(3);
    expect(sumSamples(families, 'istio_tcp_connections_failed_total', { reporter: 'source', response_flags: /^(DENY|NETWORK_POLICY)$/ })).toBe(5);
    expect(sumSamples(families, 'istio_xds_connection_terminations_total', { reason: /^(?!Reconnect$)/ })).toBe(2);
    expect(sumSamples(families, 'rpc_latency', { service: 'a b' })).toBe(0.012);
    expect(sumSamples(families, 'no_such_metric_total')).toBe(0);
    expect(findSamples(families, 'workload_manager_pending_proxy_count').map((s) => s.value)).toEqual([2]);
    expect(findSamples(families, 'istio_build', { tag: '1.28.0', missing: '' })).toHaveLength(1);
    expect(findSamples(families, 'istio_tcp_connections_opened')).toEqual([]);
  });
});

describe('parseMetricsText on Prometheus 0.0.4 text and bad input', () => {
  it('reads untyped samples, timestamps, +Inf/-Inf and exponent values, and CRLF', () => {
    const text = '# a free comment\r\nhttp_requests_total{code="200"} 1027 1395066363000\r\nmemory_bytes 1.5e+09\r\nmin_value -Inf\r\n  spaced_gauge   +Inf  \r\n';
    const { families, problems } = parseMetricsText(text, FILE);
    expect(problems).toEqual([]);
    expect(families.map((f) => [f.name, f.type])).toEqual([
      ['http_requests_total', 'untyped'],
      ['memory_bytes', 'untyped'],
      ['min_value', 'untyped'],
      ['spaced_gauge', 'untyped'],
    ]);
    expect(families[0]?.samples[0]).toEqual({ name: 'http_requests_total', labels: { code: '200' }, value: 1027, timestamp: 1395066363000 });
    expect(families[1]?.samples[0]?.value).toBe(1.5e9);
    expect(families[2]?.samples[0]?.value).toBe(-Infinity);
    expect(families[3]?.samples[0]?.value).toBe(Infinity);
  });

  it('keeps a family typed with its full name (`# TYPE x_total counter`) exact', () => {
    const families = parseMetrics('# TYPE old_total counter\nold_total 5\n', FILE);
    expect(families).toEqual([{ name: 'old_total', type: 'counter', samples: [{ name: 'old_total', labels: {}, value: 5 }] }]);
  });

  it('records each malformed line with its number and keeps the good ones', () => {
    const text = [
      '# TYPE ok counter',
      'ok_total 1',
      'ok_total{a="x} 2',
      'ok_total{a="1",a="2"} 3',
      'ok_total{a="1"}4',
      'ok_total{1a="x"} 5',
      'ok_total twelve',
      'ok_total 1 2 3',
      '{a="1"} 3',
      '# TYPE ok2 flavour',
      'ok_total{b="2",} 6',
      '# EOF',
      'late 1',
    ].join('\n');
    const result = parseMetricsText(text, FILE);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 13]);
    expect(result.problems[1]?.problem).toBe('duplicate label a');
    expect(result.problems[4]?.problem).toBe('bad value "twelve"');
    expect(result.problems[7]?.problem).toMatch(/unknown metric type "flavour"/);
    expect(result.problems[8]?.problem).toBe('content after # EOF');
    expect(result.problemCount).toBe(9);
    expect(sumSamples(result.families, 'ok_total')).toBe(7);
  });

  it('rejects a non-empty file in which nothing parses, and accepts empty and comment-only files', () => {
    expect(() => parseMetrics('<!DOCTYPE html>\n<html><body>503 Service Unavailable</body></html>\n', FILE)).toThrow(BundleError);
    expect(() => parseMetrics('<html>\n', FILE)).toThrow(`${FILE}: not Prometheus or OpenMetrics text (line 1: expected a metric name at column 1)`);
    expect(parseMetrics('', FILE)).toEqual([]);
    expect(parseMetrics('\n\n# EOF\n', FILE)).toEqual([]);
    expect(parseMetrics('# HELP x help only\n', FILE)).toEqual([{ name: 'x', type: 'untyped', help: 'help only', samples: [] }]);
  });

  it('bounds the problems it keeps', () => {
    const text = `good 1\n${'bad line\n'.repeat(500)}`;
    const result = parseMetricsText(text, FILE);
    expect(result.problems).toHaveLength(100);
    expect(result.problemCount).toBe(500);
  });
});

const samplesPath = fileURLToPath(new URL('../../../shared/upstream/ztunnel-metrics-samples.txt', import.meta.url));

describe.skipIf(!existsSync(samplesPath))('real ztunnel metrics excerpt (skipped: ../shared not present)', () => {
  it('parses the 2023 scrape: counters named without _total, HELP with its trailing dot', () => {
    const result = parseMetricsText(readFileSync(samplesPath, 'utf8'), 'ztunnel-metrics-samples.txt');
    expect(result.problems).toEqual([]);
    expect(result.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['istio_connection_terminations', 'counter', 1],
      ['istio_build', 'gauge', 1],
      ['istio_tcp_connections_opened', 'counter', 0],
    ]);
    expect(result.families[0]?.help).toBe('The total number of completed connections to xds server.');
    expect(sumSamples(result.families, 'istio_connection_terminations_total', { reason: 'Error' })).toBe(19);
    expect(findSamples(result.families, 'istio_build', { component: 'ztunnel' })[0]?.labels.tag).toBe('ef2372c');
  });
});
