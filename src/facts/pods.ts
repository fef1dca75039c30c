/**
 * The `pods` collection: application pods joined with the ztunnel on their node, answering the
 * question the troubleshooting guide starts with: should this pod be in the mesh, and is it?
 * The join goes through an index of each ztunnel's workloads, not a scan per pod.
 */
import type { ZtWorkload } from '../parse/configDump.js';
import { podEvidence, type ClusterIndex, type IndexedPod } from './cluster.js';
import type { DumpInput } from './certificates.js';
import type { PodFact } from './types.js';
import { workloadNamed } from './workloadIndex.js';
import { ztunnel as ztunnelPaths } from '../bundle/paths.js';

const DATAPLANE_MODE = 'istio.io/dataplane-mode';
const REDIRECTION = 'ambient.istio.io/redirection';
const SIDECAR_STATUS = 'sidecar.istio.io/status';

/** ztunnel pod -> its workloads list, for the join by "namespace/name" (workloadIndex.ts). */
export type WorkloadIndex = ReadonlyMap<string, readonly ZtWorkload[]>;

export function indexWorkloads(dumps: readonly DumpInput[]): WorkloadIndex {
  return new Map(dumps.map((d) => [d.pod, d.dump.workloads]));
}

function expectedInMesh(p: IndexedPod, nsMode: string): boolean {
  const podMode = p.pod.metadata?.labels?.[DATAPLANE_MODE] ?? '';
  if (podMode === 'none') return false;
  if (p.pod.spec?.hostNetwork) return false;
  if (p.pod.metadata?.annotations?.[SIDECAR_STATUS]) return false; // a sidecar takes precedence
  const phase = p.pod.status?.phase ?? '';
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return podMode === 'ambient' || nsMode === 'ambient';
}

export function buildPodFacts(cluster: ClusterIndex, workloads: WorkloadIndex, dumps: readonly DumpInput[], accessByPod: ReadonlyMap<string, number>, hasLog: (ztunnel: string) => boolean): PodFact[] {
  const dumpByPod = new Map(dumps.map((d) => [d.pod, d]));
  return cluster.byRole.app.map((p) => {
    const nsMode = cluster.namespaceLabels.get(p.namespace)?.[DATAPLANE_MODE] ?? '';
    const ztunnel = cluster.ztunnelOnNode.get(p.node) ?? '';
    const list = workloads.get(ztunnel);
    const tracked = list ? workloadNamed(list, `${p.namespace}/${p.name}`) : undefined;
    const evidence = [podEvidence(cluster, p)];
    const dump = dumpByPod.get(ztunnel);
    if (tracked && dump) {
      const line = dump.locator.line(tracked.pointer);
      evidence.push({ file: ztunnelPaths.configDump(ztunnel), pointer: tracked.pointer, ...(line ? { line } : {}), excerpt: `workload ${p.namespace}/${p.name} protocol ${tracked.protocol}` });
    }
    return {
      subject: { kind: 'Pod', namespace: p.namespace, name: p.name, node: p.node },
      evidence,
      name: p.name,
      namespace: p.namespace,
      uid: p.pod.metadata?.uid ?? '',
      node: p.node,
      phase: p.pod.status?.phase ?? '',
      ip: p.pod.status?.podIP ?? '',
      hostNetwork: p.pod.spec?.hostNetwork === true,
      namespaceDataplaneMode: nsMode,
      podDataplaneMode: p.pod.metadata?.labels?.[DATAPLANE_MODE] ?? '',
      redirection: p.pod.metadata?.annotations?.[REDIRECTION] ?? '',
      hasSidecar: Boolean(p.pod.metadata?.annotations?.[SIDECAR_STATUS]) || (p.pod.spec?.containers ?? []).some((c) => c.name === 'istio-proxy'),
      expectedInMesh: expectedInMesh(p, nsMode),
      ztunnel,
      ztunnelDumpPresent: dump !== undefined,
      trackedByZtunnel: tracked !== undefined,
      ztunnelProtocol: tracked?.protocol ?? '',
      accessLogLines: accessByPod.get(`${p.namespace}/${p.name}`) ?? 0,
      ztunnelLogPresent: ztunnel !== '' && hasLog(ztunnel),
    };
  });
}
