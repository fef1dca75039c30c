/**
 * startReplayServer: serves a bundle as a read-only Kubernetes API on loopback, for kubectl,
 * client-node and `collect` itself. REST requests go to api.ts; port-forward upgrades become
 * websocket tunnels whose HTTP requests a private http.Server answers from recorded artifacts.
 * Faults and latency are applied here, before anything is answered.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { BundleSource } from '../bundle/source.js';
import { type ReplayContext, handleApi } from './api.js';
import { replayClock } from './clock.js';
import { serveEndpoint } from './endpoints.js';
import { type Fault, FaultSet, sleep } from './faults.js';
import { replayKubeconfig } from './kubeconfig.js';
import { Recordings } from './recordings.js';
import { ResourceStore } from './resources.js';
import { type Route, route, routeTarget } from './routes.js';
import { PATH_NOT_FOUND, type StatusObject, notFound, sendStatus, statusObject } from './status.js';
import { sendPreambles, sendTunnelError, tunnelSocket } from './tunnel.js';

export interface ReplayServerOptions {
  bundle: BundleSource;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  faults?: Fault[];
  /** Added to every request, and to every HTTP request inside a port-forward. */
  latencyMs?: number;
}

export interface ReplayServer {
  url: string;
  port: number;
  kubeconfig(): string;
  close(): Promise<void>;
  /** Requests handled: REST calls, port-forward upgrades and HTTP requests inside tunnels. */
  stats: { requests: number };
  /** The replay clock (the bundle's collection time). */
  clock: Date;
}

/** Bytes a reset fault lets through a tunnel before dropping it: less than any HTTP response head. */
const TUNNEL_RESET_AFTER_BYTES = 32;
const V4_CHANNEL = 'v4.channel.k8s.io';

interface TunnelContext {
  pod: string;
  port: number;
}

