/**
 * redactK8sObject on realistic objects: Secrets lose their data, secret env values and secret
 * config map keys are replaced, token formats are found anywhere, and ordinary objects come back
 * deep-equal (and the input is never mutated).
 */
import { describe, expect, it } from 'vitest';
import { redactK8sObject } from '../../src/redact/index.js';
import { clientKeyData, ecKey, githubToken, jwt, pemBody, rsaKey } from './seeded.js';

const ztunnelPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'ztunnel-6hvcw',
    namespace: 'istio-system',
    uid: '54ce2023-7c77-4bb8-b6c3-eccf619cd6f2',
    resourceVersion: '918273',
    annotations: { 'prometheus.io/port': '15020', 'sidecar.istio.io/inject': 'false' },
    labels: { app: 'ztunnel', 'controller-revision-hash': '6d9f7c8b5', 'sidecar.istio.io/inject': 'false' },
  },
  spec: {
    serviceAccountName: 'ztunnel',
    nodeName: 'kind-worker',
    containers: [
      {
        name: 'istio-proxy',
        image: 'docker.io/istio/ztunnel:1.28.0@sha256:0d5f5e8c3b2a1f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e',
        args: ['proxy', 'ztunnel'],
        env: [
          { name: 'CA_ADDRESS', value: 'istiod.istio-system.svc:15012' },
          { name: 'XDS_ADDRESS', value: 'istiod.istio-system.svc:15012' },
          { name: 'RUST_LOG', value: 'info' },
          { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
          { name: 'SECRET_TTL', value: '24h' },
          { name: 'TOKEN_AUDIENCE', value: 'istio-ca' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        volumeMounts: [{ name: 'istio-token', mountPath: '/var/run/secrets/tokens' }],
      },
    ],
    volumes: [
      {
        name: 'istio-token',
        projected: { sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] },
      },
      { name: 'cacert', configMap: { name: 'istio-ca-root-cert' } },
    ],
  },
  status: { phase: 'Running', podIP: '10.244.1.5', containerStatuses: [{ name: 'istio-proxy', ready: true, restartCount: 0 }] },
};

describe('redactK8sObject', () => {
  it('returns a healthy ztunnel pod unchanged', () => {
    const { value, counts } = redactK8sObject(ztunnelPod);
    expect(value).toEqual(ztunnelPod);
    expect(counts).toEqual({});
  });

  it('removes Secret data, stringData and the last-applied copy of them', () => {
    const secret = {
      kind: 'Secret',
      metadata: {
        name: 'db',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}', team: 'payments' },
      },
      type: 'Opaque',
      data: { password: 'aHVudGVyMg==', user: 'YXBw' },
      stringData: { extra: 'plain' },
    };
    const { value, counts } = redactK8sObject(secret);
    expect(value).toEqual({ kind: 'Secret', metadata: { name: 'db', annotations: { team: 'payments' } }, type: 'Opaque' });
    expect(counts).toEqual({ 'secret-data': 4 });
  });

  it('treats the items of a SecretList (which carry no kind) as Secrets', () => {
    const list = { kind: 'SecretList', items: [{ metadata: { name: 'a' }, data: { k: 'dg==' } }] };
    expect(redactK8sObject(list).value).toEqual({ kind: 'SecretList', items: [{ metadata: { name: 'a' } }] });
    const bare = { metadata: { name: 'b' }, data: { k: 'dg==' } };
    expect(redactK8sObject(bare, 'Secret').value).toEqual({ metadata: { name: 'b' } });
  });

  it('replaces env values by secret-looking name or secret-looking value', () => {
    const pod = structuredClone(ztunnelPod);
    pod.spec.containers[0]!.env.push(
      { name: 'DB_PASSWORD', value: 'hunter2hunter2' },
      { name: 'upstreamApiKey', value: 'k-9f8e7d6c' },
      { name: 'SOME_SETTING', value: `Bearer ${jwt}` },
      { name: 'FEATURE_ENABLED', value: 'true' },
    );
    const { value, counts } = redactK8sObject(pod);
    const env = (value as typeof pod).spec.containers[0]!.env;
    expect(env.slice(-4)).toEqual([
      { name: 'DB_PASSWORD', value: '[REDACTED:secret-env]' },
      { name: 'upstreamApiKey', value: '[REDACTED:secret-env]' },
      { name: 'SOME_SETTING', value: 'Bearer [REDACTED:jwt]' },
      { name: 'FEATURE_ENABLED', value: 'true' },
    ]);
    expect(counts).toEqual({ 'secret-env': 2, jwt: 1 });
    expect(pod.spec.containers[0]!.env.at(-4)!.value).toBe('hunter2hunter2');
  });

  it('redacts private keys, kubeconfig credentials and passwords inside config map data', () => {
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'users:',
      '- name: admin',
      '  user:',
      `    client-key-data: ${clientKeyData}`,
      `    token: ${githubToken}`,
      '- name: ci',
      '  user:',
      '    token: sha256~Xk3mP9qR7tLw2vB8nC4dF6gH1jK5',
      '',
    ].join('\n');
    const cm = {
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'default' },
      data: {
        'tls.key': rsaKey,
        'app.yaml': 'db:\n  url: mysql://root:r00tpw@mysql:3306/app\n  password: "plainpw1"\n',
        'app.ini': '[smtp]\npassword = m41lpw\nhost = smtp.example.com\n',
        kubeconfig,
        DB_PASSWORD: 'configured-by-key',
      },
      binaryData: { 'ec.key': Buffer.from(ecKey).toString('base64') },
    };
    const { value, counts } = redactK8sObject(cm);
    const out = JSON.stringify(value);
    for (const leaked of [pemBody(rsaKey).slice(0, 60), clientKeyData.slice(20, 80), githubToken, 'r00tpw', 'plainpw1', 'm41lpw', 'sha256~Xk3m', 'configured-by-key', Buffer.from(ecKey).toString('base64').slice(30, 90)]) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain('smtp.example.com');
    expect(counts).toEqual({
      'private-key': 3,
      'github-token': 1,
      'kubeconfig-credential': 1,
      'basic-auth-url': 1,
      password: 3,
    });
  });

  it('scans the last-applied-configuration annotation of any object', () => {
    const lastApplied = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'API_TOKEN', value: 'abc123def456' }] }] } } },
    });
    const deploy = { kind: 'Deployment', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${lastApplied}\n` } } };
    const { value, counts } = redactK8sObject(deploy);
    const annotation = (value as typeof deploy).metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
    expect(annotation).not.toContain('abc123def456');
    expect(JSON.parse(annotation)).toBeTruthy();
    expect(counts).toEqual({ 'secret-env': 1 });
  });

  it('survives hostile shapes: deep nesting, non-object input', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(() => redactK8sObject(deep)).not.toThrow();
    expect(redactK8sObject(null).value).toBeNull();
    expect(redactK8sObject(42).value).toBe(42);
    expect(redactK8sObject(`token=${jwt}`).value).toBe('token=[REDACTED:jwt]');
  });
});
