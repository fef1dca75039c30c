/**
 * Pod logs replayed from the bundle with the kubelet's query semantics: container, previous,
 * sinceSeconds/sinceTime (against the line's own timestamp, continuation lines following their
 * predecessor, relative to the replay clock), tailLines, limitBytes and timestamps. The file is
 * streamed, twice when tailLines needs a count first, and never read whole.
 */
import type { ServerResponse } from 'node:http';
import type { BundleSource } from '../bundle/source.js';
import { lineTimestamp, splitLines } from './lines.js';

export interface LogQuery {
  sinceMs?: number;
  tailLines?: number;
  limitBytes?: number;
  timestamps: boolean;
}

export class LogQueryError extends Error {}

function positiveInt(params: URLSearchParams, name: string, min: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new LogQueryError(`${name}: Invalid value: ${JSON.stringify(raw)}: must be ${min === 0 ? 'a non-negative' : 'a positive'} integer`);
  return n;
}

function isTrue(params: URLSearchParams, name: string): boolean {
  return params.get(name) === 'true' || params.get(name) === '1';
}

/** Parses the query the way the API server validates PodLogOptions. */
export function parseLogQuery(params: URLSearchParams, clock: Date): LogQuery {
  const sinceSeconds = positiveInt(params, 'sinceSeconds', 1);
  const sinceTime = params.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogQueryError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = clock.getTime() - sinceSeconds * 1000;
  if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (!Number.isFinite(sinceMs)) throw new LogQueryError(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be RFC 3339`);
  }
  const query: LogQuery = { timestamps: isTrue(params, 'timestamps') };
  if (sinceMs !== undefined) query.sinceMs = sinceMs;
  const tailLines = positiveInt(params, 'tailLines', 0);
  if (tailLines !== undefined) query.tailLines = tailLines;
  const limitBytes = positiveInt(params, 'limitBytes', 1);
  if (limitBytes !== undefined) query.limitBytes = limitBytes;
  return query;
}

interface SelectedLine {
  line: Buffer;
  token: string | undefined;
}

/** Lines that pass the since filter, each with the timestamp token it inherits. */
async function* selectedLines(bundle: BundleSource, file: string, sinceMs: number | undefined): AsyncGenerator<SelectedLine> {
  let current: { token: string; ms: number } | undefined;
  for await (const line of splitLines(bundle.openStream(file))) {
    current = lineTimestamp(line) ?? current;
    // Lines before the first timestamp have no known time: a since filter leaves them out.
    if (sinceMs !== undefined && (current === undefined || current.ms < sinceMs)) continue;
    yield { line, token: current?.token };
  }
}

export interface StreamLogOptions {
  bundle: BundleSource;
  file: string;
  query: LogQuery;
  clock: Date;
  res: ServerResponse;
  /** Called after every write with the bytes written so far; resolving true stops the stream (fault injection). */
  afterWrite?: (written: number) => Promise<boolean>;
}

async function write(res: ServerResponse, data: Buffer): Promise<void> {
  if (!res.write(data)) {
    await new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}

/** Streams the selected part of a log file as the response body (200, text/plain, chunked). */
export async function streamLog({ bundle, file, query, clock, res, afterWrite }: StreamLogOptions): Promise<void> {
  let skip = 0;
  if (query.tailLines !== undefined) {
    let total = 0;
    for await (const _ of selectedLines(bundle, file, query.sinceMs)) total++;
    skip = Math.max(0, total - query.tailLines);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  let written = 0;
  const limit = query.limitBytes ?? Number.POSITIVE_INFINITY;
  for await (const { line, token } of selectedLines(bundle, file, query.sinceMs)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (res.destroyed) return;
    let out = query.timestamps ? Buffer.concat([Buffer.from(`${token ?? clock.toISOString()} `), line]) : line;
    if (written + out.length > limit) out = out.subarray(0, limit - written);
    await write(res, out);
    written += out.length;
    if (afterWrite && (await afterWrite(written))) return;
    if (written >= limit) break;
  }
  if (!res.destroyed) res.end();
}
