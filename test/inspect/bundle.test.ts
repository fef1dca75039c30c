/**
 * `inspect` over our fixture bundles: which ztunnel is shown (--pod resolving a workload pod to the
 * ztunnel on its node, --node, --ztunnel, the named default), the narrowing that follows, VALID
 * CERT judged at the bundle's collection time, and one-line errors for what cannot be shown.
 */
import { createWriteStream } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TarArchive } from 'archiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { BundleError, UsageError } from '../../src/errors.js';
import { BROKEN, HEALTHY, inspect } from './helpers.js';

type Pod = { metadata: { name: string; namespace: string }; spec: { nodeName?: string } };

let pods: Pod[];
let work: string;
beforeAll(async () => {
  pods = (JSON.parse(await readFile(join(HEALTHY, 'cluster/pods.json'), 'utf8')) as { items: Pod[] }).items;
  work = await mkdtemp(join(tmpdir(), 'zb-inspect-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const nodeOf = (name: string) => pods.find((p) => p.metadata.name === name)!.spec.nodeName!;
const ztunnelOn = (node: string) => pods.find((p) => p.metadata.name.startsWith('ztunnel-') && p.spec.nodeName === node)!.metadata.name;
const rowsOf = (table: string) => table.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/));

describe('choosing the ztunnel in a bundle', () => {
  it('--pod NS/POD of a workload shows the ztunnel on its node, narrowed to that workload', async () => {
    const pod = pods.find((p) => p.metadata.namespace === 'default' && p.metadata.name.startsWith('productpage-'))!;
    const expectedZtunnel = ztunnelOn(pod.spec.nodeName!);
    const narrowed = await inspect({ view: 'workloads', bundle: HEALTHY, pod: `default/${pod.metadata.name}` });
    expect(narrowed.code).toBe(0);
    expect(narrowed.stderr).toBe('');
    expect(rowsOf(narrowed.stdout)).toEqual([[
      'default', pod.metadata.name, expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), pod.spec.nodeName, expect.any(String), 'HBONE',
    ]]);
    // The same row, in the same ztunnel's full table.
    const whole = await inspect({ view: 'workloads', bundle: HEALTHY, ztunnel: expectedZtunnel });
    expect(rowsOf(whole.stdout).length).toBeGreaterThan(1);
    expect(rowsOf(whole.stdout)).toContainEqual(rowsOf(narrowed.stdout)[0]);
    // Choosing that ztunnel explicitly as well agrees; another one does not.
    await expect(inspect({ view: 'workloads', bundle: HEALTHY, pod: `default/${pod.metadata.name}`, ztunnel: expectedZtunnel })).resolves.toMatchObject({ code: 0 });
    const other = pods.find((p) => p.metadata.name.startsWith('ztunnel-') && p.metadata.name !== expectedZtunnel)!.metadata.name;
    await expect(inspect({ view: 'workloads', bundle: HEALTHY, pod: `default/${pod.metadata.name}`, ztunnel: other })).rejects.toThrow(UsageError);
  });

  it('--pod with a bare name works when the name is unique, and a ztunnel pod is taken as is', async () => {
    const pod = pods.find((p) => p.metadata.name.startsWith('details-'))!;
    const r = await inspect({ view: 'certificates', bundle: HEALTHY, pod: pod.metadata.name });
    // certificates narrowed to the pod's identity: every row names its service account
    const identities = new Set(rowsOf(r.stdout).map((row) => row[0]));
    expect([...identities]).toEqual(['spiffe://cluster.local/ns/default/sa/bookinfo-details']);
    const asZtunnel = await inspect({ view: 'workloads', bundle: HEALTHY, pod: `istio-system/${ztunnelOn(nodeOf(pod.metadata.name))}` });
    expect(rowsOf(asZtunnel.stdout).length).toBeGreaterThan(1);
  });

  it('--node picks the ztunnel on that node and keeps the workloads on it', async () => {
    const node = nodeOf(pods.find((p) => p.metadata.name.startsWith('reviews-v2-'))!.metadata.name);
    const r = await inspect({ view: 'workloads', bundle: HEALTHY, node });
    const rows = rowsOf(r.stdout);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row[3] === node)).toBe(true);
    const byZtunnel = await inspect({ view: 'workloads', bundle: HEALTHY, ztunnel: ztunnelOn(node) });
    expect(rowsOf(byZtunnel.stdout).filter((row) => row[3] === node)).toEqual(rows);
  });

  it('with no choice, shows the first ztunnel by name and says so on stderr', async () => {
    const ztunnels = pods.filter((p) => p.metadata.name.startsWith('ztunnel-')).map((p) => p.metadata.name).sort();
    const r = await inspect({ view: 'policies', bundle: HEALTHY });
    expect(r.stderr).toBe(`inspect: showing ${ztunnels[0]} on node ${nodeOf(ztunnels[0]!)}, the first of ${ztunnels.length} ztunnels; choose one with --ztunnel, --node or --pod\n`);
    const explicit = await inspect({ view: 'policies', bundle: HEALTHY, ztunnel: ztunnels[0] });
    expect(explicit.stdout).toBe(r.stdout);
    expect(explicit.stderr).toBe('');
  });
});

