/**
 * `inspect traffic` and `inspect lb SERVICE`: the two analyses the troubleshooting guide does by
 * grepping access logs, as tables. Traffic lists connections per reporting ztunnel, direction,
 * source and service; lb shows, for one service, how each source's outbound connections spread
 * over its endpoints (the same data as the report's charts, with the chi-square verdict).
 */
import { summarizeTraffic } from '../analyze/traffic.js';
import { openBundle } from '../bundle/open.js';
import { UsageError } from '../errors.js';
import { buildFacts } from '../facts/build.js';
import { renderJson, renderYaml } from '../inspect/output.js';
import { tabwriteRows } from '../inspect/tabwriter.js';
import type { LoadBalancingRow, TrafficRow } from '../report/types.js';

export interface InspectTrafficOptions {
  view: 'traffic' | 'lb';
  bundle: string;
  /** lb: the service, as a short name (reviews), name.namespace or FQDN. */
  service?: string;
  namespace?: string;
  output: 'table' | 'json' | 'yaml';
  stdout?: NodeJS.WritableStream;
}

function matchesService(hostname: string, wanted: string): boolean {
  return hostname === wanted || hostname.startsWith(`${wanted}.`);
}

function trafficTable(rows: readonly TrafficRow[]): string {
  return tabwriteRows([
    ['ZTUNNEL', 'DIRECTION', 'SOURCE', 'DESTINATION SERVICE', 'CONNECTIONS', 'FAILURES', 'BYTES SENT', 'BYTES RECV', 'P50 MS', 'P95 MS'],
    ...rows.map((r) => [r.ztunnel, r.direction, `${r.srcNamespace}/${r.srcWorkload}`, r.dstService, String(r.connections), String(r.failures), String(r.bytesSent), String(r.bytesRecv), String(r.p50DurationMs), String(r.p95DurationMs)]),
  ]);
}

function lbTable(rows: readonly LoadBalancingRow[]): string {
  const lines: string[][] = [['SERVICE', 'SOURCE', 'ZTUNNEL', 'ENDPOINT', 'CONNECTIONS', 'SHARE', 'VERDICT']];
  for (const lb of rows) {
    lb.endpoints.forEach((e, i) => {
      const share = lb.connections ? `${Math.round((e.connections * 100) / lb.connections)}%` : '-';
      const verdict = i === 0 ? `${lb.verdict} (chi-square ${lb.chiSquare}, p ${lb.pValue < 0.0001 ? '< 0.0001' : lb.pValue.toFixed(4)})` : '';
      lines.push([i === 0 ? lb.dstService : '', i === 0 ? `${lb.srcNamespace}/${lb.srcWorkload}` : '', i === 0 ? lb.ztunnel : '', e.name, String(e.connections), share, verdict]);
    });
  }
  return tabwriteRows(lines);
}

export async function runInspectTraffic(opts: InspectTrafficOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  if (opts.view === 'lb' && !opts.service) throw new UsageError('inspect lb: give the SERVICE, e.g. `inspect lb reviews BUNDLE`');
  const bundle = await openBundle(opts.bundle);
  try {
    const facts = await buildFacts(bundle);
    const summary = summarizeTraffic(facts);
    if (!summary) throw new UsageError(`inspect ${opts.view}: ${facts.unavailable.trafficPairs ?? 'no access logs in the bundle'}`);
    const inNamespace = (ns: string) => opts.namespace === undefined || ns === opts.namespace;
    let value: TrafficRow[] | LoadBalancingRow[];
    if (opts.view === 'traffic') {
      value = [...summary.rows].filter((r) => inNamespace(r.srcNamespace) || inNamespace(r.dstService.split('.')[1] ?? ''));
    } else {
      value = summary.loadBalancing.filter((lb) => matchesService(lb.dstService, opts.service!) && inNamespace(lb.srcNamespace));
      if (value.length === 0) {
        const known = [...new Set(facts.trafficPairs.filter((p) => p.direction === 'outbound').map((p) => p.dstService))].sort();
        throw new UsageError(`inspect lb: no outbound connections to "${opts.service}" over several endpoints in ${opts.bundle}; services with traffic: ${known.join(', ') || 'none'}`);
      }
    }
    if (opts.output === 'json') stdout.write(renderJson(value));
    else if (opts.output === 'yaml') stdout.write(renderYaml(value));
    else stdout.write(opts.view === 'traffic' ? trafficTable(value as TrafficRow[]) : lbTable(value as LoadBalancingRow[]));
    return 0;
  } finally {
    await bundle.close();
  }
}
