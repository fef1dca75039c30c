/**
 * Kubernetes lists as `kubectl get -o json` and the API write them (PodList, kubectl's generic
 * List, DaemonSetList), a single object where a list was expected, wrong kinds and damaged items.
 */
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { conditionStatus, parseK8sList, type DaemonSet, type IstioResource, type Pod } from '../../src/parse/k8s.js';

const pod = (name: string, extra: Partial<Pod> = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: name }, annotations: { 'ambient.istio.io/redirection': 'enabled' } },
  spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'curlimages/curl:8.10.1' }] },
  status: {
    phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', ready: true, restartCount: 2, image: 'curlimages/curl:8.10.1', lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }],
  },
  ...extra,
});

describe('parseK8sList', () => {
  it('keeps PodList items whole, with pointers', () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '123' }, items: [pod('sleep'), pod('httpbin')] });
    const list = parseK8sList<Pod>(text, 'cluster/pods.json', 'PodList');
    expect(list).toMatchObject({ kind: 'PodList', apiVersion: 'v1', warnings: [], pointers: ['/items/0', '/items/1'] });
    expect(list.items[1]).toEqual(pod('httpbin'));
    expect(list.items[0]!.status!.containerStatuses![0]!.lastState!.terminated!.reason).toBe('OOMKilled');
    expect(conditionStatus(list.items[0]!, 'Ready')).toBe('True');
    expect(conditionStatus(list.items[0]!, 'PodScheduled')).toBeUndefined();
  });

  it("accepts kubectl's generic List for any expected kind", () => {
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ztunnel', namespace: 'istio-system' }, status: { desiredNumberScheduled: 3, numberReady: 2, numberAvailable: 2 } }] });
    const list = parseK8sList<DaemonSet>(text, 'cluster/daemonsets.json', 'DaemonSetList');
    expect(list.warnings).toEqual([]);
    expect(list.items[0]!.status).toEqual({ desiredNumberScheduled: 3, numberReady: 2, numberAvailable: 2 });
  });

  it('warns about a wrong kind and reads a single object as a list of one', () => {
    expect(parseK8sList(JSON.stringify({ kind: 'NodeList', items: [] }), 'cluster/pods.json', 'PodList').warnings).toEqual(['/kind: expected PodList, found NodeList']);
    const gw: IstioResource = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'waypoint', namespace: 'prod' }, status: { conditions: [{ type: 'Programmed', status: 'False', reason: 'Pending' }] } };
    const single = parseK8sList<IstioResource>(JSON.stringify(gw), 'cluster/istio/gateways.gateway.networking.k8s.io.json', 'GatewayList');
    expect(single.items).toEqual([gw]);
    expect(single.pointers).toEqual(['']);
    expect(single.warnings).toEqual(['/: expected a list, found a single Gateway; read as a list of one']);
    expect(conditionStatus(single.items[0]!, 'Programmed')).toBe('False');
  });

  it('drops damaged items with a warning and keeps pointers aligned', () => {
    const text = JSON.stringify({ kind: 'PodList', items: [pod('a'), 'junk', { metadata: 'x' }, pod('b')] });
    const list = parseK8sList<Pod>(text, 'cluster/pods.json');
    expect(list.items.map((p) => p.metadata!.name)).toEqual(['a', 'b']);
    expect(list.pointers).toEqual(['/items/0', '/items/3']);
    expect(list.warnings).toEqual(['/items/1: expected an object', '/items/2/metadata: expected an object; item skipped']);
  });

  it('drops wrong-typed spec fields of Istio resources that the fact builders read (found by fuzzing)', () => {
    const policy = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny-ratings', namespace: 'default' },
      spec: { action: 'DENY', rules: '::1', selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 7 }, targetRefs: [{ kind: 'Service', name: 'ratings' }] },
    };
    const list = parseK8sList<IstioResource>(JSON.stringify({ kind: 'AuthorizationPolicyList', items: [policy, { ...policy, spec: { rules: [{ to: 'x', when: [{ key: 3 }, { key: 'request.headers[x]' }] }] } }] }), 'cluster/istio/authorizationpolicies.security.istio.io.json');
    expect(list.items[0]!.spec).toEqual({ action: 'DENY', selector: { matchLabels: { app: 'ratings' } }, mtls: {}, targetRefs: [{ kind: 'Service', name: 'ratings' }] });
    expect(list.items[1]!.spec).toEqual({ rules: [{ when: [{}, { key: 'request.headers[x]' }] }] });
    expect(list.warnings).toEqual([
      '/items/0/spec/rules: expected an array, found a string; ignored',
      '/items/0/spec/mtls/mode: expected a string, found a number; ignored',
      '/items/1/spec/rules/0/to: expected an array, found a string; ignored',
      '/items/1/spec/rules/0/when/0/key: expected a string, found a number; ignored',
    ]);
  });

  it.each([
    ['[]', 'expected a Kubernetes list (a JSON object with items)'],
    ['{"kind": "PodList", "items": {"a": 1}}', '"items" should be an array'],
    ['{"kind": "PodList", "items": [', 'invalid JSON at line 1 column 31: unexpected end of input (truncated file?)'],
  ])('refuses %j with a BundleError naming the file', (text, problem) => {
    expect(() => parseK8sList(text, 'cluster/pods.json')).toThrow(new BundleError('cluster/pods.json', problem));
  });
});