describe('bundle kinds', () => {
  it('reads a .tar.gz bundle the same as its directory', async () => {
    const archivePath = join(work, 'healthy.tar.gz');
    const archive = new TarArchive({ gzip: true });
    const done = new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(archivePath);
      stream.on('close', () => resolve());
      archive.on('error', reject);
      archive.pipe(stream);
    });
    archive.directory(HEALTHY, 'ztunnel-bundle-2026-11-25T09-30-00Z');
    await archive.finalize();
    await done;
    const pod = pods.find((p) => p.metadata.name.startsWith('reviews-v1-'))!;
    const fromArchive = await inspect({ view: 'all', bundle: archivePath, pod: `default/${pod.metadata.name}` });
    const fromDir = await inspect({ view: 'all', bundle: HEALTHY, pod: `default/${pod.metadata.name}` });
    expect(fromArchive.stdout).toBe(fromDir.stdout);
    expect(fromArchive.stdout).toContain(pod.metadata.name);
  });

  it('an unreadable cluster/pods.json only stops --pod; nodes then come from each ztunnel pod.json', async () => {
    const cut = join(work, 'cut-pods');
    await cp(HEALTHY, cut, { recursive: true });
    await writeFile(join(cut, 'cluster/pods.json'), '{"kind": "PodList", "items": [');
    const node = nodeOf('ztunnel-8smsz');
    const byNode = await inspect({ view: 'workloads', bundle: cut, node });
    expect(byNode.stdout).toBe((await inspect({ view: 'workloads', bundle: HEALTHY, node })).stdout);
    const err = await inspect({ view: 'workloads', bundle: cut, pod: 'default/whatever' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toMatch(/^cluster\/pods\.json: invalid JSON at line 1 column \d+: unexpected end of input/);
  });

  it('a bundle without a readable manifest.json judges certificates now and says so', async () => {
    const bare = join(work, 'no-manifest');
    await cp(HEALTHY, bare, { recursive: true });
    await rm(join(bare, 'manifest.json'));
    const r = await inspect({ view: 'certificates', bundle: bare, ztunnel: 'ztunnel-8smsz' });
    expect(r.stderr).toBe('inspect: no readable collection time (manifest.json collectedAt); VALID CERT is judged now\n');
    expect(r.stdout.split('\n')[0]).toMatch(/^CERTIFICATE NAME +TYPE/);
    await writeFile(join(bare, 'manifest.json'), '{"collectedAt": "2026-11-');
    const cut = await inspect({ view: 'certificates', bundle: bare, ztunnel: 'ztunnel-8smsz' });
    expect(cut.stderr).toBe(r.stderr);
    expect(cut.stdout).toBe(r.stdout);
  });
});

