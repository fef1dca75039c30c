/**
 * The read-only REST side of the replay server: discovery, list and get (with label and field
 * selectors), pod logs and the pod proxy. Anything that is not a read gets the API server's 405;
 * an unknown path gets its 404. Failures that manifest.json recorded for a file are replayed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorText } from '../errors.js';
import { cluster } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';
import { coreVersions, fallbackVersion, group, groupList, resourceList } from './discovery.js';
import { serveEndpoint } from './endpoints.js';
import { LogQueryError, parseLogQuery, streamLog } from './logs.js';
import { type Recordings, ZTUNNEL_PORTS } from './recordings.js';
import { type KubeObject, ResourceStore, type ResourceType, readJson } from './resources.js';
import type { Route } from './routes.js';
import { SelectorError, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { METHOD_NOT_ALLOWED, PATH_NOT_FOUND, notFound, sendJson, sendStatus, statusObject } from './status.js';

export interface ReplayContext {
  bundle: BundleSource;
  store: ResourceStore;
  recordings: Recordings;
  /** The bundle's collection time: "now" for sinceSeconds. */
  clock: Date;
}

export interface ApiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  route: Route | undefined;
  /** Destroy the connection after the first bytes of a log body (fault injection). */
  resetMidStream?: boolean;
}

const PODS = { plural: 'pods', group: '' };

export async function handleApi(ctx: ReplayContext, request: ApiRequest): Promise<void> {
  const { req, res, route } = request;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, statusObject(405, METHOD_NOT_ALLOWED));
  if (!route) return sendStatus(res, statusObject(404, PATH_NOT_FOUND));
  try {
    await dispatch(ctx, request, route);
  } catch (err) {
    if (res.headersSent) res.destroy();
    else sendStatus(res, statusObject(500, errorText(err)));
  }
}

async function dispatch(ctx: ReplayContext, { res, url, resetMidStream }: ApiRequest, route: Route): Promise<void> {
  switch (route.kind) {
    case 'version':
      return sendJson(res, 200, ctx.bundle.has(cluster.version) ? await readJson(ctx.bundle, cluster.version) : fallbackVersion());
    case 'core-versions':
      return sendJson(res, 200, coreVersions());
    case 'groups':
      return sendJson(res, 200, groupList(ctx.store.types));
    case 'group':
      return sendOr404(res, group(ctx.store.types, route.group));
    case 'resources':
      return sendOr404(res, resourceList(ctx.store.types, route.group, route.version));
    case 'list':
      return sendList(ctx, res, url, route.type, route.namespace);
    case 'get':
      return sendOne(ctx, res, route.type, route.name, route.namespace);
    case 'log':
      return sendLog(ctx, res, url, route.namespace, route.pod, resetMidStream === true);
    case 'portforward':
      return sendStatus(res, statusObject(400, 'Upgrade request required'));
    case 'proxy':
      return sendProxy(ctx, res, url, route);
  }
}

function sendOr404(res: ServerResponse, body: unknown): void {
  if (body === undefined) sendStatus(res, statusObject(404, PATH_NOT_FOUND));
  else sendJson(res, 200, body);
}

function groupVersion(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** A recorded failure for the file behind a type: the status collect got, replayed. */
function recordedListFailure(ctx: ReplayContext, res: ServerResponse, type: ResourceType): boolean {
  const file = ResourceStore.fileOf(type);
  const failure = file ? ctx.recordings.failure(file) : undefined;
  if (failure && !(file && ctx.bundle.has(file))) {
    sendStatus(res, statusObject(failure.httpStatus, failure.error));
    return true;
  }
  return false;
}

async function sendList(ctx: ReplayContext, res: ServerResponse, url: URL, type: ResourceType, namespace?: string): Promise<void> {
  let labels, fields;
  try {
    labels = parseLabelSelector(url.searchParams.get('labelSelector') ?? undefined);
    fields = parseFieldSelector(url.searchParams.get('fieldSelector') ?? undefined, type.fields);
  } catch (err) {
    if (err instanceof SelectorError) return sendStatus(res, statusObject(400, err.message));
    throw err;
  }
  if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
    return sendStatus(res, statusObject(405, `watch is not supported by this replay of a bundle: ${METHOD_NOT_ALLOWED}`));
  }
  if (recordedListFailure(ctx, res, type)) return;
  const list = await ctx.store.list(type);
  const items = list.items.filter(
    (o) => (namespace === undefined || o.metadata?.namespace === namespace) && matchesLabels(labels, o.metadata?.labels) && matchesFields(fields, o),
  );
  sendJson(res, 200, { kind: `${type.kind}List`, apiVersion: groupVersion(type), metadata: { resourceVersion: list.resourceVersion }, items });
}

