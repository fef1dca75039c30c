/**
 * Per-pod artifacts: for each ztunnel its pod object, admin config dump, metrics, readiness and
 * logs; for each istiod its debug endpoints, its view of each ztunnel's config, metrics and log;
 * for each istio-cni node agent its log. Every pod port is reached through a port-forward (one
 * mechanism, and the only one that reaches ztunnel's localhost-only admin port).
 */
import { join } from 'node:path';
import { cni, ISTIOD_DEBUG_ENDPOINTS, istiod, ztunnel } from '../bundle/paths.js';
import { type ArtifactTask, type CollectContext, type Payload, Skipped } from './artifact.js';
import { RequestFailure } from './failure.js';
import { fetchLog } from './log-fetch.js';
import type { PodRef } from './pods.js';
import { forwardGet } from './port-forward.js';
import { redactedK8sJson, redactedLargeText, redactedText } from './redact-payload.js';

export const PORTS = { ztunnelAdmin: 15000, ztunnelStats: 15020, ztunnelReadiness: 15021, istiodMonitoring: 15014 } as const;

/**
 * limitBytes counts from the start of the log, so it cannot select the tail; it is only a guard
 * against a runaway stream. The kubelet serves the current log file only (10 MiB by default, see
 * containerLogMaxSize), so real transfers stay far below it and TailSpool keeps the true tail.
 */
const LOG_TRANSFER_CAP_BYTES = 1024 ** 3;

let spoolSeq = 0;

async function podGet(ctx: CollectContext, pod: PodRef, port: number, path: string, signal: AbortSignal) {
  return forwardGet({ kc: ctx.kc, namespace: pod.namespace, pod: pod.name, port, path, timeoutMs: ctx.timeoutMs, maxBytes: ctx.maxResponseBytes, signal });
}

/** A port-forwarded GET whose body is the artifact; any status but 200 is a failure. */
function portTask(path: string, pod: PodRef, port: number, podPath: string): ArtifactTask {
  return {
    path,
    target: `GET pod ${pod.namespace}/${pod.name} :${port}${podPath}`,
    run: async (ctx, signal) => {
      const res = await podGet(ctx, pod, port, podPath, signal);
      if (res.status !== 200) throw new RequestFailure(`HTTP ${res.status}: ${res.body.subarray(0, 200).toString('utf8').trim()}`, res.status);
      return redactedLargeText(res.body, ctx.redact, res.status, ctx.largeBodies ?? {}, path);
    },
  };
}

function logTask(path: string, pod: PodRef, container: string, previous: boolean): ArtifactTask {
  return {
    path,
    target: `GET /api/v1/namespaces/${pod.namespace}/pods/${pod.name}/log?container=${container}${previous ? '&previous=true' : ''}`,
    run: async (ctx, signal): Promise<Payload> => {
      const spoolPath = join(ctx.spoolDir, `${++spoolSeq}.log`);
      const result = await fetchLog({
        kc: ctx.kc,
        namespace: pod.namespace,
        pod: pod.name,
        container,
        previous,
        ...(ctx.sinceSeconds ? { sinceSeconds: ctx.sinceSeconds } : {}),
        maxBytes: ctx.maxLogBytes,
        transferCapBytes: Math.max(LOG_TRANSFER_CAP_BYTES, ctx.maxLogBytes * 4),
        idleTimeoutMs: ctx.timeoutMs,
        redact: ctx.redact,
        spoolPath,
        signal,
      });
      return { kind: 'file', file: result.file, bytes: result.bytes, sha256: result.sha256, redactions: result.redactions };
    },
  };
}

function logTasks(pod: PodRef, container: string, current: string, previousPath?: string): ArtifactTask[] {
  const tasks = [logTask(current, pod, container, false)];
  if (previousPath && (pod.restarts[container] ?? 0) > 0) tasks.push(logTask(previousPath, pod, container, true));
  return tasks;
}

export function ztunnelTasks(pod: PodRef): ArtifactTask[] {
  const podApi = `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`;
  return [
    {
      path: ztunnel.pod(pod.name),
      target: `GET ${podApi}`,
      run: async (ctx, signal) => {
        const res = await ctx.client.get(podApi, { timeoutMs: ctx.timeoutMs, maxBytes: ctx.maxResponseBytes, signal });
        return redactedK8sJson(res.body, ctx.redact, res.status);
      },
    },
    portTask(ztunnel.configDump(pod.name), pod, PORTS.ztunnelAdmin, '/config_dump'),
    portTask(ztunnel.metrics(pod.name), pod, PORTS.ztunnelStats, '/metrics'),
    {
      path: ztunnel.ready(pod.name),
      target: `GET pod ${pod.namespace}/${pod.name} :${PORTS.ztunnelReadiness}/healthz/ready`,
      // Not ready (503) is a finding, not a failure: the status is the artifact's first line.
      run: async (ctx, signal) => {
        const res = await podGet(ctx, pod, PORTS.ztunnelReadiness, '/healthz/ready', signal);
        const text = Buffer.concat([Buffer.from(`${res.status}\n`), res.body]);
        return redactedText(text, ctx.redact, res.status);
      },
    },
    ...logTasks(pod, 'istio-proxy', ztunnel.log(pod.name), ztunnel.previousLog(pod.name)),
  ];
}

export function istiodTasks(pod: PodRef, ztunnels: readonly PodRef[]): ArtifactTask[] {
  return [
    ...ISTIOD_DEBUG_ENDPOINTS.map((name) => portTask(istiod.debug(pod.name, name), pod, PORTS.istiodMonitoring, `/debug/${name}`)),
    ...ztunnels.map((zt) => istiodConfigDumpTask(pod, zt)),
    portTask(istiod.metrics(pod.name), pod, PORTS.istiodMonitoring, '/metrics'),
    ...logTasks(pod, 'discovery', istiod.log(pod.name)),
  ];
}

/** With several istiods only the one a ztunnel is connected to answers; the others say 404. */
function istiodConfigDumpTask(pod: PodRef, zt: PodRef): ArtifactTask {
  const podPath = `/debug/config_dump?proxyID=${encodeURIComponent(`${zt.name}.${zt.namespace}`)}&types=wds,wads`;
  const inner = portTask(istiod.configDumpFor(pod.name, zt.name), pod, PORTS.istiodMonitoring, podPath);
  return {
    ...inner,
    run: async (ctx, signal) => {
      try {
        return await inner.run(ctx, signal);
      } catch (err) {
        if (err instanceof RequestFailure && err.httpStatus === 404 && !/port-forward/.test(err.message)) {
          throw new Skipped(`${zt.name} is not connected to ${pod.name}: ${err.message}`, 404);
        }
        throw err;
      }
    },
  };
}

export function cniTasks(pod: PodRef): ArtifactTask[] {
  return logTasks(pod, 'install-cni', cni.log(pod.name));
}
