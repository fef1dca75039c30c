/**
 * Streams one container log to a spool file: client-node Log.log -> redaction transform ->
 * TailSpool (keeps the last maxBytes). Log.log resolves when the body starts flowing, not when it
 * ends (gotcha 2), and pipes with .pipe(), which forwards no errors; so we watch the source for
 * errors ourselves, wait for the spool's 'finish', and abort on an idle deadline or an interrupt.
 */
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { Log, type KubeConfig } from '@kubernetes/client-node';
import { createRedactStream } from '../redact/index.js';
import { RequestFailure, toRequestFailure } from './failure.js';
import { TailSpool, type SpoolResult } from './tail-spool.js';

export interface LogFetchOptions {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  sinceSeconds?: number;
  /** Keep the last maxBytes; the transfer itself is capped at transferCapBytes. */
  maxBytes: number;
  transferCapBytes: number;
  /** Deadline for the response to start, and for each gap between chunks. */
  idleTimeoutMs: number;
  redact: boolean;
  spoolPath: string;
  signal?: AbortSignal;
}

export interface LogFetchResult extends SpoolResult {
  redactions: Record<string, number>;
}

export async function fetchLog(options: LogFetchOptions): Promise<LogFetchResult> {
  const redactor = options.redact ? createRedactStream() : undefined;
  const entry: Transform = redactor ?? new PassThrough();
  const spool = new TailSpool(options.spoolPath, options.maxBytes);
  entry.pipe(spool);

  let controller: AbortController | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let fail: (err: RequestFailure) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (err) => reject(err);
  });
  failed.catch(() => {});
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => fail(new RequestFailure(`no log data for ${options.idleTimeoutMs} ms`, undefined, 'ETIMEDOUT')), options.idleTimeoutMs);
  };
  const onAbort = (): void => fail(new RequestFailure('interrupted', undefined, 'ABORTED'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  entry.on('pipe', (source: Readable) => {
    source.on('data', armIdle);
    source.on('error', (err) => fail(toRequestFailure(err)));
    source.on('aborted', () => fail(new RequestFailure('log stream reset', undefined, 'ECONNRESET')));
  });
  spool.on('error', (err) => fail(toRequestFailure(err)));

  try {
    armIdle();
    const started = new Log(options.kc).log(options.namespace, options.pod, options.container, entry, {
      previous: options.previous,
      sinceSeconds: options.sinceSeconds,
      limitBytes: options.transferCapBytes,
      timestamps: false,
      follow: false,
    });
    started.then((c) => (controller = c)).catch(() => {});
    await Promise.race([started.catch((err: unknown) => Promise.reject(logFailure(err))), failed]);
    await Promise.race([new Promise<void>((resolve) => spool.once('finish', () => resolve())), failed]);
    const result = await spool.result();
    return { ...result, redactions: redactor?.counts() ?? {} };
  } catch (err) {
    controller?.abort();
    entry.unpipe(spool);
    entry.destroy();
    spool.destroy();
    throw err;
  } finally {
    clearTimeout(idleTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** client-node wraps everything in ApiException(code, message); keep its code as the HTTP status. */
function logFailure(err: unknown): RequestFailure {
  const e = err as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof e?.code === 'number') {
    const body = typeof e.body === 'object' && e.body && 'message' in e.body ? String((e.body as { message: unknown }).message) : '';
    return new RequestFailure(`HTTP ${e.code}${body ? `: ${body}` : ''}`, e.code);
  }
  return toRequestFailure(err);
}
