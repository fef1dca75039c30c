/**
 * Generates a whole bundle directory from a ClusterSpec: builds the model and the traffic once,
 * then writes the cluster/ lists, every ztunnel's files, istiod's debug views, config dumps, log
 * and metrics, each istio-cni log, and manifest.json last. Deterministic: the same spec always
 * produces byte-identical files.
 */
import { cni, istiod as istiodPaths, ztunnel as ztunnelPaths } from '../bundle/paths.js';
import type { Manifest } from '../bundle/manifest.js';
import { rootCert } from './certs.js';
import { cniLog } from './cni-logs.js';
import { adsz, ambientz, connections, discoveryLog, istiodConfigDumpFor, istiodMetrics, pushStatus, registryz, syncz } from './istiod.js';
import { kubectlJson } from './json.js';
import { clusterFiles, podObject } from './kube.js';
import { buildModel, ISTIO_NS } from './model.js';
import type { ClusterSpec } from './spec.js';
import { buildTraffic } from './traffic.js';
import { BundleWriter } from './writer.js';
import { sharedZtunnelState, ztunnelConfigDump } from './ztunnel-config.js';
import { accessLinesByNode, ztunnelLogs } from './ztunnel-logs.js';
import { trafficByNode, ztunnelMetrics } from './ztunnel-metrics.js';

export interface GenerateResult {
  manifest: Manifest;
  files: number;
}

export async function generateBundle(spec: ClusterSpec, outDir: string): Promise<GenerateResult> {
  const model = buildModel(spec);
  const traffic = buildTraffic(model);
  const access = accessLinesByNode(traffic);
  const nodeTraffic = trafficByNode(traffic);
  const shared = sharedZtunnelState(model, rootCert(model));
  const writer = new BundleWriter(outDir, spec.collectedAt, model.rng.fork('collect-timing'));

  for (const f of clusterFiles(model)) await writer.write(f.path, f.target, f.text);

  const forbidden = spec.faults.configDumpForbidden;
  for (const node of model.nodes) {
    const pod = node.ztunnel.name;
    const ref = `pod ${ISTIO_NS}/${pod}`;
    await writer.write(ztunnelPaths.pod(pod), `GET /api/v1/namespaces/${ISTIO_NS}/pods/${pod}`, kubectlJson(podObject(model, node.ztunnel)));
    if (forbidden?.node === node.name) {
      writer.recordError(
        ztunnelPaths.configDump(pod), `GET ${ref} :15000/config_dump`,
        `pods "${pod}" is forbidden: User "${forbidden.user}" cannot create resource "pods/portforward" in API group "" in the namespace "${ISTIO_NS}"`,
        403,
      );
    } else {
      await writer.write(ztunnelPaths.configDump(pod), `GET ${ref} :15000/config_dump`, ztunnelConfigDump(model, node, shared));
    }
    await writer.write(ztunnelPaths.metrics(pod), `GET ${ref} :15020/metrics`, ztunnelMetrics(model, node, nodeTraffic.get(node.name) ?? []));
    const ready = node.ztunnel.ready ? '200\nready\n' : '500\nnot ready, pending: state manager\n';
    await writer.write(ztunnelPaths.ready(pod), `GET ${ref} :15021/healthz/ready`, ready);
    const logs = ztunnelLogs(model, node, access.get(node.name) ?? [], shared.gitRevision);
    await writer.write(ztunnelPaths.log(pod), `logs ${ref} -c istio-proxy`, logs.current);
    if (logs.previous !== undefined) await writer.write(ztunnelPaths.previousLog(pod), `logs ${ref} -c istio-proxy --previous`, logs.previous);
  }

  const istiod = model.istiod.name;
  const iref = `pod ${ISTIO_NS}/${istiod}`;
  const views: [string, string][] = [
    ['syncz', syncz(model)], ['adsz', adsz(model)], ['ambientz', ambientz(model)],
    ['registryz', registryz(model)], ['push_status', pushStatus(model)], ['connections', connections(model)],
  ];
  for (const [name, text] of views) await writer.write(istiodPaths.debug(istiod, name), `GET ${iref} :15014/debug/${name}`, text);
  // istiod sends every ztunnel the same state, so its per-proxy dump is serialized once.
  const istiodDump = istiodConfigDumpFor(model);
  for (const node of model.nodes) {
    const proxy = `${node.ztunnel.name}.${ISTIO_NS}`;
    await writer.write(istiodPaths.configDumpFor(istiod, node.ztunnel.name), `GET ${iref} :15014/debug/config_dump?proxyID=${proxy}&types=wds,wads`, istiodDump);
  }
  await writer.write(istiodPaths.metrics(istiod), `GET ${iref} :15014/metrics`, istiodMetrics(model));
  await writer.write(istiodPaths.log(istiod), `logs ${iref} -c discovery`, discoveryLog(model));

  for (const node of model.nodes) {
    await writer.write(cni.log(node.cni.name), `logs pod ${ISTIO_NS}/${node.cni.name} -c install-cni`, cniLog(model, node));
  }

  const manifest = await writer.writeManifest({
    schemaVersion: '1',
    tool: { name: 'ztunnel-bundle', version: spec.toolVersion },
    collectedAt: spec.collectedAt,
    cluster: { context: 'kind-ambient', kubernetesVersion: spec.kubernetesVersion },
    options: { istioNamespace: ISTIO_NS, synthetic: true },
  });
  return { manifest, files: manifest.artifacts.filter((a) => a.status === 'ok').length + 1 };
}
