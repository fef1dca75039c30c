/**
 * Pod discovery from a pod list: which pods are ztunnels, istiods and istio-cni agents, --focus
 * resolved to nodes, revisions, and malformed items ignored rather than thrown on.
 */
import { describe, expect, it } from 'vitest';
import { discoverPods, onNodes, podRefs, resolveFocus, revisionsOf } from '../../src/collect/pods.js';
import { PODS } from './fixture.js';

const list = { kind: 'PodList', apiVersion: 'v1', items: PODS };

describe('pod discovery', () => {
  it('finds ztunnels, istiods and cni agents with their nodes and restarts', () => {
    const pods = discoverPods(podRefs(list), 'istio-system');
    expect(pods.ztunnels.map((p) => `${p.name}@${p.nodeName}`)).toEqual(['ztunnel-aaaaa@node-1', 'ztunnel-bbbbb@node-2']);
    expect(pods.ztunnels[0]?.restarts).toEqual({ 'istio-proxy': 1 });
    expect(pods.istiods.map((p) => p.name)).toEqual(['istiod-7d9f8-xk2lp']);
    expect(pods.cniNodes.map((p) => p.name)).toEqual(['istio-cni-node-q8w4r', 'istio-cni-node-z9y8x']);
  });

  it('ignores app=ztunnel pods outside the Istio namespace and kube-system', () => {
    const fake = { items: [{ metadata: { name: 'ztunnel-lookalike', namespace: 'default', labels: { app: 'ztunnel' } }, spec: { nodeName: 'n' } }] };
    expect(discoverPods(podRefs(fake), 'istio-system').ztunnels).toEqual([]);
    const ks = { items: [{ metadata: { name: 'ztunnel-k', namespace: 'kube-system', labels: { app: 'ztunnel' } } }] };
    expect(discoverPods(podRefs(ks), 'istio-system').ztunnels.map((p) => p.name)).toEqual(['ztunnel-k']);
  });

  it('skips malformed items and non-lists', () => {
    expect(podRefs({ items: [null, 3, { metadata: { name: 5 } }, { metadata: { name: 'ok', namespace: 'x', labels: { a: 1 } } }] })).toEqual([
      { namespace: 'x', name: 'ok', labels: {}, restarts: {} },
    ]);
    expect(podRefs('nope')).toEqual([]);
    expect(podRefs({ items: 'nope' })).toEqual([]);
  });

  it('resolves --focus to the nodes of the named pods and keeps only pods there', () => {
    const all = podRefs(list);
    const focus = resolveFocus(['bookinfo/productpage-v1-5c8f', 'bookinfo/missing'], all);
    expect([...(focus.nodes ?? [])]).toEqual(['node-2']);
    expect(focus.namespaces).toEqual(['bookinfo']);
    expect(focus.unresolved).toEqual(['bookinfo/missing']);
    const pods = discoverPods(all, 'istio-system');
    expect(onNodes(pods.ztunnels, focus.nodes).map((p) => p.name)).toEqual(['ztunnel-bbbbb']);
    expect(onNodes(pods.ztunnels, resolveFocus([], all).nodes)).toHaveLength(2);
  });

  it('names revisions from istiod pods, leaving out default', () => {
    const istiods = podRefs({ items: [
      { metadata: { name: 'a', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': '1-28' } } },
      { metadata: { name: 'b', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': 'default' } } },
    ] });
    expect(revisionsOf(istiods)).toEqual(['1-28']);
  });
});
