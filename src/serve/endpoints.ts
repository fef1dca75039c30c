/**
 * The HTTP endpoints of ztunnel and istiod pods, answered from recorded artifacts: ztunnel's
 * :15000/config_dump, :15020/metrics and /stats/prometheus, :15021/healthz/ready, istiod's
 * :15014/debug/<name>, /debug/config_dump?proxyID=… and /metrics. Used inside port-forward tunnels
 * and by the pod proxy. Bodies are streamed from the bundle, byte for byte.
 */
import type { ServerResponse } from 'node:http';
import { errorText } from '../errors.js';
import { istiod, ztunnel } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';
import { sendFileBody } from './file-body.js';
import { ISTIOD_MONITORING_PORT, type Recordings, ZTUNNEL_PORTS } from './recordings.js';

const JSON_TYPE = 'application/json';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export interface EndpointRequest {
  pod: string;
  port: number;
  /** Path and query, e.g. "/debug/config_dump?proxyID=ztunnel-x.istio-system&types=wds". */
  url: string;
}

type Resolution =
  | { file: string; contentType: string; ready?: boolean }
  | { status: number; body: string };

const NOT_RECORDED = (what: string): Resolution => ({ status: 404, body: `${what} was not recorded in this bundle\n` });

function resolve(rec: Recordings, { pod, port, url }: EndpointRequest): Resolution {
  const parsed = new URL(url, 'http://pod.invalid');
  const path = parsed.pathname;
  if (port === ZTUNNEL_PORTS.admin && path === '/config_dump') return { file: ztunnel.configDump(pod), contentType: JSON_TYPE };
  if (port === ZTUNNEL_PORTS.stats && (path === '/metrics' || path === '/stats/prometheus')) {
    return { file: ztunnel.metrics(pod), contentType: TEXT_TYPE };
  }
  if (port === ZTUNNEL_PORTS.readiness && path === '/healthz/ready') return { file: ztunnel.ready(pod), contentType: TEXT_TYPE, ready: true };
  if (port === ISTIOD_MONITORING_PORT) {
    if (path === '/metrics') return { file: istiod.metrics(pod), contentType: TEXT_TYPE };
    if (path === '/debug/config_dump') {
      const proxyID = parsed.searchParams.get('proxyID');
      if (!proxyID) return { status: 400, body: 'You must provide a proxyID in the query string\n' };
      // proxyID is "<ztunnel pod>.<namespace>"; the bundle keys the dump by the pod name.
      const file = [istiod.configDumpFor(pod, proxyID), istiod.configDumpFor(pod, proxyID.split('.')[0]!)].find(
        (f) => rec.has(f) || rec.failure(f),
      );
      if (!file) return { status: 404, body: 'Proxy not connected to this Pilot instance. It may be connected to another instance.\n' };
      return { file, contentType: JSON_TYPE };
    }
    const debug = /^\/debug\/([A-Za-z0-9_]+)$/.exec(path);
    if (debug) return { file: istiod.debug(pod, debug[1]!), contentType: JSON_TYPE };
  }
  return NOT_RECORDED(`GET :${port}${path}`);
}

/** ready.txt: first line the HTTP status, then the body. */
async function readReady(bundle: BundleSource, file: string): Promise<{ status: number; body: string }> {
  const text = await bundle.readText(file, { maxBytes: 1024 * 1024 });
  const newline = text.indexOf('\n');
  const first = newline === -1 ? text : text.slice(0, newline);
  const status = Number(/\d{3}/.exec(first)?.[0] ?? 200);
  return { status, body: newline === -1 ? '' : text.slice(newline + 1) };
}

/** Answers one request to a pod's port from the bundle. Never throws; a broken file becomes a 500. */
export async function serveEndpoint(bundle: BundleSource, rec: Recordings, req: EndpointRequest, res: ServerResponse): Promise<void> {
  const resolution = resolve(rec, req);
  try {
    if ('status' in resolution) return sendText(res, resolution.status, resolution.body);
    const failure = rec.failure(resolution.file);
    if (failure) return sendText(res, failure.httpStatus, `${failure.error}\n`);
    if (!bundle.has(resolution.file)) return sendText(res, 404, `GET :${req.port}${new URL(req.url, 'http://x').pathname} was not recorded in this bundle\n`);
    if (resolution.ready) {
      const { status, body } = await readReady(bundle, resolution.file);
      return sendText(res, status, body);
    }
    const size = bundle.size(resolution.file) ?? 0;
    res.writeHead(200, { 'Content-Type': resolution.contentType, 'Content-Length': size });
    await sendFileBody(bundle, resolution.file, size, res);
  } catch (err) {
    if (!res.headersSent) sendText(res, 500, `${errorText(err)}\n`);
    else res.destroy();
  }
}

function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': TEXT_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
