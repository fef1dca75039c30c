/**
 * Turns a stream of parsed log events into the `trafficErrors` and `logIssues` collections.
 * Logs are never held whole: each file is streamed once through an aggregator that keeps one
 * group per (pair, error class) or (message pattern), so memory grows with distinct problems,
 * not with log size.
 */
import type { AccessEvent, LogEvent } from '../parse/logs.js';
import { classifyAccessError } from '../parse/logs.js';
import type { Evidence } from '../report/types.js';
import type { LogIssueFact, TrafficErrorFact, TrafficPairFact } from './types.js';

const MAX_EXCERPT = 600;
/** Evidence lines kept per group: enough to show the pattern, bounded for huge logs. */
const EVIDENCE_PER_GROUP = 3;

export type Component = LogIssueFact['component'];

/** Durations kept per pair for percentiles: enough for stable p95s, bounded for huge logs. */
const MAX_DURATIONS = 10_000;

export interface LogSummary {
  trafficErrors: TrafficErrorFact[];
  trafficPairs: TrafficPairFact[];
  issues: LogIssueFact[];
  errors: number;
  warnings: number;
  /** Newest event time seen (RFC 3339), '' when none had one. */
  newestTime: string;
  /** Access events per pod ("namespace/name") seen as source or destination. */
  accessByPod: Map<string, number>;
}

function excerpt(raw: string): string {
  return raw.length > MAX_EXCERPT ? `${raw.slice(0, MAX_EXCERPT)}…` : raw;
}

/** A message with its variable parts (addresses, ids, durations, numbers) replaced, to group repeats. */
export function messagePattern(message: string): string {
  return message
    .slice(0, 400)
    .replace(/\[[0-9a-f:]+\]:\d+|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/gi, '<addr>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uid>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<id>')
    .replace(/\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)\b/g, '<duration>')
    .replace(/\b\d+\b/g, '<n>');
}

/** What a warning or error log line is about, for rules to pick. */
export function logTopic(component: Component, target: string, message: string): string {
  if (component === 'istio-cni' && /no ztunnel connection|failed to wait for ztunnel|timed out waiting for valid ztunnel|ztunnel disconnected|failed to add pod to ztunnel/i.test(message)) {
    return 'cni-ztunnel-connection';
  }
  if (/XDS client (connection )?error/i.test(message) || (target.startsWith('xds') && /error|failed/i.test(message))) return 'xds-connection';
  if (/certificate fetch failed|unable to prefetch cert/i.test(message)) return 'cert-fetch';
  if (target.startsWith('inpod') && /failed to start proxy/i.test(message)) return 'inpod-start';
  if (target.startsWith('dns')) return 'dns';
  return 'other';
}

interface TrafficGroup {
  fact: TrafficErrorFact;
}

export class LogAggregator {
  private readonly traffic = new Map<string, TrafficGroup>();
  /** All connections per pair+direction (successful or not), to give failures a denominator. */
  private readonly connections = new Map<string, number>();
  private readonly issues = new Map<string, LogIssueFact>();
  private readonly pairs = new Map<string, { fact: TrafficPairFact; durations: number[] }>();
  private readonly accessByPod = new Map<string, number>();
  private errors = 0;
  private warnings = 0;
  private newestTime = '';

  constructor(
    private readonly source: { component: Component; pod: string; node: string; file: string },
  ) {}

  add(event: LogEvent): void {
    if (event.kind === 'unparsed') return;
    if (event.time && event.time > this.newestTime) this.newestTime = event.time;
    if (event.level === 'error') this.errors++;
    else if (event.level === 'warn') this.warnings++;
    if (event.kind === 'access') this.addAccess(event);
    else if (event.level === 'error' || event.level === 'warn') this.addIssue(event.level, event.target, event.message, event.line, event.raw, event.time);
  }

  private evidence(line: number, raw: string): Evidence {
    return { file: this.source.file, line, excerpt: excerpt(raw) };
  }

  private addAccess(e: AccessEvent): void {
    if (e.message === 'connection opened') return; // 'complete' or 'failed' follows; counting both would double.
    for (const side of [e.src, e.dst]) {
      if (side?.workload && side.namespace) {
        const key = `${side.namespace}/${side.workload}`;
        this.accessByPod.set(key, (this.accessByPod.get(key) ?? 0) + 1);
      }
    }
    const pair = [e.direction ?? '', e.src?.namespace ?? '', e.src?.workload ?? e.src?.ip ?? '', e.dst?.service ?? '', e.dst?.workload ?? e.dst?.addr ?? ''].join('|');
    this.connections.set(pair, (this.connections.get(pair) ?? 0) + 1);
    this.addPair(e);
    if (!e.error) return;
    const classified = classifyAccessError(e.error);
    const key = `${pair}|${classified.errorClass}`;
    const group = this.traffic.get(key);
    const time = e.time ?? '';
    if (group) {
      group.fact.failures++;
      if (time && (!group.fact.firstSeen || time < group.fact.firstSeen)) group.fact.firstSeen = time;
      if (time > group.fact.lastSeen) group.fact.lastSeen = time;
      if (group.fact.evidence.length < EVIDENCE_PER_GROUP) group.fact.evidence.push(this.evidence(e.line, e.raw));
      return;
    }
    const dstName = e.dst?.workload ?? e.dst?.service ?? e.dst?.addr ?? 'unknown destination';
    this.traffic.set(key, {
      fact: {
        subject: e.direction === 'inbound' || !e.src?.workload
          ? { kind: 'Workload', namespace: e.dst?.namespace ?? '', name: dstName, node: this.source.node }
          : { kind: 'Workload', namespace: e.src.namespace ?? '', name: e.src.workload, node: this.source.node },
        evidence: [this.evidence(e.line, e.raw)],
        ztunnel: this.source.pod,
        node: this.source.node,
        direction: e.direction ?? '',
        srcWorkload: e.src?.workload ?? e.src?.addr ?? 'unknown',
        srcNamespace: e.src?.namespace ?? '',
        srcIdentity: e.src?.identity ?? '',
        dstWorkload: e.dst?.workload ?? 'unknown workload',
        dstNamespace: e.dst?.namespace ?? '',
        dstService: e.dst?.service ?? e.dst?.addr ?? 'unknown service',
        dstAddr: e.dst?.addr ?? '',
        errorClass: classified.errorClass,
        error: e.error,
        policy: classified.policy ?? '',
        failures: 1,
        connections: 0,
        firstSeen: time,
        lastSeen: time,
      },
    });
  }

