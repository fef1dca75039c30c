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

/** Lines are small; gathering them into ~64 KiB writes keeps chunked encoding overhead low. */
const BATCH_BYTES = 64 * 1024;

/** Streams the selected part of a log file as the response body (200, text/plain, chunked). */
export async function streamLog(options: StreamLogOptions): Promise<void> {
  // Without a time filter or prefixes no line needs to be looked at: stream the bytes as they are.
  if (options.query.sinceMs === undefined && !options.query.timestamps) return streamRaw(options);
  return streamLines(options);
}

/** Lines as the kubelet counts them: newline-terminated, plus a last unterminated one. */
async function countLines(bundle: BundleSource, file: string): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of bundle.openStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1]!;
  }
  return last === 0x0a ? lines : lines + 1;
}

async function streamRaw({ bundle, file, query, res, afterWrite }: StreamLogOptions): Promise<void> {
  let skip = query.tailLines === undefined ? 0 : Math.max(0, (await countLines(bundle, file)) - query.tailLines);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  const limit = query.limitBytes ?? Number.POSITIVE_INFINITY;
  let written = 0;
  for await (let chunk of bundle.openStream(file) as AsyncIterable<Buffer>) {
    let cut = -1;
    while (skip > 0) {
      cut = chunk.indexOf(0x0a, cut + 1);
      if (cut === -1) break;
      skip--;
    }
    if (skip > 0) continue;
    chunk = chunk.subarray(cut + 1, cut + 1 + Math.max(0, limit - written));
    // With a fault hook, send only part of the first chunk so the reset lands mid-stream.
    if (afterWrite) chunk = chunk.subarray(0, Math.max(1, chunk.length >> 1));
    if (res.destroyed) return;
    if (chunk.length === 0) continue;
    await write(res, chunk);
    written += chunk.length;
    if (afterWrite && (await afterWrite(written))) return;
    if (written >= limit) break;
  }
  if (!res.destroyed) res.end();
}

async function streamLines({ bundle, file, query, clock, res, afterWrite }: StreamLogOptions): Promise<void> {
  let skip = 0;
  if (query.tailLines !== undefined) {
    let total = 0;
    for await (const _ of selectedLines(bundle, file, query.sinceMs)) total++;
    skip = Math.max(0, total - query.tailLines);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  let written = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<boolean> => {
    if (batchBytes === 0) return false;
    await write(res, batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    written += batchBytes;
    batch = [];
    batchBytes = 0;
    return afterWrite !== undefined && (await afterWrite(written));
  };
  const limit = query.limitBytes ?? Number.POSITIVE_INFINITY;
  for await (const { line, token } of selectedLines(bundle, file, query.sinceMs)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    if (res.destroyed) return;
    if (query.timestamps) {
      const prefix = Buffer.from(`${token ?? clock.toISOString()} `);
      batch.push(prefix);
      batchBytes += prefix.length;
    }
    batch.push(line);
    batchBytes += line.length;
    const room = limit - written;
    if (batchBytes >= room) {
      const all = Buffer.concat(batch).subarray(0, room);
      batch = [all];
      batchBytes = all.length;
      await flush();
      break;
    }
    // With a fault hook, write line by line so a reset lands after the first line, mid-stream.
    if ((batchBytes >= BATCH_BYTES || afterWrite) && (await flush())) return;
  }
  if (await flush()) return;
  if (!res.destroyed) res.end();
}
