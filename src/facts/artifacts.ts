/**
 * The `artifacts` collection: what collect tried and could not get (from manifest.json), what
 * the analyzer expected and did not find, and what was present but unreadable. Each says what
 * checks it prevented, so a missing file is never mistaken for a healthy one.
 */
import { MANIFEST, cluster, istiod, ztunnel } from '../bundle/paths.js';
import type { ArtifactRecord, Manifest } from '../bundle/manifest.js';
import type { Inventory } from './inventory.js';
import type { Unreadable } from './reader.js';
import type { ArtifactFact } from './types.js';

/** What each kind of artifact lets the analyzer check, for the finding's message. */
const IMPACT: { test: RegExp; impact: string }[] = [
  { test: /^ztunnel\/[^/]+\/config_dump\.json$/, impact: 'Workload, certificate and xDS checks for this ztunnel did not run.' },
  { test: /^ztunnel\/[^/]+\/ztunnel(\.previous)?\.log$/, impact: 'Traffic, policy and log checks for this ztunnel did not run.' },
  { test: /^ztunnel\/[^/]+\/metrics\.prom$/, impact: 'Metric checks for this ztunnel did not run.' },
  { test: /^ztunnel\/[^/]+\/ready\.txt$/, impact: 'The readiness check for this ztunnel used the pod status only.' },
  { test: /^istiod\/[^/]+\/debug\/config_dump\//, impact: 'istiod\'s view of this ztunnel could not be compared with its own.' },
  { test: /^istiod\/[^/]+\/debug\//, impact: 'xDS sync checks did not run for the ztunnels this istiod serves.' },
  { test: /^istiod\//, impact: 'istiod checks for this pod did not run.' },
  { test: /^cni\//, impact: 'istio-cni checks for this node did not run.' },
  { test: /^cluster\/pods\.json$/, impact: 'Pod enrolment and ztunnel placement checks did not run.' },
  { test: /^cluster\/namespaces\.json$/, impact: 'Which namespaces are ambient is unknown, so enrolment checks did not run.' },
  { test: /^cluster\//, impact: 'Checks that need this Kubernetes list did not run.' },
  { test: /^manifest\.json$/, impact: 'Failed collection attempts and the collection time are unknown; expiry is judged against the newest log time.' },
];

export function impactOf(path: string): string {
  return IMPACT.find((i) => i.test.test(path))?.impact ?? 'Checks that need it did not run.';
}

/** Paths the analyzer expects in a bundle collected by `collect`, given what the bundle shows. */
export function expectedPaths(inv: Inventory, ztunnelPods: readonly string[]): string[] {
  const paths: string[] = [cluster.pods, cluster.namespaces, cluster.nodes];
  for (const pod of ztunnelPods) paths.push(ztunnel.configDump(pod), ztunnel.log(pod), ztunnel.metrics(pod), ztunnel.ready(pod));
  for (const [pod] of inv.istiods) paths.push(istiod.debug(pod, 'syncz'));
  return paths;
}

function fact(a: Pick<ArtifactFact, 'path' | 'target' | 'status' | 'error' | 'httpStatus'>, evidence: ArtifactFact['evidence']): ArtifactFact {
  return { ...a, impact: impactOf(a.path), subject: { kind: 'Bundle', name: a.path }, evidence };
}

export interface ArtifactInputs {
  inv: Inventory;
  manifest?: Manifest;
  /** 1-based line of each manifest artifact entry, by index. */
  manifestLines: (number | undefined)[];
  ztunnelPods: readonly string[];
  unreadable: readonly Unreadable[];
}

export function buildArtifactFacts({ inv, manifest, manifestLines, ztunnelPods, unreadable }: ArtifactInputs): ArtifactFact[] {
  const facts: ArtifactFact[] = [];
  const recorded = new Map<string, ArtifactRecord>();
  manifest?.artifacts.forEach((raw: unknown, index) => {
    // manifest.json is bundle input like any other: an entry that is not a record with a string
    // path and status (null, a number, ...) is skipped rather than trusted (found by fuzzing).
    const a = artifactRecord(raw);
    if (!a) return;
    recorded.set(a.path, a);
    if (a.status === 'ok') return;
    const evidence = [{ file: MANIFEST, pointer: `/artifacts/${index}`, line: manifestLines[index], excerpt: JSON.stringify(a) }];
    facts.push(fact({ path: a.path, target: a.target, status: a.status, error: a.error ?? '', httpStatus: a.httpStatus ?? 0 }, evidence.map(dropUndefined)));
  });
  for (const path of expectedPaths(inv, ztunnelPods)) {
    // A failed attempt is reported from the manifest above; one recorded as ok but absent was lost.
    const attempt = recorded.get(path);
    if (inv.files.has(path) || (attempt && attempt.status !== 'ok')) continue;
    facts.push(fact({ path, target: '', status: 'missing', error: '', httpStatus: 0 }, []));
  }
  for (const u of unreadable) {
    facts.push(fact({ path: u.path, target: '', status: 'unreadable', error: u.error, httpStatus: 0 }, [{ file: u.path }]));
  }
  return facts.sort((a, b) => a.path.localeCompare(b.path));
}

/** The fields this module reads, type-checked; undefined when the entry is not a usable record. */
function artifactRecord(value: unknown): ArtifactRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v['path'] !== 'string' || typeof v['status'] !== 'string') return undefined;
  return {
    ...(v as unknown as ArtifactRecord),
    target: typeof v['target'] === 'string' ? v['target'] : '',
    error: typeof v['error'] === 'string' ? v['error'] : undefined,
    httpStatus: typeof v['httpStatus'] === 'number' ? v['httpStatus'] : undefined,
  };
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
