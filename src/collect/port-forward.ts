/**
 * HTTP GET to a pod port through a Kubernetes port-forward, the one mechanism for ztunnel's
 * localhost-only admin port (15000) and, for uniformity, its stats (15020), readiness (15021) and
 * istiod's monitoring port (15014). Node's http client speaks over an in-memory connection bridged
 * to a PortForward websocket (one port per call, gotcha 5). client-node never ends the output
 * stream when the websocket closes (gotcha 4), so we end the connection ourselves; a refused
 * upgrade (403/404) is kept and reported instead of the "socket hang up" the http client would see.
 */
import { Duplex, PassThrough, Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
// Not re-exported by the package index in 1.4; the module is public (the package has no exports map).
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { RequestFailure, toRequestFailure } from './failure.js';
import { httpGet, type HttpResponse } from './http-get.js';
import { statusMessage } from './kube-client.js';

const MAX_REFUSAL_BODY = 64 * 1024;

/**
 * Opens the websocket as client-node would, but keeps the API server's answer to a refused
 * upgrade: ws only says "Unexpected server response: 403", while the Status body says why
 * (e.g. `pods "x" is forbidden: User "jane" cannot create resource "pods/portforward"`), which
 * is what the manifest and the user need.
 */
function socketKeepingRefusals(uri: string, protocols: string[], opts: WebSocket.ClientOptions): WebSocket {
  const ws = new WebSocket(uri, protocols, opts);
  ws.once('unexpected-response', (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = () => {
      const status = res.statusCode ?? 0;
      const message = statusMessage(Buffer.concat(chunks)) || `HTTP ${status}`;
      ws.emit('error', new RequestFailure(message, status, 'REFUSED'));
      req.destroy();
    };
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_REFUSAL_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    res.once('end', fail);
    res.once('error', fail);
  });
  return ws;
}

/** The RequestFailure inside whatever client-node rejected with (ws wraps errors in an ErrorEvent). */
function unwrap(err: unknown): RequestFailure {
  const inner = (err as { error?: unknown } | undefined)?.error;
  return inner instanceof RequestFailure ? inner : toRequestFailure(err);
}

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

/**
 * The http client's connection, in memory: what the client writes goes to the pod through `toPod`
 * (PortForward's input, read once the websocket is open), what the pod sends arrives through
 * `fromPod` (PortForward's output). A loopback listener and TCP connection per request cost a
 * connect, an accept and two kernel copies of every body (half a gigabyte for 100 ztunnels).
 */
function memoryConnection(): { socket: Duplex; toPod: PassThrough; fromPod: Writable } {
  const toPod = new PassThrough();
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      toPod.write(chunk, () => callback());
    },
    final(callback) {
      toPod.end();
      callback();
    },
  });
  const fromPod = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!socket.destroyed) socket.push(chunk);
      callback();
    },
  });
  return { socket, toPod, fromPod };
}

export async function forwardGet(options: ForwardGetOptions): Promise<HttpResponse> {
  const { kc, namespace, pod, port } = options;
  let tunnelError: RequestFailure | undefined;
  const tunnelMessages: string[] = [];
  const { socket, toPod, fromPod } = memoryConnection();
  socket.on('error', () => socket.destroy());
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => tunnelMessages.push(chunk.toString('utf8')));
  new PortForward(kc, true, new WebSocketHandler(kc, socketKeepingRefusals))
    .portForward(namespace, pod, [port], fromPod, errors, toPod)
    .then((ws) => {
      // Only retryCount > 0 returns a factory; we never ask for one.
      if (typeof ws === 'function') return;
      // The pod's side ending is the end of what the client reads (a TCP peer's FIN).
      ws.on('close', () => socket.push(null));
      ws.on('error', () => socket.destroy());
      if (socket.destroyed) ws.close();
      else socket.on('close', () => ws.close());
    })
    .catch((err: unknown) => {
      tunnelError = unwrap(err);
      socket.destroy();
    });
  try {
    // The host names no listener (the connection is made in memory); it only fills the Host header.
    const url = new URL(`http://127.0.0.1${options.path}`);
    // One connection, hence one websocket, per request; no agent, so nothing is kept alive.
    return await httpGet({ url, requestOptions: { createConnection: () => socket }, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes, signal: options.signal });
  } catch (err) {
    // A refused upgrade carries the API server's own words, which already name the pod and why.
    if (tunnelError?.code === 'REFUSED') throw tunnelError;
    if (tunnelError) throw new RequestFailure(`port-forward to ${namespace}/${pod}:${port} failed: ${tunnelError.message}`, tunnelError.httpStatus, tunnelError.code);
    const detail = tunnelMessages.join('').trim();
    if (detail) throw new RequestFailure(`port-forward to ${namespace}/${pod}:${port}: ${detail}`, undefined, 'ECONNRESET');
    throw err;
  } finally {
    socket.destroy();
  }
}
