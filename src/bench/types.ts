/**
 * What one bench run measured, as plain data: the table, the target checks and docs/performance.md
 * are all computed from it, so they cannot disagree.
 */

export interface AnalyzeSample {
  nodes: number;
  workloadsPerNode: number;
  /** Bytes of the bundle directory (sum of file sizes) and of its .tar.gz. */
  dirBytes: number;
  archiveBytes: number;
  /** `gzip -dc bundle.tar.gz > /dev/null`, the floor. */
  floorMs: number;
  wallMs: number;
  maxRssBytes: number | undefined;
  exitCode: number;
}

export interface CollectSample {
  ztunnels: number;
  workloads: number;
  concurrency: number;
  /** Replay server latency per call. */
  latencyMs: number;
  wallMs: number;
  /** The collection itself, as collect's summary line reports it (before its scan of the output). */
  collectPhaseMs: number | undefined;
  maxRssBytes: number | undefined;
  exitCode: number;
  archiveBytes: number;
}

export interface DuplicationSample {
  nodes: number;
  /** Bytes of files whose exact content is also stored under another name. */
  duplicateFileBytes: number;
  /**
   * Of those, bytes of files that are hard links to a file already counted: stored once in the
   * directory, and as link entries in its .tar.gz (the rest are real copies).
   */
  linkedFileBytes: number;
  totalBytes: number;
  /** Workload/service entries across all ztunnel config_dumps: all of them, and the distinct ones. */
  entryBytes: number;
  distinctEntryBytes: number;
}

export interface BenchResults {
  cores: number;
  cpuModel: string;
  totalMemBytes: number;
  node: string;
  analyze: AnalyzeSample[];
  collect: CollectSample[];
  duplication?: DuplicationSample;
  /** Sizes that were asked for but not run, with why (e.g. disk, the reader's 8 GiB cap). */
  notRun: string[];
}

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface TargetCheck {
  target: string;
  measured: string;
  status: TargetStatus;
}
