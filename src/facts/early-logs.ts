/**
 * Logs read as an archive is extracted (early.ts): which files are logs of which pod, and their
 * events aggregated exactly as buildFacts aggregates a streamed log, placed on no node yet (the pod
 * list that names the node may come later in the archive; placedOnNode puts them there when
 * buildFacts asks).
 */
import { classifyPath } from '../bundle/paths.js';
import { LogEventReader } from '../parse/logs-stream.js';
import type { LogEvent } from '../parse/logs-types.js';
import { LogAggregator, type Component, type LogSummary } from './logs.js';

export interface EarlyLog {
  component: Component;
  pod: string;
  /** Its facts on node '' until placedOnNode. */
  summary: LogSummary;
}

/** Which component's log a path is, and of which pod (the paths buildFacts reads logs from). */
export function logOf(path: string): { component: Component; pod: string } | undefined {
  const info = classifyPath(path);
  switch (info.kind) {
    case 'ztunnel-log':
    case 'ztunnel-previous-log':
      return { component: 'ztunnel', pod: info.pod };
    case 'cni-log':
      return { component: 'istio-cni', pod: info.pod };
    case 'istiod-log':
      return { component: 'istiod', pod: info.pod };
    default:
      return undefined;
  }
}

/** Log bytes are fed a megabyte at a time, so a large log's events are never all held at once. */
const LOG_SLICE_BYTES = 1024 * 1024;

export function readEarlyLog(path: string, log: { component: Component; pod: string }, bytes: Buffer): EarlyLog {
  // The node is not known yet: summary(node) places the events on it (see takeLog).
  const aggregator = new LogAggregator({ ...log, node: '', file: path });
  const reader = new LogEventReader();
  const events: LogEvent[] = [];
  for (let at = 0; at < bytes.length; at += LOG_SLICE_BYTES) {
    reader.push(bytes.subarray(at, Math.min(bytes.length, at + LOG_SLICE_BYTES)), events);
    for (const event of events) aggregator.add(event);
    events.length = 0;
  }
  reader.end(events);
  for (const event of events) aggregator.add(event);
  return { ...log, summary: aggregator.summary() };
}
