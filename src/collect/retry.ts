/**
 * Retries with exponential backoff and full jitter, for the transient failures a busy API server
 * or kubelet produces (429, 5xx, connection resets). At most `tries` attempts; an abort stops the
 * waiting at once. Timeouts are not retried: three 30 s timeouts would make one artifact cost 90 s.
 */
import { isRetryable } from './failure.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  tries: number;
  /** Delay before the second attempt; doubles each time, jittered in [0, delay]. */
  baseDelayMs: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
  /** Called before each wait, e.g. to log the retry. */
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = { tries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

export function backoffDelayMs(attempt: number, options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(options.baseDelayMs * 2 ** (attempt - 1), options.maxDelayMs ?? Number.POSITIVE_INFINITY);
  return Math.round(ceiling * (options.random ?? Math.random)());
}

export async function withRetry<T>(attemptFn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptFn(attempt);
    } catch (err) {
      if (attempt >= options.tries || !isRetryable(err) || options.signal?.aborted) throw err;
      const delay = backoffDelayMs(attempt, options);
      options.onRetry?.(attempt, err, delay);
      await sleep(delay, options.signal);
      if (options.signal?.aborted) throw err;
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
