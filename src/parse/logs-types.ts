/**
 * The shapes a ztunnel (or istio-cni) log line parses into. Events are plain objects with no
 * `undefined` values: an absent field is simply not there, so JSON output and CEL facts built from
 * them stay clean. Targets are normalized: a leading `ztunnel::` is stripped in every format (the
 * plain format already strips it, JSON `scope` and the legacy format keep it), so rules can match
 * `xds::client` regardless of how ztunnel was configured to log.
 */

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type FieldValue = string | number | boolean;

/** One tracing span attached to a line: `proxy{wl=perf/tmp-shell}` -> { name: 'proxy', fields: { wl: ... } }. */
export interface LogSpan {
  name: string;
  fields: Record<string, FieldValue>;
}

export interface AccessSource {
  addr?: string;
  ip?: string;
  port?: number;
  workload?: string;
  namespace?: string;
  identity?: string;
  cluster?: string;
}

export interface AccessDestination {
  addr?: string;
  /** The pod address behind an HBONE tunnel (`dst.hbone_addr`). */
  hboneAddr?: string;
  service?: string;
  workload?: string;
  namespace?: string;
  identity?: string;
  cluster?: string;
}

export type AccessMessage = 'connection complete' | 'connection opened' | 'connection failed';

/** A ztunnel access-log entry (target `access`). */
export interface AccessEvent {
  kind: 'access';
  /** 1-based line number in the file. */
  line: number;
  /** RFC 3339 timestamp as written by ztunnel (or by `kubectl logs --timestamps` when ztunnel's is absent). */
  time?: string;
  level: LogLevel;
  message: AccessMessage;
  direction?: 'inbound' | 'outbound';
  src: AccessSource;
  dst: AccessDestination;
  bytesSent?: number;
  bytesRecv?: number;
  durationMs?: number;
  error?: string;
  /** Pod name from a `kubectl logs --prefix` prefix. */
  pod?: string;
  /** The original line, cut to MAX_RAW characters, for evidence. */
  raw: string;
  /** Set when the line was longer than the reader's per-line cap and only its start was kept. */
  truncated?: true;
}

/** Any other log entry. */
export interface OtherEvent {
  kind: 'event';
  line: number;
  time?: string;
  level: LogLevel;
  target: string;
  spans?: LogSpan[];
  message: string;
  fields: Record<string, FieldValue>;
  pod?: string;
  raw: string;
  truncated?: true;
  /** Following lines without a header (e.g. the YAML of `running with config:`), joined with '\n'. */
  continuation?: string;
  /** Set when continuation lines beyond the bound were dropped. */
  continuationTruncated?: true;
}

/** A line that is no known log format; kept so callers can count it. */
export interface UnparsedLine {
  kind: 'unparsed';
  line: number;
  raw: string;
  pod?: string;
  truncated?: true;
}

export type LogEvent = AccessEvent | OtherEvent | UnparsedLine;

/** Evidence excerpts are cut to this many characters (a real access line is ~700). */
export const MAX_RAW = 2048;
