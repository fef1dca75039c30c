/**
 * Redaction proof (issues 3 and 6): a replayed cluster seeded with secrets of every kind the
 * redactor claims to handle (in pod env, config maps, logs), collected with the real collector:
 * none of them is in the bundle, scan finds nothing, and the manifest counts what was replaced,
 * per file. The leak check collect runs on its own output says so too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBundle } from '../../src/scan/scan.js';
import { SEEDED, awsSecretKey, bearer, clientKeyData, rsaKey, saToken } from '../redact/seeded.js';
import { PODS, clusterFiles } from './fixture.js';
import { collectFromReplay, type CollectRun } from './replay.js';

function seededFiles(): Record<string, string> {
  const files = clusterFiles();
  const pods = structuredClone(PODS) as { spec: { containers: { name: string; env?: { name: string; value: string }[] }[] } }[];
  pods[0]!.spec.containers[0]!.env = [
    { name: 'UPSTREAM_AUTH', value: `Bearer ${bearer}` },
    { name: 'DB_PASSWORD', value: 'hunter2hunter2' },
    { name: 'AWS_SECRET_ACCESS_KEY', value: awsSecretKey },
    { name: 'LOG_LEVEL', value: 'info' },
  ];
  files['cluster/pods.json'] = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: pods }, null, 2);
  const kubeconfig = ['apiVersion: v1', 'kind: Config', 'users:', '- name: ci', '  user:', `    token: ${saToken}`, `    client-key-data: ${clientKeyData}`].join('\n');
  files['cluster/configmaps/istio-system/istio.json'] = JSON.stringify({
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' },
    data: { mesh: 'defaultConfig: {}\n', 'tls.key': rsaKey, kubeconfig },
  });
  files['ztunnel/ztunnel-aaaaa/ztunnel.log'] += `${SEEDED.map((s) => s.text.replaceAll('\n', '\n')).join('\n')}\n`;
  return files;
}

describe('collect redacts every kind of seeded secret before it reaches the bundle', () => {
  let run: CollectRun;
  let texts: Map<string, string>;
  beforeAll(async () => {
    run = await collectFromReplay({ files: seededFiles() });
    const { bundle } = await run.open();
    texts = new Map();
    for (const f of bundle.list()) texts.set(f, await bundle.readText(f));
  });
  afterAll(async () => run?.cleanup());

  it('collects (exit 0) and says its own leak check found nothing', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('scan: no secrets found in the bundle');
  });

  it.each([...SEEDED.map((s) => [s.name, s.secret] as const), ['bearer token in an env var', bearer], ['password in an env var', 'hunter2hunter2'], ['AWS secret in an env var', awsSecretKey], ['kubeconfig token in a config map', saToken]])(
    'no trace of the %s',
    (_name, secret) => {
      for (const [file, text] of texts) expect(text.includes(secret), `${file} holds the secret`).toBe(false);
    },
  );

  it('leaves nothing for scan to find', async () => {
    const { bundle } = await run.open();
    expect(await scanBundle(bundle)).toEqual([]);
  });

  it('counts the redactions per file in the manifest, and keeps what is not secret', async () => {
    const { manifest } = await run.open();
    const byPath = new Map(manifest.artifacts.map((a) => [a.path, a.redactions ?? {}]));
    const pods = byPath.get('cluster/pods.json')!;
    expect((pods['bearer-token'] ?? 0) + (pods['secret-env'] ?? 0)).toBeGreaterThanOrEqual(3);
    const cm = byPath.get('cluster/configmaps/istio-system/istio.json')!;
    expect(cm['private-key']).toBeGreaterThanOrEqual(2);
    const log = byPath.get('ztunnel/ztunnel-aaaaa/ztunnel.log')!;
    const total = Object.values(log).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(SEEDED.length);
    expect(texts.get('cluster/pods.json')).toContain('"LOG_LEVEL"');
    expect(texts.get('cluster/configmaps/istio-system/istio.json')).toContain('defaultConfig');
  });
});
