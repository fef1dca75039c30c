/**
 * Selective metrics parsing (`samples` option): the samples asked for come out exactly as a full
 * parse gives them, other sample lines are skipped without being read, and a text that is not
 * metrics is refused exactly as without the option. Checked on the fixture bundles' scrapes (our
 * ztunnel-format OpenMetrics), on the real 2023 excerpt in ../shared (read in place), and on
 * generated texts mixing good, bad and hostile lines. Also: label values with and without escapes
 * read back what was written (the unescaped fast path against the escaping loop).
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { summarizeMetrics } from '../../src/facts/metrics.js';
import { findSamples, parseMetrics, parseMetricsText, sumSamples, type MetricFamily } from '../../src/parse/metrics.js';

const FILE = 'ztunnel/ztunnel-6hvcw/metrics.prom';
const TERMINATIONS = ['istio_xds_connection_terminations_total', 'istio_connection_terminations_total'];
const PENDING = 'workload_manager_pending_proxy_count';

/** The summary as it was computed before: from every family of a full parse. */
function fullSummary(text: string): { xdsTerminationErrors: number; pendingProxies: number } {
  const families = parseMetrics(text, FILE);
  const notRoutine = { reason: /^(?!Reconnect$|Complete$).*/ };
  return {
    xdsTerminationErrors: Math.round(TERMINATIONS.reduce((sum, name) => sum + sumSamples(families, name, notRoutine), 0)),
    pendingProxies: Math.round(sumSamples(families, PENDING)),
  };
}

function outcome<T>(f: () => T): { value: T } | { problem: string } {
  try {
    return { value: f() };
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    return { problem: err.problem };
  }
}

/** Every distinct sample name of a full parse. */
const sampleNames = (families: readonly MetricFamily[]) => [...new Set(families.flatMap((f) => f.samples.map((s) => s.name)))];

const fixtureScrapes = ['healthy', 'broken'].flatMap((bundle) => {
  const dir = fileURLToPath(new URL(`../../fixtures/${bundle}/ztunnel/`, import.meta.url));
  return readdirSync(dir).map((pod) => join(dir, pod, 'metrics.prom')).filter((p) => existsSync(p));
});

/** A scrape in ztunnel's shape: many labeled per-connection series, a few values that matter. */
function ztunnelScrape(series: number): string {
  const lines = ['# HELP istio_tcp_connections_opened The total number of TCP connections opened.', '# TYPE istio_tcp_connections_opened counter'];
  for (let i = 0; i < series; i++) {
    lines.push(`istio_tcp_connections_opened_total{reporter="destination",source_workload="web-${i}",source_principal="spiffe://cluster.local/ns/shop/sa/web",destination_service="cart.shop.svc.cluster.local",connection_security_policy="mutual_tls",note="a \\"quoted\\" path C:\\\\x\\n"} ${i}`);
  }
  lines.push('# HELP istio_xds_connection_terminations The total number of completed connections to xds server.', '# TYPE istio_xds_connection_terminations counter');
  lines.push('istio_xds_connection_terminations_total{reason="Reconnect"} 40', 'istio_xds_connection_terminations_total{reason="ConnectionError"} 3', 'istio_xds_connection_terminations_total{reason="Error"} 2.6');
  lines.push('# HELP workload_manager_pending_proxy_count The current number of pending proxies.', '# TYPE workload_manager_pending_proxy_count gauge', `${PENDING} 2`, '# EOF');
  return lines.join('\n') + '\n';
}

