/**
 * Retry policy: which failures are retried (429/5xx, resets) and which never are (403/404,
 * timeouts), how many tries, how the backoff grows, and that an interrupt stops the waiting.
 */
import { describe, expect, it } from 'vitest';
import { RequestFailure, isRetryable, toRequestFailure } from '../../src/collect/failure.js';
import { backoffDelayMs, withRetry } from '../../src/collect/retry.js';

const fast = { tries: 3, baseDelayMs: 1, random: () => 1 };

describe('isRetryable', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(isRetryable(new RequestFailure('x', status))).toBe(true);
  });
  it.each([400, 401, 403, 404, 409])('never retries HTTP %i', (status) => {
    expect(isRetryable(new RequestFailure('x', status))).toBe(false);
  });
  it('retries connection resets and socket hang ups but not timeouts', () => {
    expect(isRetryable(new RequestFailure('read ECONNRESET', undefined, 'ECONNRESET'))).toBe(true);
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(new RequestFailure('timed out after 30000 ms', undefined, 'ETIMEDOUT'))).toBe(false);
  });
  it('reads the status of a refused websocket upgrade from the ws message', () => {
    const failure = toRequestFailure(new Error('Unexpected server response: 403'));
    expect(failure.httpStatus).toBe(403);
    expect(isRetryable(failure)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('doubles per attempt up to the cap, jittered below the ceiling', () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 350 };
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, { ...opts, random: () => 1 }))).toEqual([100, 200, 350, 350]);
    expect(backoffDelayMs(2, { ...opts, random: () => 0.5 })).toBe(100);
    expect(backoffDelayMs(2, { ...opts, random: () => 0 })).toBe(0);
  });
});

describe('withRetry', () => {
  it('succeeds on the third try after two 503s', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw new RequestFailure('HTTP 503', 503);
      return 'ok';
    }, fast);
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after max tries with the last error', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new RequestFailure(`HTTP 500 #${calls}`, 500);
    }, fast)).rejects.toThrow('HTTP 500 #3');
    expect(calls).toBe(3);
  });

  it('does not retry a 403', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new RequestFailure('forbidden', 403);
    }, fast)).rejects.toMatchObject({ httpStatus: 403 });
    expect(calls).toBe(1);
  });

  it('stops waiting as soon as the signal aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const run = withRetry(async () => {
      calls++;
      throw new RequestFailure('HTTP 503', 503);
    }, { tries: 3, baseDelayMs: 10_000, random: () => 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ httpStatus: 503 });
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
