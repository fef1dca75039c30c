/**
 * The `ztunnels` collection: one element per ztunnel pod, known from cluster/pods.json and/or
 * from a ztunnel/<pod>/ directory (a hand-assembled bundle may have only the latter), with its
 * health from the pod status, the readiness endpoint, its config_dump, metrics and log counts.
 */
import { ztunnel as paths } from '../bundle/paths.js';
import type { Evidence } from '../report/types.js';
import type { Pod } from '../parse/k8s.js';
import { isReady, podEvidence, type ClusterIndex } from './cluster.js';
import type { DumpInput } from './certificates.js';
import type { ZtunnelFact } from './types.js';

export interface ZtunnelInputs {
  /** Every ztunnel pod name known to the bundle, sorted. */
  names: readonly string[];
  cluster: ClusterIndex;
  /** Pod objects from ztunnel/<pod>/pod.json, for ztunnels that pods.json lacks. */
  podFiles: ReadonlyMap<string, Pod>;
  dumps: ReadonlyMap<string, DumpInput>;
  ready: ReadonlyMap<string, { status: number; ready: boolean; pending: string[] }>;
  metrics: ReadonlyMap<string, { xdsTerminationErrors: number; pendingProxies: number }>;
  logs: ReadonlyMap<string, { errors: number; warnings: number }>;
  files: ReadonlySet<string>;
}

export function buildZtunnelFacts(inputs: ZtunnelInputs): ZtunnelFact[] {
  return inputs.names.map((name) => {
    const indexed = inputs.cluster.ztunnelByName.get(name);
    const pod = indexed?.pod ?? inputs.podFiles.get(name);
    const status = pod?.status?.containerStatuses?.find((c) => c.name === 'istio-proxy') ?? pod?.status?.containerStatuses?.[0];
    const terminated = status?.lastState?.terminated;
    const dump = inputs.dumps.get(name);
    const probe = inputs.ready.get(name);
    const node = indexed?.node ?? pod?.spec?.nodeName ?? dump?.node ?? '';
    const namespace = pod?.metadata?.namespace ?? 'istio-system';
    const ready = pod ? isReady(pod) : undefined;
    const evidence: Evidence[] = [];
    if (indexed) evidence.push(podEvidence(inputs.cluster, indexed));
    else if (inputs.podFiles.has(name)) evidence.push({ file: paths.pod(name), excerpt: `pod ${namespace}/${name}` });
    if (probe) evidence.push({ file: paths.ready(name), line: 1, excerpt: `${probe.status} ${probe.ready ? 'ready' : `not ready, pending: ${probe.pending.join(', ')}`}` });
    const metricsSummary = inputs.metrics.get(name);
    if (metricsSummary && (metricsSummary.pendingProxies > 0 || metricsSummary.xdsTerminationErrors > 0)) {
      evidence.push({ file: paths.metrics(name), excerpt: `workload_manager_pending_proxy_count ${metricsSummary.pendingProxies}; istio_xds_connection_terminations_total (errors) ${metricsSummary.xdsTerminationErrors}` });
    }
    const version = dump?.dump.version?.istioVersion && dump.dump.version.istioVersion !== 'unknown' ? dump.dump.version.istioVersion : dump?.dump.version?.version;
    const metrics = inputs.metrics.get(name);
    const logs = inputs.logs.get(name);
    return {
      subject: { kind: 'Ztunnel', namespace, name, node },
      evidence,
      name,
      namespace,
      node,
      phase: pod?.status?.phase ?? '',
      ...(ready === undefined ? {} : { ready }),
      restarts: status?.restartCount ?? 0,
      ...(terminated?.reason ? { lastTerminationReason: terminated.reason } : {}),
      ...(terminated?.exitCode !== undefined ? { lastTerminationExitCode: terminated.exitCode } : {}),
      ...(probe ? { readyProbe: probe } : {}),
      ...(version ? { version } : {}),
      hasConfigDump: dump !== undefined,
      hasLog: inputs.files.has(paths.log(name)),
      hasPreviousLog: inputs.files.has(paths.previousLog(name)),
      hasMetrics: inputs.files.has(paths.metrics(name)),
      workloadCount: dump?.dump.workloads.length ?? 0,
      serviceCount: dump?.dump.services.length ?? 0,
      policyCount: dump?.dump.policies.length ?? 0,
      xdsTerminationErrors: metrics?.xdsTerminationErrors ?? 0,
      pendingProxies: metrics?.pendingProxies ?? 0,
      logErrors: logs?.errors ?? 0,
      logWarnings: logs?.warnings ?? 0,
    };
  });
}
