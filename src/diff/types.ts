/**
 * The finding-level diff of two bundles (before and after a change, or yesterday and today): its
 * JSON form is a public contract like the report's (schemas/diff.schema.json).
 */
import type { Finding, Report, Severity } from '../report/types.js';

/** One analyzed bundle, as the diff describes it. */
export interface DiffSide {
  source: string;
  collectedAt: string | null;
  ztunnelPods: number;
  /** That bundle's report summary (after suppressions). */
  summary: Report['summary'];
  /** Rules that could not run on this bundle (missing inputs). */
  skippedRules: string[];
}

/** A finding present on both sides; `finding` is the AFTER one. */
export interface UnchangedFinding {
  finding: Finding;
  /** The BEFORE message, only when it differs from finding.message. */
  previousMessage?: string;
}

export interface DiffSummary {
  new: number;
  resolved: number;
  unchanged: number;
  /** Unchanged findings whose message changed (e.g. a failure count went up). */
  messageChanged: number;
  /** BEFORE findings whose rule could not run on AFTER: neither resolved nor still there. */
  notRechecked: number;
  /** New findings per severity (what --fail-on looks at). */
  newBySeverity: Record<Severity, number>;
}

export interface DiffReport {
  schemaVersion: '1';
  tool: { name: 'ztunnel-bundle'; version: string };
  before: DiffSide;
  after: DiffSide;
  summary: DiffSummary;
  /** In AFTER only, in report order. */
  new: Finding[];
  /** In BEFORE only, and the rule ran on AFTER and no longer fires. */
  resolved: Finding[];
  unchanged: UnchangedFinding[];
  /** In BEFORE only, but the rule was skipped or failed on AFTER: not known to be fixed. */
  notRechecked: Finding[];
}
