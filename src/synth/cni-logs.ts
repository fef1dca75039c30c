/**
 * install-cni.log of each istio-cni-node pod, in istio's zap console format
 * (`<µs UTC>\t<level>\t<scope>\t<message>\t<k=v fields>`): agent startup, the ztunnel connection,
 * and one line per pod it enrolled. A pod it could not enrol (ztunnel down on its node) gets the
 * `failed to add pod to ztunnel: partial add error: no ztunnel connection` lines instead.
 */
import type { ClusterModel, NodeModel } from './model.js';
import { microTimestamp, toMillis } from './time.js';

export function cniLog(model: ClusterModel, node: NodeModel): string {
  const rng = model.rng.fork(`cni/${node.name}`);
  const lines: [number, string][] = [];
  const at = (ms: number, text: string) => lines.push([ms * 1000 + rng.int(0, 999), text]);
  const start = toMillis(node.cni.startedAt) + rng.int(0, 999);
  const v = model.spec.istioVersion;
  at(start, `info\tcni\tinstall-cni version: ${v}`);
  at(start + 4, 'info\tcni\tambient enabled: true');
  at(start + 31, 'info\tcni-agent\tinitializing ambient node agent');
  at(start + 55, 'info\tcni-agent\tstarting ztunnel server\tpath="/var/run/ztunnel/ztunnel.sock"');
  at(start + 212, 'info\tinstall\tcopied istio-cni to /host/opt/cni/bin');
  at(start + 260, 'info\tinstall\twrote kubeconfig file /host/etc/cni/net.d/istio-cni-kubeconfig');
  at(start + 301, 'info\tinstall\tcreated CNI config /host/etc/cni/net.d/10-kindnet.conflist');
  const zt = node.ztunnel;
  const ztConnectedMs = (iso: string) => toMillis(iso) + 900;
  at(ztConnectedMs(zt.createdAt), `info\tcni-agent\tztunnel connected\tpeer="ztunnel" uuid="${rng.uuid()}"`);
  const notCaptured = model.spec.faults.podNotCaptured ? model.pod(model.spec.faults.podNotCaptured) : undefined;
  for (const p of model.podsByNode.get(node.name) ?? []) {
    if (p === notCaptured) {
      const t = toMillis(p.createdAt) + 2_100;
      // The pod was created while this node's ztunnel was down (OOM-killed), so enrolment failed.
      at(t - 1_500, 'info\tcni-agent\tztunnel disconnected\tpeer="ztunnel"');
      at(t + 25_000, `info\tcni-agent\tztunnel connected\tpeer="ztunnel" uuid="${rng.uuid()}"`);
      at(t, 'error\tcni-agent\tfailed to add pod to ztunnel: partial add error: no ztunnel connection');
      at(t + 19, `error\tcni-agent\tpod: ${p.namespace}/${p.name} was not enrolled and is unhealthy: partial add error: no ztunnel connection`);
      at(t + 21, `error\tcni-plugin\tistio-cni cmdAdd failed to signal node Istio CNI agent: unable to push CNI event (status code 500): partial add error: no ztunnel connection\tpod=${p.namespace}/${p.name}`);
    } else if (p.captured) {
      at(toMillis(p.createdAt) + 2_050, `info\tcni-agent\tpod added to ztunnel\tpod=${p.namespace}/${p.name} uid="${p.uid}"`);
    }
  }
  if (zt.lastTermination) {
    at(toMillis(zt.lastTermination.finishedAt), 'info\tcni-agent\tztunnel disconnected\tpeer="ztunnel"');
    at(toMillis(zt.startedAt) + 900, `info\tcni-agent\tztunnel connected\tpeer="ztunnel" uuid="${rng.uuid()}"`);
  }
  return lines.sort((a, b) => a[0] - b[0]).map(([us, text]) => `${microTimestamp(us)}\t${text}\n`).join('');
}
