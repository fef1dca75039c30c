/**
 * The findings report: the data every renderer (JSON, Markdown, HTML, terminal) works from.
 * Its JSON form is a public contract (schemas/report.schema.json, README "Report contract").
 */

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'ztunnel-health',
  'workloads',
  'certificates',
  'xds-sync',
  'traffic',
  'redirection',
  'load-balancing',
  'metrics',
  'policy',
  'waypoint',
  'versions',
  'collection',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SUBJECT_KINDS = [
  'Pod',
  'Node',
  'Workload',
  'Service',
  'Certificate',
  'Ztunnel',
  'Istiod',
  'Policy',
  'Bundle',
] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Where in the bundle a finding's evidence is: a file plus a JSON pointer and/or a 1-based line. */
export interface Evidence {
  file: string;
  pointer?: string;
  line?: number;
  excerpt?: string;
}

export interface Subject {
  kind: SubjectKind;
  namespace?: string;
  name: string;
  node?: string;
}

export interface Finding {
  ruleId: string;
  title: string;
  severity: Severity;
  category: Category;
  subject: Subject;
  message: string;
  evidence: Evidence[];
  remediation: string;
  docs: string;
}

/** A rule that did not run because the bundle lacks its inputs; reported, never silently passed. */
export interface SkippedRule {
  ruleId: string;
  title: string;
  category: Category;
  reason: string;
}

/** A rule that failed to evaluate (e.g. a CEL runtime error on unexpected data); never hidden. */
export interface RuleErrorRecord {
  ruleId: string;
  /** The subject being evaluated, when the error is about one element. */
  subject?: string;
  reason: string;
}

/** A finding a suppression took out of `findings`, with that suppression's reason. */
export interface SuppressedFinding {
  finding: Finding;
  reason: string;
}

/** A suppression past its `expires` date: it no longer applies, and the report says so. */
export interface ExpiredSuppression {
  rule: string;
  subject?: string;
  reason: string;
  expires: string;
  /** "--suppress" or "<file> entry N". */
  origin: string;
}

export interface Report {
  schemaVersion: '1';
  tool: { name: 'ztunnel-bundle'; version: string };
  bundle: { source: string; collectedAt: string | null; ztunnelPods: number };
  summary: Record<Severity, number> & { rulesRun: number; rulesSkipped: number; suppressed: number };
  findings: Finding[];
  skippedRules: SkippedRule[];
  ruleErrors: RuleErrorRecord[];
  /** Findings removed by suppressions (optional: absent when nothing was suppressed). */
  suppressed?: SuppressedFinding[];
  /** Suppressions that expired and no longer apply (optional). */
  expiredSuppressions?: ExpiredSuppression[];
  /** What the ztunnel access logs show, for the traffic table and load-balancing charts (optional). */
  traffic?: TrafficSummary;
}

/** One row of the traffic table: connections per reporting ztunnel, direction, source and service. */
export interface TrafficRow {
  ztunnel: string;
  direction: string;
  srcNamespace: string;
  srcWorkload: string;
  dstService: string;
  connections: number;
  failures: number;
  bytesSent: number;
  bytesRecv: number;
  p50DurationMs: number;
  p95DurationMs: number;
}

/** How one source's outbound connections to one service spread over its endpoints. */
export interface LoadBalancingRow {
  ztunnel: string;
  srcNamespace: string;
  srcWorkload: string;
  dstService: string;
  connections: number;
  endpoints: { name: string; connections: number }[];
  chiSquare: number;
  pValue: number;
  /** even | uneven | too few connections to judge */
  verdict: string;
}

export interface TrafficSummary {
  rows: TrafficRow[];
  /** Rows left out of `rows` (the busiest and failing pairs are kept). */
  rowsOmitted: number;
  loadBalancing: LoadBalancingRow[];
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}
