/**
 * Turns the spec's flows into individual connections with an outcome, once for the whole cluster.
 * Access logs (both directions) and istio_tcp_* metrics are both derived from this list, so the
 * counters always agree with the log lines. Faults decide outcomes: NetworkPolicy timeouts,
 * refused connections to a pod whose in-pod proxy is Pending, DENY policy rejections, plaintext to
 * pods ztunnel does not capture. Connections touching a node whose ztunnel is not serving are
 * left out (that ztunnel logs nothing for them, and the synthetic clients are assumed to back off).
 */
import type { ClusterModel, PodModel, ServiceModel } from './model.js';
import { toMillis } from './time.js';

export type Outcome = 'ok' | 'plaintext' | 'timeout' | 'refused' | 'denied';

export interface Connection {
  /** Microseconds since the epoch when the client's ztunnel logged it. */
  atMicros: number;
  src: PodModel;
  srcPort: number;
  dst: PodModel;
  service: ServiceModel;
  servicePort: number;
  targetPort: number;
  /** Bytes as the client side logs them (the server side logs them swapped). */
  bytesSent: number;
  bytesRecv: number;
  durationMs: number;
  outcome: Outcome;
  /** `ns/name` of the policy that denied it (outcome denied). */
  deniedBy?: string;
}

export function buildTraffic(model: ClusterModel): Connection[] {
  const { spec } = model;
  const rng = model.rng.fork('traffic');
  const faults = spec.faults;
  const notServing = new Set<string>();
  if (faults.ztunnelOomKilled) notServing.add(faults.ztunnelOomKilled.node);
  const pending = faults.proxyPending ? model.pod(faults.proxyPending) : undefined;
  const refusedBy = faults.connectionRefused ? model.pod(faults.connectionRefused.refusedBy) : undefined;
  const podsOf = (deployment: string): PodModel[] => model.deploymentPods.get(deployment) ?? [];
  const serviceOf = (name: string, namespace: string): ServiceModel => {
    const s = model.serviceByName.get(`${namespace}/${name}`);
    if (!s) throw new Error(`flow refers to unknown service ${namespace}/${name}`);
    return s;
  };

  const end = toMillis(spec.collectedAt) - 20_000;
  const windowMs = spec.trafficWindowMinutes * 60_000;
  const out: Connection[] = [];
  spec.flows.forEach((flow, flowIndex) => {
    const service = serviceOf(flow.to, flow.namespace);
    const port = service.ports.find((p) => p.port === flow.port) ?? service.ports[0]!;
    const usable = (p: PodModel) => !notServing.has(p.node);
    const clients = podsOf(flow.from).filter((p) => usable(p) && p !== pending);
    const endpoints = service.endpoints.filter(usable);
    if (clients.length === 0 || endpoints.length === 0) return;
    // Flows are spread over the window and interleaved; each flow starts at its own offset.
    const step = Math.floor(windowMs / (flow.connections + 1));
    for (let i = 0; i < flow.connections; i++) {
      const src = clients[i % clients.length]!;
      const dst = endpoints[i % endpoints.length]!;
      const atMs = end - windowMs + step * (i + 1) + flowIndex * 1_713 + rng.int(0, 900);
      let outcome: Outcome = 'ok';
      if (!dst.captured) outcome = 'plaintext';
      else if (faults.networkPolicyBlocksHbone && flow.from === faults.networkPolicyBlocksHbone.from && flow.to === faults.networkPolicyBlocksHbone.to) outcome = 'timeout';
      else if (dst === pending || (faults.connectionRefused && flow.from === faults.connectionRefused.from && flow.to === faults.connectionRefused.to && dst === refusedBy)) outcome = 'refused';
      else if (faults.denyPolicy && flow.from === faults.denyPolicy.from && flow.to === faults.denyPolicy.to) outcome = 'denied';
      const success = outcome === 'ok' || outcome === 'plaintext';
      const request = 80 + rng.int(0, 12);
      out.push({
        atMicros: atMs * 1000 + rng.int(0, 999),
        src, srcPort: rng.int(32768, 60999), dst, service, servicePort: port.port, targetPort: port.targetPort,
        bytesSent: success ? request : 0,
        bytesRecv: success ? 160 + rng.int(0, 5000) : 0,
        durationMs: outcome === 'timeout' ? 10_000 + rng.int(1, 9) : success ? rng.int(1, 12) : 0,
        outcome,
        ...(outcome === 'denied' ? { deniedBy: `${service.namespace}/${faults.denyPolicy!.name}` } : {}),
      });
    }
  });
  return out.sort((a, b) => a.atMicros - b.atMicros);
}
