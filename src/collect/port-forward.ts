/**
 * HTTP GET to a pod port through a Kubernetes port-forward, the one mechanism for ztunnel's
 * localhost-only admin port (15000) and, for uniformity, its stats (15020), readiness (15021) and
 * istiod's monitoring port (15014). A private listener on 127.0.0.1:0 accepts the one connection
 * that node's http client opens and bridges it to a PortForward websocket (one port per call,
 * gotcha 5). client-node never ends the output stream when the websocket closes (gotcha 4), so we
 * end the socket ourselves; a refused upgrade (403/404) is kept and reported instead of the
 * "socket hang up" the http client would see.
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { RequestFailure, toRequestFailure } from './failure.js';
import { httpGet, type HttpResponse } from './http-get.js';

export interface ForwardGetOptions {
  kc: KubeConfig;
  namespace: string;
  pod: string;
  port: number;
  /** Path and query inside the pod, e.g. "/config_dump". */
  path: string;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export async function forwardGet(options: ForwardGetOptions): Promise<HttpResponse> {
  const { kc, namespace, pod, port } = options;
  let tunnelError: RequestFailure | undefined;
  const tunnelMessages: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const errors = new PassThrough();
    errors.on('data', (chunk: Buffer) => tunnelMessages.push(chunk.toString('utf8')));
    new PortForward(kc)
      .portForward(namespace, pod, [port], socket, errors, socket)
      .then((ws) => {
        // Only retryCount > 0 returns a factory; we never ask for one.
        if (typeof ws === 'function') return;
        ws.on('close', () => socket.end());
        ws.on('error', () => socket.destroy());
        socket.on('close', () => ws.close());
      })
      .catch((err: unknown) => {
        tunnelError = toRequestFailure(err);
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  try {
    const url = new URL(`http://127.0.0.1:${address.port}${options.path}`);
    // agent:false gives one fresh connection, hence one websocket, per request.
    return await httpGet({ url, requestOptions: { agent: false }, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, signal: options.signal });
  } catch (err) {
    if (tunnelError) throw new RequestFailure(`port-forward to ${namespace}/${pod}:${port} failed: ${tunnelError.message}`, tunnelError.httpStatus, tunnelError.code);
    const detail = tunnelMessages.join('').trim();
    if (detail) throw new RequestFailure(`port-forward to ${namespace}/${pod}:${port}: ${detail}`, undefined, 'ECONNRESET');
    throw err;
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
}