describe('parseMetricsText with a sample selection', () => {
  it('has scrapes to compare on', () => {
    expect(fixtureScrapes.length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixtureScrapes.map((p) => [p.slice(p.indexOf('fixtures/')), p]))('%s: each selected name yields the samples a full parse gives', (_, path) => {
    const text = readFileSync(path, 'utf8');
    const full = parseMetrics(text, FILE);
    const names = sampleNames(full);
    expect(names.length).toBeGreaterThan(3);
    for (const name of [...names, ...TERMINATIONS, PENDING]) {
      const selected = parseMetrics(text, FILE, { samples: new Set([name]) });
      expect(findSamples(selected, name)).toEqual(findSamples(full, name));
      // Nothing else was read.
      expect(selected.flatMap((f) => f.samples).every((s) => s.name === name)).toBe(true);
    }
    expect(summarizeMetrics(text, FILE)).toEqual(fullSummary(text));
  });

  it('reads the three values of a large ztunnel-shaped scrape and skips the rest', () => {
    const text = ztunnelScrape(2000);
    const selected = parseMetricsText(text, FILE, { samples: new Set([...TERMINATIONS, PENDING]) });
    expect(selected.problemCount).toBe(0);
    expect(selected.eof).toBe(true);
    expect(selected.families.flatMap((f) => f.samples)).toHaveLength(4);
    expect(summarizeMetrics(text, FILE)).toEqual({ xdsTerminationErrors: 6, pendingProxies: 2 });
    expect(summarizeMetrics(text, FILE)).toEqual(fullSummary(text));
  });

  it('refuses text that is not metrics, and accepts text that is, exactly as a full parse', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '<html><body>502 Bad Gateway</body></html>',
        '# TYPE workload_manager_pending_proxy_count gauge',
        '# HELP x some help',
        '# just a comment',
        '# EOF',
        `${PENDING} 3`,
        `${PENDING}{a="1"} 2`,
        `${PENDING}{a="1} 2`,
        `${PENDING}x 2`,
        'istio_xds_connection_terminations_total{reason="Error"} 1',
        'istio_xds_connection_terminations_total{reason="Reconnect"} 9',
        'istio_connection_terminations_total{reason="Error",reason="x"} 1',
        'other_total{a="b"} 1',
        'other_total{a="b" 1',
        '   other_total 5',
        '{} 1',
        '',
        '\r',
      ),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
        const text = lines.join('\n');
        const selected = outcome(() => summarizeMetrics(text, FILE));
        expect(selected).toEqual(outcome(() => fullSummary(text)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('label values', () => {
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  it('read back what was written, escaped or not, in any order of plain and escaped values', () => {
    const value = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '\n', 'é', '{', '}', ',', '='), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), (values) => {
        const labels = values.map((v, i) => `l${i}="${escape(v)}"`).join(',');
        const [family] = parseMetrics(`m{${labels}} 1\n`, FILE);
        expect(family?.samples[0]?.labels).toEqual(Object.fromEntries(values.map((v, i) => [`l${i}`, v])));
      }),
      { numRuns: 2000 },
    );
  });

  it('read back their names line after line when names repeat, grow, shrink or share a prefix', () => {
    // The parser first tries the previous line's name at each position; names that extend one
    // another ('a', 'ab', 'a_b') must still be read whole.
    const name = fc.constantFrom('a', 'ab', 'a_b', 'b', 'reporter', 'reporter_x');
    const line = fc.uniqueArray(fc.tuple(name, fc.constantFrom('x', 'y"z', '')), { selector: ([n]) => n, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 6 }), (lines) => {
        const text = lines.map((labels) => `m{${labels.map(([n, v]) => `${n}="${escape(v)}"`).join(',')}} 1`).join('\n');
        const [family] = parseMetrics(text, FILE);
        expect(family?.samples.map((s) => s.labels)).toEqual(lines.map((labels) => Object.fromEntries(labels)));
      }),
      { numRuns: 2000 },
    );
  });
});

const upstreamScrape = fileURLToPath(new URL('../../../shared/upstream/ztunnel-metrics-samples.txt', import.meta.url));
describe.skipIf(!existsSync(upstreamScrape))('the real 2023 ztunnel scrape (skipped: ../shared not present)', () => {
  it('gives the same summary and samples with the selection as without', () => {
    const text = readFileSync(upstreamScrape, 'utf8');
    const full = parseMetrics(text, FILE);
    expect(summarizeMetrics(text, FILE)).toEqual(fullSummary(text));
    expect(summarizeMetrics(text, FILE).xdsTerminationErrors).toBe(19);
    for (const name of sampleNames(full)) expect(findSamples(parseMetrics(text, FILE, { samples: new Set([name]) }), name)).toEqual(findSamples(full, name));
  });
});