describe('certificates in a bundle', () => {
  it('judges VALID CERT at the collection time in manifest.json, or at --at', async () => {
    const copy = join(work, 'later');
    await cp(HEALTHY, copy, { recursive: true });
    const manifestPath = join(copy, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { collectedAt: string };
    const leafValid = (out: string) => rowsOf(out).filter((r) => r[1] === 'Leaf').map((r) => r[3]);
    const atCollection = await inspect({ view: 'certificates', bundle: HEALTHY, ztunnel: 'ztunnel-8smsz' });
    expect(leafValid(atCollection.stdout)).toEqual(['true', 'true', 'true']);
    // Leaf certificates last a day: two days after collection they are expired.
    const later = new Date(Date.parse(manifest.collectedAt) + 2 * 86_400_000).toISOString();
    await writeFile(manifestPath, JSON.stringify({ ...manifest, collectedAt: later }));
    const atLater = await inspect({ view: 'certificates', bundle: copy, ztunnel: 'ztunnel-8smsz' });
    expect(leafValid(atLater.stdout)).toEqual(['false', 'false', 'false']);
    const explicit = await inspect({ view: 'certificates', bundle: copy, ztunnel: 'ztunnel-8smsz', at: manifest.collectedAt });
    expect(explicit.stdout).toBe(atCollection.stdout);
    expect(rowsOf(atLater.stdout).filter((r) => r[1] === 'Root').every((r) => r[3] === 'true')).toBe(true);
  });
});

describe('json and yaml output from a bundle', () => {
  it('-o json lists the table rows as istioctl items, and -o yaml the same items', async () => {
    for (const view of ['workloads', 'services', 'certificates'] as const) {
      const table = await inspect({ view, bundle: HEALTHY, ztunnel: 'ztunnel-pxbkr' });
      const json = JSON.parse((await inspect({ view, bundle: HEALTHY, ztunnel: 'ztunnel-pxbkr', output: 'json' })).stdout) as Record<string, unknown>[];
      const yaml = parseYaml((await inspect({ view, bundle: HEALTHY, ztunnel: 'ztunnel-pxbkr', output: 'yaml' })).stdout) as unknown;
      expect(yaml).toEqual(json);
      if (view === 'certificates') {
        expect(json.map((c) => c['identity'])).toEqual([...new Set(rowsOf(table.stdout).map((r) => r[0]))]);
      } else {
        expect(json.map((w) => `${w['namespace'] as string} ${w['name'] as string}`)).toEqual(rowsOf(table.stdout).map((r) => `${r[0]} ${r[1]}`));
      }
    }
  });

  it('all -o json is one object with the five views', async () => {
    const out = JSON.parse((await inspect({ view: 'all', bundle: HEALTHY, ztunnel: 'ztunnel-pxbkr', output: 'json' })).stdout) as Record<string, unknown[]>;
    expect(Object.keys(out)).toEqual(['workloads', 'services', 'policies', 'certificates', 'connections']);
    expect(out['workloads']!.length).toBeGreaterThan(0);
  });
});

describe('errors are one line and name the problem', () => {
  const oneLine = async (promise: Promise<unknown>, type: typeof UsageError | typeof BundleError, text: string | RegExp) => {
    const err = await promise.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(text);
  };

  it('an unknown pod, or an ambiguous bare name', async () => {
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, pod: 'default/no-such-pod' }), UsageError, '--pod default/no-such-pod: no such pod in cluster/pods.json');
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, pod: 'a/b/c' }), UsageError, '--pod a/b/c: expected NAMESPACE/POD or POD');
  });

  it('a bare pod name found in two namespaces', async () => {
    const twice = join(work, 'twice');
    await cp(HEALTHY, twice, { recursive: true });
    const list = JSON.parse(await readFile(join(twice, 'cluster/pods.json'), 'utf8')) as { items: Pod[] };
    const pod = list.items.find((p) => p.metadata.name.startsWith('details-'))!;
    list.items.push({ ...pod, metadata: { ...pod.metadata, namespace: 'staging' } });
    await writeFile(join(twice, 'cluster/pods.json'), JSON.stringify(list));
    await oneLine(inspect({ view: 'workloads', bundle: twice, pod: pod.metadata.name }), UsageError, `--pod ${pod.metadata.name}: pods of that name in namespaces default, staging; use NAMESPACE/POD`);
    const chosen = await inspect({ view: 'workloads', bundle: twice, pod: `default/${pod.metadata.name}` });
    expect(rowsOf(chosen.stdout).map((r) => r[1])).toEqual([pod.metadata.name]);
  });

  it('a pod on a node whose ztunnel left no config dump', async () => {
    await oneLine(
      inspect({ view: 'workloads', bundle: BROKEN, pod: 'legacy/httpbin-lr8mnx5j8z-2bhld' }),
      BundleError,
      /no ztunnel config dump for node ambient-worker3, where pod legacy\/httpbin-lr8mnx5j8z-2bhld runs$/,
    );
  });

  it('unknown --ztunnel or --node list what is there', async () => {
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, ztunnel: 'ztunnel-nope' }), UsageError, /^--ztunnel ztunnel-nope: no config dump for it in the bundle; ztunnels: ztunnel-5xrmx \(ambient-control-plane\), /);
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, node: 'nowhere' }), UsageError, /^--node nowhere: no ztunnel config dump for that node/);
  });

  it('a bundle without config dumps', async () => {
    const empty = join(work, 'no-dumps');
    await cp(join(HEALTHY, 'cluster'), join(empty, 'cluster'), { recursive: true });
    await cp(join(HEALTHY, 'manifest.json'), join(empty, 'manifest.json'));
    await oneLine(inspect({ view: 'workloads', bundle: empty }), BundleError, `${empty}: no ztunnel config dump in the bundle (ztunnel/<pod>/config_dump.json)`);
  });

  it('a config dump in the bundle that is not JSON names its bundle path', async () => {
    const bad = join(work, 'bad-dump');
    await cp(HEALTHY, bad, { recursive: true });
    await writeFile(join(bad, 'ztunnel/ztunnel-8smsz/config_dump.json'), '{"workloads": [');
    await oneLine(inspect({ view: 'workloads', bundle: bad, ztunnel: 'ztunnel-8smsz' }), BundleError, /^ztunnel\/ztunnel-8smsz\/config_dump\.json: invalid JSON at line 1 column \d+: unexpected end of input/);
  });

  it('bad flag combinations and values', async () => {
    await oneLine(inspect({ view: 'workloads' }), UsageError, 'inspect: give a BUNDLE, or --file with a saved config dump (- for stdin)');
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, file: 'x.json' }), UsageError, 'inspect: give a BUNDLE or --file, not both');
    await oneLine(inspect({ view: 'workloads', bundle: HEALTHY, at: 'yesterday' }), UsageError, /^--at yesterday: not a date\/time/);
    await oneLine(inspect({ view: 'nodes' as 'all', bundle: HEALTHY }), UsageError, /^inspect: unknown view "nodes"/);
    await oneLine(inspect({ view: 'workloads', bundle: join(work, 'missing') }), BundleError, /missing: no such file or directory$/);
  });
});
