/**
 * The collector's view of one cluster: a KubeConfig (from --kubeconfig or the default chain, with
 * --context applied) plus raw GETs against the API server. Raw bytes, not client-node's typed
 * models: the bundle stores objects exactly as the cluster returned them, and client-node's
 * ObjectSerializer would rename and re-type fields (gotcha 3 in design/dependencies.md).
 */
import type https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { UsageError, errorText } from '../errors.js';
import { RequestFailure } from './failure.js';
import { httpGet, type HttpResponse } from './http-get.js';

export interface LoadKubeConfigOptions {
  kubeconfig?: string;
  context?: string;
}

export function loadKubeConfig(options: LoadKubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  const source = options.kubeconfig ?? 'the default kubeconfig';
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`${source}: cannot load kubeconfig: ${errorText(err)}`);
  }
  if (options.context) {
    if (!kc.getContextObject(options.context)) throw new UsageError(`--context: no context "${options.context}" in ${source}`);
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) throw new UsageError(`${source}: the current context names no cluster`);
  return kc;
}

export interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

export class KubeClient {
  private requestOptions: Promise<https.RequestOptions> | undefined;

  constructor(readonly kc: KubeConfig) {}

  get server(): string {
    return this.kc.getCurrentCluster()!.server;
  }

  /** GET an API path; any status other than 200 becomes a RequestFailure carrying the status. */
  async get(path: string, options: GetOptions): Promise<HttpResponse> {
    const url = new URL(this.server.replace(/\/+$/, '') + path);
    const res = await httpGet({ url, requestOptions: await this.options(url), ...options });
    if (res.status !== 200) throw new RequestFailure(`HTTP ${res.status}: ${statusMessage(res.body)}`, res.status);
    return res;
  }

  /** Auth headers and TLS agent from the kubeconfig, computed once (exec plugins can be slow). */
  private options(url: URL): Promise<https.RequestOptions> {
    this.requestOptions ??= (async () => {
      const opts: https.RequestOptions = {};
      await this.kc.applyToHTTPSOptions(opts);
      // client-node builds an https.Agent even for a plain-http server, which http.request refuses.
      if (url.protocol === 'http:') delete opts.agent;
      return opts;
    })();
    return this.requestOptions;
  }
}

/** The message of a Kubernetes Status body, or the start of whatever else came back. */
export function statusMessage(body: Buffer): string {
  const text = body.subarray(0, 4096).toString('utf8');
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not a Status object
  }
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