export async function startReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const { bundle } = options;
  const ctx: ReplayContext = {
    bundle,
    store: await ResourceStore.load(bundle),
    recordings: await Recordings.load(bundle),
    clock: await replayClock(bundle),
  };
  const faults = new FaultSet(options.faults);
  const latencyMs = options.latencyMs ?? 0;
  const stats = { requests: 0 };
  const rawSockets = new Set<Duplex>();
  const tunnels = new WeakMap<object, TunnelContext>();

  /** Waits the global latency plus a matching fault's, and returns that fault (if any) for the caller to act on. */
  async function applyFault(target: Parameters<FaultSet['take']>[0]): Promise<Fault | undefined> {
    const fault = faults.take(target);
    await sleep(latencyMs + (fault?.latencyMs ?? 0));
    return fault;
  }

  const inner = createServer((req, res) => {
    stats.requests++;
    const tunnel = tunnels.get(req.socket);
    if (!tunnel) return res.destroy();
    void (async () => {
      const url = req.url ?? '/';
      const fault = await applyFault({ path: new URL(url, 'http://pod.invalid').pathname, ...tunnel, inTunnel: true });
      if (fault?.hang) return;
      if (fault?.reset) return req.socket.destroy();
      if (fault?.status) {
        res.writeHead(fault.status, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end(`injected fault: HTTP ${fault.status}\n`);
      }
      await serveEndpoint(bundle, ctx.recordings, { ...tunnel, url }, res);
    })().catch(() => res.destroy());
  });
  inner.requestTimeout = 0;

  // The replayed cluster's clock starts at the bundle's collection time and runs on from there, so
  // a collector that takes its time from the API server's Date header (as it should: expiry is
  // judged in cluster time) records the original collection time, not today's.
  const started = Date.now();
  const replayNow = () => new Date(ctx.clock.getTime() + (Date.now() - started)).toUTCString();

  const server: Server = createServer((req, res) => {
    stats.requests++;
    res.setHeader('Date', replayNow());
    // Handlers answer their own errors; anything that still escapes only costs this connection.
    handleRest(req, res).catch(() => res.destroy());
  });
  // Every connection, kept or upgraded, so close() can end hung requests and open tunnels.
  server.on('connection', (socket: Duplex) => {
    rawSockets.add(socket);
    socket.once('close', () => rawSockets.delete(socket));
  });

  async function handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = parseRequestUrl(req.url);
    if (!url) return sendStatus(res, statusObject(404, PATH_NOT_FOUND));
    const r = route(url.pathname, ctx.store);
    const fault = await applyFault({ path: url.pathname, ...routeTarget(r) });
    if (fault?.hang) return;
    if (fault?.status) return void sendFaultStatus(res, fault.status);
    if (fault?.reset && r?.kind !== 'log') return void req.socket.destroy();
    await handleApi(ctx, { req, res, url, route: r, resetMidStream: fault?.reset === true });
  }

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // client-node offers v5..v1; the kubelet's websocket port-forward accepts "" and v4.
    handleProtocols: (protocols) => (protocols.has(V4_CHANNEL) ? V4_CHANNEL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    stats.requests++;
    socket.on('error', () => socket.destroy());
    handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = parseRequestUrl(req.url);
    if (!url) return rejectUpgrade(socket, statusObject(404, PATH_NOT_FOUND));
    const r: Route | undefined = route(url.pathname, ctx.store);
    if (r?.kind !== 'portforward') return rejectUpgrade(socket, statusObject(404, PATH_NOT_FOUND));
    const portText = url.searchParams.getAll('ports');
    const port = Number(portText[0]);
    const fault = await applyFault({ path: url.pathname, pod: r.pod, ...(Number.isInteger(port) ? { port } : {}) });
    if (fault?.hang) return;
    if (fault?.status) return rejectUpgrade(socket, statusObject(fault.status, `injected fault: HTTP ${fault.status}`));
    if (portText.length !== 1 || !Number.isInteger(port) || port < 1 || port > 65535) {
      return rejectUpgrade(socket, statusObject(400, 'query parameter "ports" must name exactly one port between 1 and 65535'));
    }
    const pod = await ctx.store.list(ctx.store.find('', 'v1', 'pods')!).then(
      (list) => list.items.find((o) => o.metadata?.name === r.pod && o.metadata?.namespace === r.namespace),
      () => undefined,
    );
    if (!pod) return rejectUpgrade(socket, notFound({ plural: 'pods', group: '' }, r.pod));
    const forbidden = ctx.recordings.portFailure(r.pod, port, 403);
    if (forbidden) return rejectUpgrade(socket, statusObject(403, forbidden.error));
    wss.handleUpgrade(req, socket, head, (ws) => {
      sendPreambles(ws, port);
      if (!ctx.recordings.portRecorded(r.pod, port)) {
        const uid = typeof (pod.metadata as { uid?: unknown }).uid === 'string' ? (pod.metadata as { uid: string }).uid : r.pod;
        return sendTunnelError(ws, `error forwarding port ${port} to pod ${uid}, uid : nothing listens on port ${port} of ${r.namespace}/${r.pod} in this bundle`);
      }
      const tunnel = tunnelSocket(fault?.reset ? { ws, resetAfterBytes: TUNNEL_RESET_AFTER_BYTES } : { ws });
      tunnels.set(tunnel, { pod: r.pod, port });
      inner.emit('connection', tunnel);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    stats,
    clock: ctx.clock,
    kubeconfig: () => replayKubeconfig(url),
    close() {
      closing ??= (async () => {
        for (const client of wss.clients) client.terminate();
        for (const socket of rawSockets) socket.destroy();
        server.closeAllConnections();
        inner.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return closing;
    },
  };
}

/** The request target as a URL; undefined for targets that are not one (e.g. "//"). */
function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://replay.invalid');
  } catch {
    return undefined;
  }
}

function sendFaultStatus(res: ServerResponse, code: number): void {
  const body = JSON.stringify(statusObject(code, `injected fault: HTTP ${code}`));
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers a refused upgrade with a Status body, as the API server does, then closes. */
function rejectUpgrade(socket: Duplex, status: StatusObject): void {
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