  /** Totals per (direction, source, service), the unit of the traffic table and load balancing. */
  private addPair(e: AccessEvent): void {
    const srcWorkload = e.src?.workload ?? e.src?.ip ?? 'unknown';
    const dstService = e.dst?.service ?? e.dst?.addr ?? 'unknown service';
    const key = [e.direction ?? '', e.src?.namespace ?? '', srcWorkload, dstService].join('|');
    let entry = this.pairs.get(key);
    if (!entry) {
      entry = {
        durations: [],
        fact: {
          subject: { kind: 'Workload', namespace: e.src?.namespace ?? '', name: srcWorkload, node: this.source.node },
          evidence: [this.evidence(e.line, e.raw)],
          ztunnel: this.source.pod, node: this.source.node, direction: e.direction ?? '', srcWorkload, srcNamespace: e.src?.namespace ?? '', dstService,
          connections: 0, failures: 0, failurePercent: 0, bytesSent: 0, bytesRecv: 0, p50DurationMs: 0, p95DurationMs: 0, endpoints: {},
        },
      };
      this.pairs.set(key, entry);
    }
    const f = entry.fact;
    f.connections++;
    if (e.error) f.failures++;
    f.bytesSent += e.bytesSent ?? 0;
    f.bytesRecv += e.bytesRecv ?? 0;
    if (e.durationMs !== undefined && entry.durations.length < MAX_DURATIONS) entry.durations.push(e.durationMs);
    const endpoint = e.dst?.workload ?? e.dst?.hboneAddr ?? e.dst?.addr;
    if (endpoint && !e.error) f.endpoints[endpoint] = (f.endpoints[endpoint] ?? 0) + 1;
  }

  private addIssue(level: string, target: string, message: string, line: number, raw: string, time: string | undefined): void {
    const pattern = messagePattern(message);
    const topic = logTopic(this.source.component, target, message);
    // Known topics group as one problem whatever their wording; the rest group by message pattern.
    const key = topic === 'other' ? `${level}|${target}|${pattern}` : `${level}|${topic}`;
    const existing = this.issues.get(key);
    const t = time ?? '';
    if (existing) {
      existing.count++;
      if (t && (!existing.firstSeen || t < existing.firstSeen)) existing.firstSeen = t;
      if (t > existing.lastSeen) existing.lastSeen = t;
      if (existing.evidence.length < EVIDENCE_PER_GROUP) existing.evidence.push(this.evidence(line, raw));
      return;
    }
    const { component, pod, node } = this.source;
    this.issues.set(key, {
      subject: { kind: component === 'ztunnel' ? 'Ztunnel' : component === 'istiod' ? 'Istiod' : 'Pod', name: pod, node },
      evidence: [this.evidence(line, raw)],
      component, pod, node, level, target, pattern,
      topic,
      message: message.length > 300 ? `${message.slice(0, 300)}…` : message,
      count: 1, firstSeen: t, lastSeen: t,
    });
  }

  /**
   * The groups so far. `node` names the node the log's pod runs on when it was not known as the
   * log was read (early.ts reads logs before the pod list may have been extracted).
   */
  summary(node = this.source.node): LogSummary {
    const summary = this.groups();
    return node === this.source.node ? summary : placedOnNode(summary, node);
  }

  private groups(): LogSummary {
    const trafficErrors = [...this.traffic.entries()].map(([key, g]) => {
      const pair = key.slice(0, key.lastIndexOf('|'));
      return { ...g.fact, connections: Math.max(this.connections.get(pair) ?? 0, g.fact.failures) };
    });
    const trafficPairs = [...this.pairs.values()].map(({ fact, durations }) => {
      durations.sort((a, b) => a - b);
      const pct = (q: number) => (durations.length ? Math.round(durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!) : 0);
      return { ...fact, failurePercent: Math.floor((fact.failures * 100) / fact.connections), p50DurationMs: pct(0.5), p95DurationMs: pct(0.95) };
    });
    return {
      trafficErrors,
      trafficPairs,
      issues: [...this.issues.values()],
      errors: this.errors,
      warnings: this.warnings,
      newestTime: this.newestTime,
      accessByPod: this.accessByPod,
    };
  }
}

/** A summary read before its pod's node was known, with every fact placed on `node`. */
export function placedOnNode(summary: LogSummary, node: string): LogSummary {
  const onNode = <F extends { node: string; subject: { node?: string } }>(f: F): F => ({ ...f, subject: { ...f.subject, node }, node });
  return { ...summary, trafficErrors: summary.trafficErrors.map(onNode), trafficPairs: summary.trafficPairs.map(onNode), issues: summary.issues.map(onNode) };
}
