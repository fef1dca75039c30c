/**
 * End to end over a whole bundle: our healthy fixture with secrets planted the way they leak in
 * practice (an env var, a config map holding a kubeconfig and keys, log lines). The scan finds
 * every planted secret and nothing else; after each file is redacted the way the collector does
 * it (Kubernetes JSON through redactK8sObject, everything else through redactText) it finds none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryBundle } from '../../src/bundle/memory.js';
import { redactK8sObject, redactText } from '../../src/redact/index.js';
import { scanBundle } from '../../src/scan/index.js';
import { filesUnder } from '../redact/files.js';
import { awsAccessKey, bearer, clientKeyData, ecKey, githubToken, jwt, slackToken } from '../redact/seeded.js';

const healthy = fileURLToPath(new URL('../../fixtures/healthy/', import.meta.url));

interface PodList {
  items: Array<{ metadata: { name: string }; spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } }>;
}

function plantSecrets(files: Record<string, string>): Record<string, string> {
  const out = { ...files };
  const pods = JSON.parse(out['cluster/pods.json']!) as PodList;
  const container = pods.items[0]!.spec.containers[0]!;
  container.env = [...(container.env ?? []), { name: 'EXTRA_HEADER', value: `Bearer ${bearer}` }, { name: 'DB_PASSWORD', value: 'hunter2hunter2' }];
  out['cluster/pods.json'] = JSON.stringify(pods, null, 4);

  const kubeconfig = `apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    client-key-data: ${clientKeyData}\n    token: ${jwt}\n`;
  out['cluster/configmaps/default/app.json'] = JSON.stringify(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { kubeconfig, 'ec.key': ecKey, 'settings.ini': `[aws]\nkey = ${awsAccessKey}\n` } },
    null,
    4,
  );

  const log = Object.keys(out).find((f) => f.endsWith('/ztunnel.log'))!;
  out[log] = `${out[log]}2026-11-25T09:31:00Z warn xds upstream rejected token ${githubToken}\n2026-11-25T09:31:01Z info notify ${slackToken}\n`;
  return out;
}

function redactBundleFile(path: string, text: string): string {
  if (path.startsWith('cluster/') && path.endsWith('.json')) {
    const { value, counts } = redactK8sObject(JSON.parse(text));
    return Object.keys(counts).length === 0 ? text : JSON.stringify(value, null, 4);
  }
  return redactText(text).text;
}

describe.skipIf(!existsSync(healthy))('a seeded bundle (skipped: fixtures/healthy not present)', () => {
  const files = Object.fromEntries(existsSync(healthy) ? filesUnder(healthy).map((f) => [relative(healthy, f), readFileSync(f, 'utf8')]) : []);

  it('scans clean before secrets are planted', async () => {
    expect(await scanBundle(new MemoryBundle(files))).toEqual([]);
  });

  it('finds every planted secret, and none once each file is redacted', async () => {
    const seeded = plantSecrets(files);
    const log = Object.keys(files).find((f) => f.endsWith('/ztunnel.log'))!;
    const hits = await scanBundle(new MemoryBundle(seeded));
    expect(hits.map((h) => `${h.file} ${h.kind}`).sort()).toEqual(
      [
        'cluster/pods.json bearer-token',
        'cluster/pods.json secret-env',
        'cluster/configmaps/default/app.json private-key',
        'cluster/configmaps/default/app.json private-key',
        'cluster/configmaps/default/app.json jwt',
        'cluster/configmaps/default/app.json aws-access-key',
        `${log} github-token`,
        `${log} slack-token`,
      ].sort(),
    );
    const redacted = Object.fromEntries(Object.entries(seeded).map(([path, text]) => [path, redactBundleFile(path, text)]));
    expect(await scanBundle(new MemoryBundle(redacted))).toEqual([]);
    for (const [path, text] of Object.entries(redacted)) {
      if (path.endsWith('.json')) expect(() => JSON.parse(text), path).not.toThrow();
      if (!path.startsWith('cluster/') || path === 'cluster/pods.json' || path.includes('/default/')) continue;
      expect(text, `${path} must be untouched`).toBe(files[path]);
    }
  });
});
