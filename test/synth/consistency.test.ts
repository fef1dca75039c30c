/**
 * Cross-artifact consistency of the healthy fixture: what the pod list says, what each ztunnel
 * holds and what istiod sends agree, identities match node placement, and access logs, metrics
 * and services line up.
 */
import { describe, expect, it } from 'vitest';
import { cluster, istiod, ztunnel } from '../../src/bundle/paths.js';
import { healthyPreset } from '../../src/synth/presets.js';
import { Bundle, HEALTHY, parseLog } from './helpers.js';

const b = new Bundle(HEALTHY);
const pods = b.pods();
const zts = [...b.ztunnelsByNode().values()].map((p) => ({ name: p.metadata.name as string, node: p.spec.nodeName as string }));
const ambientPods = pods.filter((p) => p.metadata.namespace === 'default');

describe('healthy fixture consistency', () => {
  it('has the three kind nodes, each with one ztunnel and one istio-cni pod', () => {
    const nodes = b.json(cluster.nodes).items.map((n: any) => n.metadata.name);
    expect(nodes).toEqual(['ambient-control-plane', 'ambient-worker', 'ambient-worker2']);
    expect(zts.map((z) => z.node).sort()).toEqual(nodes);
    const ns = b.json(cluster.namespaces).items.find((n: any) => n.metadata.name === 'default');
    expect(ns.metadata.labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(b.json(cluster.namespaces).items.some((n: any) => !n.metadata.labels['istio.io/dataplane-mode'] && n.metadata.name === 'legacy')).toBe(true);
  });

  it('every ztunnel lists exactly the non-host-network pods of the cluster, by name and IP', () => {
    const expected = pods.filter((p) => !p.spec.hostNetwork).map((p) => `${p.metadata.namespace}/${p.metadata.name}=${p.status.podIP}`).sort();
    for (const z of zts) {
      const dump = b.json(ztunnel.configDump(z.name));
      const got = dump.workloads.map((w: any) => `${w.namespace}/${w.name}=${w.workloadIps.join(',')}`).sort();
      expect(got, z.name).toEqual(expected);
      for (const p of ambientPods) {
        const w = dump.workloads.find((x: any) => x.name === p.metadata.name);
        expect(w.protocol).toBe('HBONE');
        expect(w.node).toBe(p.spec.nodeName);
        expect(p.metadata.annotations['ambient.istio.io/redirection']).toBe('enabled');
      }
    }
  });

  it('each ztunnel runs in-pod proxies for exactly the ambient pods on its node, keyed by pod uid', () => {
    for (const z of zts) {
      const state = b.json(ztunnel.configDump(z.name)).workloadState;
      const local = ambientPods.filter((p) => p.spec.nodeName === z.node);
      expect(Object.keys(state).sort(), z.name).toEqual(local.map((p) => p.metadata.uid).sort());
      for (const p of local) expect(state[p.metadata.uid].info.name).toBe(p.metadata.name);
    }
  });

  it('each ztunnel holds certificates for the service accounts of its node\'s ambient pods, sharing one root', () => {
    const roots = new Set<string>();
    for (const z of zts) {
      const certs = b.json(ztunnel.configDump(z.name)).certificates;
      const expected = [...new Set(ambientPods.filter((p) => p.spec.nodeName === z.node).map((p) => `spiffe://cluster.local/ns/default/sa/${p.spec.serviceAccountName}`))].sort();
      expect(certs.map((c: any) => c.identity), z.name).toEqual(expected);
      for (const c of certs) roots.add(c.rootCerts[0].serialNumber);
    }
    expect(roots.size).toBe(1);
  });

  it('istiod\'s config_dump for each ztunnel has the same workloads, with raw-byte base64 addresses', () => {
    const pod = b.istiodPod();
    for (const z of zts) {
      const configs = b.json(istiod.configDumpFor(pod, z.name)).configs;
      const dump = b.json(ztunnel.configDump(z.name));
      for (const w of dump.workloads) {
        const sent = configs.find((c: any) => c.workload?.uid === w.uid)?.workload;
        expect(sent, w.uid).toBeDefined();
        expect([...Buffer.from(sent.addresses[0], 'base64')].join('.')).toBe(w.workloadIps[0]);
        expect(sent.tunnelProtocol === 'HBONE').toBe(w.protocol === 'HBONE');
      }
    }
    const ambient = b.json(istiod.debug(pod, 'ambientz'));
    const ips = ambient.workloads.map((w: any) => Buffer.from(w.addresses[0], 'base64').toString()).sort();
    expect(ips).toEqual(pods.filter((p) => !p.spec.hostNetwork).map((p) => p.status.podIP).sort());
  });

  it('service endpoints in ztunnel match the EndpointSlices', () => {
    const slices = b.json(cluster.endpointSlices).items;
    const dump = b.json(ztunnel.configDump(zts[0]!.name));
    for (const s of dump.services) {
      const slice = slices.find((x: any) => x.metadata.labels['kubernetes.io/service-name'] === s.name && x.metadata.namespace === s.namespace);
      const sliceNames = slice.endpoints.map((e: any) => `Kubernetes//Pod/${s.namespace}/${e.targetRef.name}`).sort();
      expect(Object.keys(s.endpoints).sort(), s.hostname).toEqual(sliceNames);
    }
  });

  it('every connection appears outbound on the client node and inbound on the server node, and metrics count them', () => {
    const byZt = new Map(zts.map((z) => [z.node, parseLog(b.text(ztunnel.log(z.name))).filter((l) => l.target === 'access')]));
    const podNode = new Map(pods.map((p) => [p.metadata.name, p.spec.nodeName]));
    let outbound = 0;
    for (const [node, lines] of byZt) {
      for (const l of lines.filter((x) => x.fields.direction === 'outbound')) {
        outbound++;
        expect(podNode.get(l.fields['src.workload']!)).toBe(node);
        expect(l.fields['dst.addr']).toBe(`${l.fields['dst.hbone_addr']!.split(':')[0]}:15008`);
        const server = byZt.get(podNode.get(l.fields['dst.workload']!)!)!;
        const match = server.find((x) => x.fields.direction === 'inbound' && x.fields['src.addr'] === l.fields['src.addr']);
        expect(match, l.fields['src.addr']).toBeDefined();
        expect(match!.fields.bytes_sent).toBe(l.fields.bytes_recv);
      }
      const metrics = b.text(ztunnel.metrics(zts.find((z) => z.node === node)!.name));
      const opened = metrics.split('\n').filter((m) => m.startsWith('istio_tcp_connections_opened_total{'))
        .reduce((sum, m) => sum + Number(m.split(' ').pop()), 0);
      expect(opened, node).toBe(lines.length);
      expect(metrics.endsWith('# EOF\n')).toBe(true);
    }
    // Every flow of the spec is served (nothing is faulted in healthy), one outbound line per connection.
    expect(outbound).toBe(healthyPreset().flows.reduce((n, f) => n + f.connections, 0));
  });

  it('writes config_dump keys sorted at every level and Kubernetes lists as kubectl prints them', () => {
    const unsorted: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
      else if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        if (keys.join('\n') !== [...keys].sort().join('\n')) unsorted.push(at);
        for (const k of keys) walk((v as Record<string, unknown>)[k], `${at}/${k}`);
      }
    };
    for (const z of zts) walk(b.json(ztunnel.configDump(z.name)), z.name);
    walk(b.json(cluster.pods), 'pods');
    expect(unsorted).toEqual([]);
    const podsText = b.text(cluster.pods);
    expect(podsText.startsWith('{\n    "apiVersion": "v1",\n    "items": [')).toBe(true);
    expect(b.json(cluster.pods).kind).toBe('PodList');
  });

  it('round-robins productpage -> reviews across v1, v2 and v3', () => {
    const lines = zts.flatMap((z) => parseLog(b.text(ztunnel.log(z.name))))
      .filter((l) => l.fields.direction === 'outbound' && l.fields['dst.service'] === 'reviews.default.svc.cluster.local' && l.fields['src.workload']!.startsWith('productpage-'));
    const versions = new Set(lines.map((l) => l.fields['dst.workload']!.split('-').slice(0, 2).join('-')));
    expect([...versions].sort()).toEqual(['reviews-v1', 'reviews-v2', 'reviews-v3']);
  });
});
