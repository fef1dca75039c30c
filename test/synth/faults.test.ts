/**
 * Each fault of the broken fixture is visible in the real signals a rule would read (and the
 * healthy fixture shows none of them). Checks are written against file contents, located through
 * the pod list and the bundle path builders, never against generator internals.
 */
import { describe, expect, it } from 'vitest';
import { cluster, cni, istiod, ztunnel } from '../../src/bundle/paths.js';
import { BROKEN, Bundle, HEALTHY, parseLog } from './helpers.js';

const broken = new Bundle(BROKEN);
const healthy = new Bundle(HEALTHY);
const bundles = [['healthy', healthy], ['broken', broken]] as const;

function ztunnelOn(b: Bundle, node: string): string {
  const pod = b.ztunnelsByNode().get(node);
  if (!pod) throw new Error(`no ztunnel on ${node}`);
  return pod.metadata.name as string;
}

function dumps(b: Bundle): [string, any][] {
  return [...b.ztunnelsByNode().values()]
    .map((p) => p.metadata.name as string)
    .filter((name) => b.has(ztunnel.configDump(name)))
    .map((name) => [name, b.json(ztunnel.configDump(name))]);
}

function accessLines(b: Bundle) {
  return [...b.ztunnelsByNode().values()].flatMap((p) =>
    parseLog(b.text(ztunnel.log(p.metadata.name))).filter((l) => l.target === 'access').map((l) => ({ ...l, node: p.spec.nodeName as string })));
}

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : undefined;
}

