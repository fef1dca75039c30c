/**
 * Runs ArtifactTasks under one concurrency limit, each with retries and a per-attempt deadline,
 * and records every attempt in the manifest: ok (written to the archive, with sha256 and size),
 * skipped (with the reason) or error (with the error text and HTTP status). After an interrupt no
 * new task starts; the ones not started are simply absent from the manifest, whose status says
 * "interrupted".
 */
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { ArtifactRecord } from '../bundle/manifest.js';
import { errorText } from '../errors.js';
import { type ArtifactTask, type CollectContext, type Payload, Skipped } from './artifact.js';
import type { BundleWriter } from './bundle-writer.js';
import { RequestFailure } from './failure.js';
import { DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.js';

export interface RunnerEvents {
  onStart?(task: ArtifactTask): void;
  onDone?(record: ArtifactRecord): void;
}

export interface RunnerOptions {
  ctx: CollectContext;
  writer: BundleWriter;
  concurrency: number;
  retry?: Omit<RetryOptions, 'signal'>;
  events?: RunnerEvents;
  now?: () => number;
}

export class TaskRunner {
  readonly records: ArtifactRecord[] = [];
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(private readonly options: RunnerOptions) {
    this.limit = pLimit(Math.max(1, options.concurrency));
  }

  /**
   * Runs the tasks; resolves with the payload of each (undefined unless ok, or not kept), in order.
   * `keep` names the payloads the caller still needs once they are in the archive: the others are
   * released as soon as they are written, so memory does not grow with the size of the bundle.
   */
  runAll(tasks: readonly ArtifactTask[], options: { keep?: (task: ArtifactTask) => boolean } = {}): Promise<(Payload | undefined)[]> {
    const keep = options.keep ?? (() => true);
    return Promise.all(tasks.map((task) => this.limit(async () => {
      const payload = await this.runOne(task);
      return keep(task) ? payload : undefined;
    })));
  }

  private async runOne(task: ArtifactTask): Promise<Payload | undefined> {
    const { ctx, writer, events } = this.options;
    if (ctx.signal.aborted) return undefined;
    const now = this.options.now ?? Date.now;
    const started = now();
    events?.onStart?.(task);
    const base: ArtifactRecord = { path: task.path, target: task.target, status: 'ok', startedAt: new Date(started).toISOString() };
    let record: ArtifactRecord;
    let payload: Payload | undefined;
    try {
      payload = await withRetry((_attempt) => task.run(ctx, ctx.signal), {
        ...DEFAULT_RETRY,
        ...this.options.retry,
        tries: task.retry === false ? 1 : (this.options.retry?.tries ?? DEFAULT_RETRY.tries),
        signal: ctx.signal,
      });
      record = { ...base, ...this.store(task.path, payload) };
    } catch (err) {
      payload = undefined;
      record = failureRecord(base, err);
    }
    record.durationMs = Math.max(0, now() - started);
    this.records.push(record);
    events?.onDone?.(record);
    // Hold this task's slot until the archive has caught up, so fetching never outruns compression.
    await writer.waitForRoom();
    return payload;
  }

  private store(path: string, payload: Payload): Partial<ArtifactRecord> {
    const counts = payload.redactions && Object.keys(payload.redactions).length > 0 ? { redactions: payload.redactions } : {};
    // The manifest's sha256 also tells the writer when an artifact repeats an earlier one.
    if (payload.kind === 'file') {
      this.options.writer.addFile(path, payload.file, { bytes: payload.bytes, sha256: payload.sha256 });
      return { bytes: payload.bytes, sha256: payload.sha256, ...counts };
    }
    const sha256 = payload.sha256 ?? createHash('sha256').update(payload.data).digest('hex');
    this.options.writer.addBuffer(path, payload.data, { sha256, ...(payload.scan ? { hits: payload.scan } : {}) });
    return {
      bytes: payload.data.length,
      sha256,
      ...(payload.httpStatus !== undefined ? { httpStatus: payload.httpStatus } : {}),
      ...counts,
    };
  }
}

function failureRecord(base: ArtifactRecord, err: unknown): ArtifactRecord {
  if (err instanceof Skipped) {
    return { ...base, status: 'skipped', error: err.reason, ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}) };
  }
  const status = err instanceof RequestFailure ? err.httpStatus : undefined;
  return { ...base, status: 'error', error: oneLine(errorText(err)), ...(status !== undefined ? { httpStatus: status } : {}) };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line || 'unknown error';
}
