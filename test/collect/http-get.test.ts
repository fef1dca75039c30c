/**
 * httpGet against small local servers: a deadline that fires on a request that never answers, a
 * body cap, a connection reset after the headers, and an outer interrupt.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from '../../src/collect/http-get.js';
import { isRetryable } from '../../src/collect/failure.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') return;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(100_000, 'x'));
      return;
    }
    if (req.url === '/reset') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"message":"busy"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpGet', () => {
  it('returns the status and body as received', async () => {
    const res = await httpGet({ url: new URL(`${base}/busy`), timeoutMs: 2000, maxBytes: 1000 });
    expect(res.status).toBe(503);
    expect(res.body.toString()).toBe('{"message":"busy"}');
  });

  it('times out a request that never answers, as a non-retryable timeout', async () => {
    const started = Date.now();
    const err = await httpGet({ url: new URL(`${base}/hang`), timeoutMs: 150, maxBytes: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', message: 'timed out after 150 ms' });
    expect(isRetryable(err)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a body over the cap', async () => {
    await expect(httpGet({ url: new URL(`${base}/big`), timeoutMs: 2000, maxBytes: 50_000 })).rejects.toMatchObject({ code: 'ETOOBIG' });
  });

  it('reports a reset mid-body as a retryable failure, not a short success', async () => {
    const err = await httpGet({ url: new URL(`${base}/reset`), timeoutMs: 2000, maxBytes: 50_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isRetryable(err)).toBe(true);
  });

  it('stops at once on an interrupt', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(httpGet({ url: new URL(`${base}/hang`), timeoutMs: 10_000, maxBytes: 1000, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