async function findObject(ctx: ReplayContext, type: ResourceType, name: string, namespace?: string): Promise<KubeObject | undefined> {
  const list = await ctx.store.list(type);
  return list.items.find((o) => o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
}

async function sendOne(ctx: ReplayContext, res: ServerResponse, type: ResourceType, name: string, namespace?: string): Promise<void> {
  if (recordedListFailure(ctx, res, type)) return;
  const object = await findObject(ctx, type, name, namespace);
  if (!object) return sendStatus(res, notFound(type, name));
  sendJson(res, 200, { ...object, kind: type.kind, apiVersion: groupVersion(type) });
}

function containerNames(pod: KubeObject): string[] {
  const spec = pod.spec as { containers?: { name?: unknown }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.name).filter((n): n is string => typeof n === 'string');
}

async function findPod(ctx: ReplayContext, namespace: string, name: string): Promise<KubeObject | undefined> {
  const type = ctx.store.find('', 'v1', 'pods')!;
  return findObject(ctx, type, name, namespace);
}

async function sendLog(ctx: ReplayContext, res: ServerResponse, url: URL, namespace: string, name: string, resetMidStream: boolean): Promise<void> {
  const pod = await findPod(ctx, namespace, name);
  if (!pod) return sendStatus(res, notFound(PODS, name));
  const recorded = ctx.recordings.logsOf(name);
  const declared = containerNames(pod);
  let container = url.searchParams.get('container') ?? undefined;
  if (!container) {
    const candidates = recorded.size > 0 ? [...recorded.keys()] : declared;
    if (candidates.length !== 1) {
      return sendStatus(res, statusObject(400, `a container name must be specified for pod ${name}, choose one of: [${declared.join(' ')}]`));
    }
    container = candidates[0]!;
  }
  const files = recorded.get(container);
  if (!files) {
    if (!declared.includes(container)) return sendStatus(res, statusObject(400, `container ${container} is not valid for pod ${name}`));
    return sendStatus(res, statusObject(404, `logs of container "${container}" in pod "${namespace}/${name}" were not recorded in this bundle`));
  }
  const previous = url.searchParams.get('previous') === 'true';
  const file = previous ? files.previous : files.current;
  const failure = file ? ctx.recordings.failure(file) : undefined;
  if (!file || !ctx.bundle.has(file)) {
    if (failure) return sendStatus(res, statusObject(failure.httpStatus, failure.error));
    if (previous) return sendStatus(res, statusObject(400, `previous terminated container "${container}" in pod "${name}" not found`));
    return sendStatus(res, statusObject(404, `logs of container "${container}" in pod "${namespace}/${name}" were not recorded in this bundle`));
  }
  let query;
  try {
    query = parseLogQuery(url.searchParams, ctx.clock);
  } catch (err) {
    if (err instanceof LogQueryError) return sendStatus(res, statusObject(400, err.message));
    throw err;
  }
  const options = { bundle: ctx.bundle, file, query, clock: ctx.clock, res };
  await streamLog(resetMidStream ? { ...options, afterWrite: () => resetSoon(res) } : options);
}

/** Lets the first bytes of a body reach the client, then drops the connection: a reset mid-stream. */
async function resetSoon(res: ServerResponse): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  res.socket?.destroy();
  return true;
}

async function sendProxy(ctx: ReplayContext, res: ServerResponse, url: URL, route: Extract<Route, { kind: 'proxy' }>): Promise<void> {
  const pod = await findPod(ctx, route.namespace, route.pod);
  if (!pod) return sendStatus(res, notFound(PODS, route.pod));
  if (route.port === undefined || !ctx.recordings.portRecorded(route.pod, route.port)) {
    return sendStatus(res, statusObject(503, `error trying to reach service: nothing recorded for port ${route.port ?? '(default)'} of pod ${route.namespace}/${route.pod}`));
  }
  // ztunnel's admin port listens on localhost only: the API server proxy cannot reach it.
  if (route.port === ZTUNNEL_PORTS.admin) {
    return sendStatus(res, statusObject(503, `error trying to reach service: dial tcp ${String((pod.status as { podIP?: unknown } | undefined)?.podIP ?? 'pod')}:15000: connect: connection refused`));
  }
  await serveEndpoint(ctx.bundle, ctx.recordings, { pod: route.pod, port: route.port, url: `${route.path}${url.search}` }, res);
}
