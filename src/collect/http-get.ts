/**
 * One bounded HTTP GET: a deadline for the whole exchange (AbortController), a cap on the body
 * size so a hostile or runaway endpoint cannot fill memory, and failures as RequestFailure. Used for
 * both API server requests and requests through a port-forward tunnel.
 */
import http from 'node:http';
import https from 'node:https';
import { RequestFailure, toRequestFailure } from './failure.js';

export interface HttpGetOptions {
  url: URL;
  /** Extra request options (headers, agent, TLS material) from the kubeconfig. */
  requestOptions?: https.RequestOptions;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  contentType?: string;
  /** The server's Date header, when it sent one. */
  date?: string;
  body: Buffer;
}

export function httpGet(options: HttpGetOptions): Promise<HttpResponse> {
  const { url, timeoutMs, maxBytes } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new RequestFailure(`timed out after ${timeoutMs} ms`, undefined, 'ETIMEDOUT')), timeoutMs);
  const onOuterAbort = (): void => controller.abort(new RequestFailure('interrupted', undefined, 'ABORTED'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  return new Promise<HttpResponse>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, { ...options.requestOptions, method: 'GET', signal: controller.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy(new RequestFailure(`response larger than ${maxBytes} bytes`, res.statusCode, 'ETOOBIG'));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        // A reset after the headers ends the response early; 'aborted' tells it apart from a real end.
        if (res.readableAborted || !res.complete) {
          reject(new RequestFailure('connection closed before the response was complete', undefined, 'ECONNRESET'));
          return;
        }
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], ...(res.headers.date ? { date: res.headers.date } : {}), body: Buffer.concat(chunks) });
      });
      res.on('error', (err) => reject(failureOf(err, controller.signal)));
    });
    req.on('error', (err) => reject(failureOf(err, controller.signal)));
    req.end();
  }).finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  });
}

/** Prefers the abort reason (timeout or interrupt) over node's generic "The operation was aborted". */
function failureOf(err: unknown, signal: AbortSignal): RequestFailure {
  if (signal.aborted && signal.reason instanceof RequestFailure) return signal.reason;
  return toRequestFailure(err);
}