describe('a. ztunnel OOM-killed and not ready', () => {
  it('shows restarts, OOMKilled, Ready=False, a previous log and a 500 readiness on ambient-worker2', () => {
    const pod = broken.ztunnelsByNode().get('ambient-worker2');
    const status = pod.status.containerStatuses[0];
    expect(status.name).toBe('istio-proxy');
    expect(status.restartCount).toBe(3);
    expect(status.lastState.terminated.reason).toBe('OOMKilled');
    expect(pod.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('False');
    const name = pod.metadata.name;
    expect(broken.text(ztunnel.ready(name))).toBe('500\nnot ready, pending: state manager\n');
    expect(broken.has(ztunnel.previousLog(name))).toBe(true);
    expect(parseLog(broken.text(ztunnel.previousLog(name))).some((l) => l.message.startsWith('version: version.BuildInfo'))).toBe(true);
    const ds = broken.json(cluster.daemonSets).items.find((d: any) => d.metadata.name === 'ztunnel');
    expect(ds.status.numberReady).toBe(ds.status.desiredNumberScheduled - 1);
  });

  it.each(bundles)('%s: only the faulted ztunnel restarted or is unready', (name, b) => {
    for (const [node, pod] of b.ztunnelsByNode()) {
      const faulted = b === broken && node === 'ambient-worker2';
      expect(pod.status.containerStatuses[0].restartCount > 0, `${name} ${node}`).toBe(faulted);
      expect(b.text(ztunnel.ready(pod.metadata.name)) === '200\nready\n', `${name} ${node}`).toBe(!faulted);
      expect(b.has(ztunnel.previousLog(pod.metadata.name))).toBe(faulted);
    }
  });
});

describe('b. ratings pod not captured', () => {
  it('lacks the annotation, is TCP in every ztunnel and in ambientz, and istio-cni logged why', () => {
    const pod = broken.podByPrefix('ratings-v1-', 'ambient-worker2');
    expect(pod.metadata.annotations?.['ambient.istio.io/redirection']).toBeUndefined();
    const list = dumps(broken);
    expect(list.length).toBe(3);
    for (const [zt, dump] of list) {
      const w = dump.workloads.find((x: any) => x.name === pod.metadata.name);
      expect(w?.protocol, zt).toBe('TCP');
    }
    const ambient = broken.json(istiod.debug(broken.istiodPod(), 'ambientz'));
    const w = ambient.workloads.find((x: any) => x.name === pod.metadata.name);
    expect(w).toBeDefined();
    expect(w.tunnelProtocol).toBeUndefined();
    const cniPod = broken.pods().find((p) => p.metadata.labels?.app === 'istio-cni-node' && p.spec.nodeName === 'ambient-worker2');
    const lines = parseLog(broken.text(cni.log(cniPod.metadata.name)));
    expect(lines.some((l) => l.level === 'error' && l.message === 'failed to add pod to ztunnel: partial add error: no ztunnel connection')).toBe(true);
    expect(lines.some((l) => l.message.includes(`default/${pod.metadata.name} was not enrolled`))).toBe(true);
  });

  it.each(bundles)('%s: every other ambient pod is annotated and HBONE everywhere', (name, b) => {
    const ambient = b.pods().filter((p) => p.metadata.namespace === 'default');
    const uncaptured = ambient.filter((p) => p.metadata.annotations?.['ambient.istio.io/redirection'] !== 'enabled');
    expect(uncaptured.length, name).toBe(b === broken ? 1 : 0);
    for (const [, dump] of dumps(b)) {
      const tcp = dump.workloads.filter((w: any) => w.namespace === 'default' && w.protocol !== 'HBONE');
      expect(tcp.map((w: any) => w.name)).toEqual(uncaptured.map((p) => p.metadata.name));
    }
  });
});

describe('c. in-pod proxy stuck Pending', () => {
  it('is Pending in ambient-worker\'s workloadState, logged as a bind failure, counted as pending', () => {
    const zt = ztunnelOn(broken, 'ambient-worker');
    const state = broken.json(ztunnel.configDump(zt)).workloadState;
    const pending = Object.entries(state).filter(([, s]: any) => s.state === 'Pending');
    expect(pending.length).toBe(1);
    const [uid, entry] = pending[0] as [string, any];
    const pod = broken.pods().find((p) => p.metadata.uid === uid);
    expect(pod.spec.nodeName).toBe('ambient-worker');
    expect(pod.metadata.name).toBe(entry.info.name);
    const lines = parseLog(broken.text(ztunnel.log(zt)));
    expect(lines.some((l) => l.target === 'inpod::workloadmanager' && l.message.startsWith('failed to start proxy: Bind([::1]:15053,') && l.fields.uid === uid)).toBe(true);
    expect(metricValue(broken.text(ztunnel.metrics(zt)), 'workload_manager_pending_proxy_count')).toBe(1);
  });

  it('is absent from healthy', () => {
    for (const [zt, dump] of dumps(healthy)) {
      expect(Object.values(dump.workloadState).every((s: any) => s.state === 'Up'), zt).toBe(true);
      expect(healthy.text(ztunnel.log(zt))).not.toContain('failed to start proxy');
      expect(metricValue(healthy.text(ztunnel.metrics(zt)), 'workload_manager_pending_proxy_count')).toBe(0);
    }
  });
});

describe('d. certificates', () => {
  const collectedAt = (b: Bundle) => Date.parse(b.manifest().collectedAt);

  it('ambient-worker2 has an Unavailable reviews cert and an expired leaf, with fetch-failure warnings', () => {
    const zt = ztunnelOn(broken, 'ambient-worker2');
    const certs = broken.json(ztunnel.configDump(zt)).certificates;
    const reviews = certs.find((c: any) => c.identity === 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews');
    expect(reviews.state).toMatch(/^Unavailable: signing gRPC error \(The service is currently unavailable\): /);
    expect(reviews.certChain).toEqual([]);
    const expired = certs.filter((c: any) => c.certChain.length > 0 && Date.parse(c.certChain[0].expirationTime) < collectedAt(broken));
    expect(expired.map((c: any) => c.identity)).toEqual(['spiffe://cluster.local/ns/default/sa/bookinfo-details']);
    const warns = parseLog(broken.text(ztunnel.log(zt))).filter((l) => l.level === 'warn' && /^certificate fetch failed \(.*\) and no valid existing certificate; will retry in /.test(l.message));
    expect(warns.length).toBeGreaterThan(0);
  });

  it.each(bundles)('%s: every other certificate is Available and valid at collection time, with a decimal serial and base64 PEM', (name, b) => {
    for (const [zt, dump] of dumps(b)) {
      const faulted = b === broken && zt === ztunnelOn(broken, 'ambient-worker2');
      for (const c of dump.certificates) {
        if (faulted && /bookinfo-(reviews|details)$/.test(c.identity)) continue;
        expect(c.state, `${name} ${zt} ${c.identity}`).toBe('Available');
        for (const cert of [...c.certChain, ...c.rootCerts]) {
          expect(Date.parse(cert.validFrom)).toBeLessThan(collectedAt(b));
          expect(Date.parse(cert.expirationTime)).toBeGreaterThan(collectedAt(b));
          expect(cert.serialNumber).toMatch(/^\d+$/);
          expect(Buffer.from(cert.pem, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
        }
      }
    }
  });
});

describe('e. xDS NACK', () => {
  it('syncz shows sent != acked with lastError, the ztunnel lacks 2 workloads istiod has, and it logged connection errors', () => {
    const zt = ztunnelOn(broken, 'ambient-worker');
    const sync = broken.json(istiod.debug(broken.istiodPod(), 'syncz')).find((s: any) => s.proxy === `${zt}.istio-system`);
    const address = sync.resources['type.googleapis.com/istio.workload.Address'];
    expect(address.sent).not.toBe(address.acked);
    expect(address.lastError).toBeTruthy();
    const held = new Set(broken.json(ztunnel.configDump(zt)).workloads.map((w: any) => w.uid));
    const sent = broken.json(istiod.configDumpFor(broken.istiodPod(), zt)).configs
      .filter((c: any) => c.workload).map((c: any) => c.workload.uid as string);
    expect(sent.filter((uid: string) => !held.has(uid)).length).toBe(2);
    const lines = parseLog(broken.text(ztunnel.log(zt)));
    expect(lines.some((l) => l.target.startsWith('xds::client') && l.message.startsWith('XDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: ') && /retrying in \d+ms$/.test(l.message))).toBe(true);
    expect(metricValue(broken.text(ztunnel.metrics(zt)), 'istio_xds_connection_terminations_total{reason="ConnectionError"}')).toBeGreaterThan(0);
  });

  it.each(bundles)('%s: every other ztunnel is in sync with istiod', (name, b) => {
    const nacked = b === broken ? ztunnelOn(broken, 'ambient-worker') : '';
    for (const s of b.json(istiod.debug(b.istiodPod(), 'syncz'))) {
      expect(s.proxy_type).toBe('ztunnel');
      for (const r of Object.values(s.resources) as any[]) {
        if (s.proxy === `${nacked}.istio-system`) continue;
        expect(r.sent, `${name} ${s.proxy}`).toBe(r.acked);
        expect(r.lastError).toBeUndefined();
      }
    }
    for (const [zt, dump] of dumps(b)) {
      if (zt === nacked) continue;
      const sent = b.json(istiod.configDumpFor(b.istiodPod(), zt)).configs.filter((c: any) => c.workload).map((c: any) => c.workload.uid).sort();
      expect(dump.workloads.map((w: any) => w.uid).sort(), `${name} ${zt}`).toEqual(sent);
      expect(metricValue(b.text(ztunnel.metrics(zt)), 'istio_xds_connection_terminations_total{reason="ConnectionError"}')).toBeUndefined();
    }
  });
});

describe('f. traffic errors', () => {
  it('curl -> productpage times out on the curl node with a NetworkPolicy that omits 15008', () => {
    const curl = broken.podByPrefix('curl-');
    const timeouts = accessLines(broken).filter((l) => l.fields.error === 'connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed');
    expect(timeouts.length).toBeGreaterThan(0);
    for (const l of timeouts) {
      expect(l.node).toBe(curl.spec.nodeName);
      expect(l.fields.direction).toBe('outbound');
      expect(l.fields['src.workload']).toBe(curl.metadata.name);
      expect(l.fields['dst.service']).toBe('productpage.default.svc.cluster.local');
      expect(l.fields['dst.addr']).toMatch(/:15008$/);
    }
    const np = broken.json(cluster.networkPolicies).items.find((p: any) => p.spec.podSelector.matchLabels?.app === 'productpage');
    expect(np.metadata.namespace).toBe('default');
    expect(np.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([9080]);
  });

  it('has a few refused connections on another pair', () => {
    const refused = accessLines(broken).filter((l) => l.fields.error === 'io error: Connection refused (os error 111)');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((l) => !l.fields['src.workload']!.startsWith('curl-'))).toBe(true);
  });

  it('healthy has no failed connections and its NetworkPolicy allows HBONE', () => {
    const lines = accessLines(healthy);
    expect(lines.length).toBeGreaterThan(40);
    expect(lines.filter((l) => l.level !== 'info' || l.fields.error)).toEqual([]);
    const ports = healthy.json(cluster.networkPolicies).items.flatMap((p: any) => p.spec.ingress.flatMap((r: any) => r.ports.map((x: any) => x.port)));
    expect(ports).toContain(15008);
  });
});

describe('g. DENY policy', () => {
  it('is in the cluster, in every config_dump, and rejects reviews -> ratings inbound on the ratings node', () => {
    const aps = broken.json(cluster.istioResource('authorizationpolicies', 'security.istio.io')).items;
    expect(aps.map((p: any) => [`${p.metadata.namespace}/${p.metadata.name}`, p.spec.action])).toEqual([['default/deny-ratings', 'DENY']]);
    for (const [zt, dump] of dumps(broken)) {
      expect(dump.policies.map((p: any) => [`${p.namespace}/${p.name}`, p.action]), zt).toEqual([['default/deny-ratings', 'Deny']]);
    }
    const denied = accessLines(broken).filter((l) => l.fields.error === 'connection closed due to policy rejection: explicitly denied by: default/deny-ratings');
    expect(denied.length).toBeGreaterThan(0);
    for (const l of denied) {
      expect(l.fields.direction).toBe('inbound');
      expect(l.fields['src.workload']).toMatch(/^reviews-/);
      const ratings = broken.pods().find((p) => p.metadata.name === l.fields['dst.workload']);
      expect(ratings.metadata.name).toMatch(/^ratings-v1-/);
      expect(l.node).toBe(ratings.spec.nodeName);
    }
  });

  it('healthy has no policies and no rejections', () => {
    expect(healthy.json(cluster.istioResource('authorizationpolicies', 'security.istio.io')).items).toEqual([]);
    for (const [, dump] of dumps(healthy)) expect(dump.policies).toEqual([]);
  });
});

describe('h. forbidden config_dump', () => {
  it('is recorded in the manifest as a 403 error and the file is absent', () => {
    const zt = ztunnelOn(broken, 'ambient-worker3');
    const rec = broken.manifest().artifacts.find((a) => a.path === ztunnel.configDump(zt));
    expect(rec?.status).toBe('error');
    expect(rec?.httpStatus).toBe(403);
    expect(rec?.error).toBe(`pods "${zt}" is forbidden: User "jane" cannot create resource "pods/portforward" in API group "" in the namespace "istio-system"`);
    expect(broken.has(ztunnel.configDump(zt))).toBe(false);
    expect(broken.has(ztunnel.log(zt))).toBe(true);
  });

  it('healthy has every artifact', () => {
    expect(healthy.manifest().artifacts.every((a) => a.status === 'ok')).toBe(true);
    expect(dumps(healthy).length).toBe(3);
  });
});
