/**
 * The `xdsSync` collection: for each ztunnel, istiod's view of its xDS stream (debug/syncz and
 * adsz of every istiod) and of what it sends it (debug/config_dump?proxyID=<ztunnel>), compared
 * with the ztunnel's own config_dump. Only a whole bundle allows this cross-check.
 */
import { istiod as istiodPaths, ztunnel as ztunnelPaths } from '../bundle/paths.js';
import { ADDRESS_TYPE, AUTHORIZATION_TYPE, parseAdsz, parseIstiodConfigDump, parseSyncz, type AdsClients, type IstiodAmbientView, type IstiodList, type SyncStatus } from '../parse/istiod.js';
import type { IstiodWorkload } from '../parse/istiod-ambient.js';
import type { ZtWorkload } from '../parse/configDump.js';
import { createLocator, type JsonLocator } from '../parse/jsonLocate.js';
import type { Evidence } from '../report/types.js';
import type { DumpInput } from './certificates.js';
import { citedLines } from './citedLines.js';
import { Interner } from './intern.js';
import type { Inventory } from './inventory.js';
import type { FactReader } from './reader.js';
import type { XdsSyncFact } from './types.js';
import { workloadKey, workloadNamed } from './workloadIndex.js';

const MAX_LISTED = 10;

interface Located<T> {
  istiod: string;
  value: T;
  locator: JsonLocator;
}

export interface IstiodViews {
  syncz: Located<IstiodList<SyncStatus>>[];
  adsz: Located<AdsClients>[];
  /** ztunnel pod -> the workloads of istiod's config_dump for it (from the istiod that answered). */
  configDumps: Map<string, Located<IstiodDumpWorkloads>>;
  available: boolean;
}

/**
 * Reads every istiod view. istiod's per-ztunnel dumps are the other N copies of the whole cluster:
 * each keeps only its workloads (shared across ztunnels when identical) and the line of the one
 * entry its fact can cite (the first workload the ztunnel's own dump lacks), not its text.
 */
/** Distinct istiod dump texts remembered (each is megabytes in a large cluster). */
const RECENT_DUMPS = 2;

export async function loadIstiodViews(reader: FactReader, inv: Inventory, dumps: ReadonlyMap<string, DumpInput>): Promise<IstiodViews> {
  const views: IstiodViews = { syncz: [], adsz: [], configDumps: new Map(), available: false };
  const workloads = new Interner<IstiodWorkload>((w) => `${w.pointer}\n${w.uid}`);
  // istiod usually sends every ztunnel the same state, so its per-ztunnel dumps are often
  // byte-identical: a text equal to one of the last few parsed is not parsed again (comparing
  // strings runs at memcmp speed, several times faster than hashing them). A failure is not
  // remembered, and so is recorded for every file that has it.
  const recent: { text: string; value: IstiodDumpWorkloads }[] = [];
  // A dump stored once under several names (hard links) is not even read again.
  const byFile = new Map<string, IstiodDumpWorkloads>();
  for (const [istiod, endpoints] of inv.istiods) {
    if (endpoints.has('syncz')) {
      const parsed = await reader.parse(istiodPaths.debug(istiod, 'syncz'), parseSyncz);
      if (parsed) views.syncz.push({ istiod, value: parsed.value, locator: createLocator(parsed.text) });
    }
    if (endpoints.has('adsz')) {
      const parsed = await reader.parse(istiodPaths.debug(istiod, 'adsz'), parseAdsz);
      if (parsed) views.adsz.push({ istiod, value: parsed.value, locator: createLocator(parsed.text) });
    }
    for (const ztunnel of inv.istiodConfigDumps.get(istiod) ?? []) {
      const file = istiodPaths.configDumpFor(istiod, ztunnel);
      const own = dumps.get(ztunnel);
      const linked = byFile.get(reader.bundle.sameFileAs(file) ?? '');
      if (linked !== undefined && reader.has(file)) {
        const missing = own ? compareViews(linked, own.dump.workloads).firstMissing : undefined;
        // The text is needed only for the line of the one entry a finding cites.
        const text = missing ? await reader.text(file) : undefined;
        if (missing && text === undefined) continue;
        byFile.set(file, linked);
        views.configDumps.set(ztunnel, { istiod, value: linked, locator: citedLines(text ?? '', missing ? [missing.pointer] : []) });
        continue;
      }
      const text = await reader.text(file);
      if (text === undefined) continue;
      let value = recent.find((r) => r.text.length === text.length && r.text === text)?.value;
      if (value === undefined) {
        let parsed;
        try {
          parsed = parseIstiodConfigDump(text, file);
        } catch (err) {
          reader.record(file, err);
          continue;
        }
        workloads.internAll(parsed.workloads);
        value = { workloads: parsed.workloads };
        recent.unshift({ text, value });
        recent.length = Math.min(recent.length, RECENT_DUMPS);
      }
      byFile.set(file, value);
      const missing = own ? compareViews(value, own.dump.workloads).firstMissing : undefined;
      views.configDumps.set(ztunnel, { istiod, value, locator: citedLines(text, missing ? [missing.pointer] : []) });
    }
  }
  views.available = views.syncz.length > 0 || views.configDumps.size > 0;
  return views;
}

/** What the xDS cross-check uses of istiod's per-ztunnel dump. */
export type IstiodDumpWorkloads = Pick<IstiodAmbientView, 'workloads'>;

/** istiod's view of a ztunnel against the ztunnel's own dump, by namespace/name. */
export interface ViewComparison {
  /** Workloads istiod sends that the dump lacks, in istiod's order. */
  missing: readonly string[];
  /** The first of them, the entry a finding cites. */
  firstMissing?: IstiodWorkload;
  /** "ns/name (istiod P, ztunnel Q)" where both list the workload with different protocols. */
  mismatches: readonly string[];
}

const comparisons = new WeakMap<IstiodDumpWorkloads, WeakMap<readonly ZtWorkload[], ViewComparison>>();

/**
 * Compares once per pair of lists: in a large cluster every ztunnel's dump shares one workloads
 * list (ConfigDumpParser) and istiod's dumps share one view, so the comparison runs once, not
 * once per ztunnel over the whole cluster.
 */
export function compareViews(view: IstiodDumpWorkloads, own: readonly ZtWorkload[]): ViewComparison {
  let byOwn = comparisons.get(view);
  if (byOwn === undefined) comparisons.set(view, (byOwn = new WeakMap()));
  let result = byOwn.get(own);
  if (result === undefined) {
    const missing: string[] = [];
    const mismatches: string[] = [];
    let firstMissing: IstiodWorkload | undefined;
    for (const w of view.workloads) {
      const key = workloadKey(w);
      const mine = workloadNamed(own, key);
      if (!mine) {
        missing.push(key);
        firstMissing ??= w;
      } else if (mine.protocol !== w.protocol) mismatches.push(`${key} (istiod ${w.protocol}, ztunnel ${mine.protocol})`);
    }
    byOwn.set(own, (result = { missing, mismatches, ...(firstMissing ? { firstMissing } : {}) }));
  }
  return result;
}

function evidenceAt(file: string, locator: JsonLocator, pointer: string, excerpt: string): Evidence {
  const line = locator.line(pointer);
  return { file, pointer, ...(line ? { line } : {}), excerpt };
}

export interface XdsInputs {
  ztunnels: readonly string[];
  nodeOf: (ztunnel: string) => string;
  namespaceOf: (ztunnel: string) => string;
  dumps: ReadonlyMap<string, DumpInput>;
  views: IstiodViews;
}

export function buildXdsFacts({ ztunnels, nodeOf, namespaceOf, dumps, views }: XdsInputs): XdsSyncFact[] {
  // Index syncz and adsz entries by proxy id once, instead of scanning them per ztunnel.
  const syncByProxy = new Map<string, { istiod: string; status: SyncStatus; locator: JsonLocator }>();
  for (const s of views.syncz) for (const status of s.value.items) syncByProxy.set(status.proxy, { istiod: s.istiod, status, locator: s.locator });
  const adsByProxy = new Map<string, string>();
  for (const a of views.adsz) for (const client of a.value.items) adsByProxy.set(client.proxy, a.istiod);

  return ztunnels.map((name) => {
    const namespace = namespaceOf(name);
    const proxy = `${name}.${namespace}`;
    const node = dumps.get(name)?.node || nodeOf(name);
    const sync = syncByProxy.get(proxy);
    const istiodDump = views.configDumps.get(name);
    const ownDump = dumps.get(name);
    const evidence: Evidence[] = [];
    const address = sync?.status.resources[ADDRESS_TYPE];
    const authz = sync?.status.resources[AUTHORIZATION_TYPE];
    const lastError = address?.lastError ?? authz?.lastError ?? '';
    if (sync) {
      evidence.push(evidenceAt(istiodPaths.debug(sync.istiod, 'syncz'), sync.locator, sync.status.pointer,
        `proxy ${proxy}: Address sent ${address?.sent ?? '-'} acked ${address?.acked ?? '-'}; Authorization sent ${authz?.sent ?? '-'} acked ${authz?.acked ?? '-'}${lastError ? `; lastError ${lastError}` : ''}`));
    }

    const comparison = istiodDump && ownDump ? compareViews(istiodDump.value, ownDump.dump.workloads) : undefined;
    const missing = comparison?.missing ?? [];
    if (istiodDump && comparison?.firstMissing) {
      const file = istiodPaths.configDumpFor(istiodDump.istiod, name);
      evidence.push(evidenceAt(file, istiodDump.locator, comparison.firstMissing.pointer, `istiod sends ${missing[0]}, which ${ztunnelPaths.configDump(name)} does not list`));
    }
    return {
      subject: { kind: 'Ztunnel', namespace, name, node },
      evidence,
      ztunnel: name,
      node,
      connected: sync !== undefined || adsByProxy.has(proxy),
      connectionsKnown: views.syncz.length > 0 || views.adsz.length > 0,
      istiod: sync?.istiod ?? adsByProxy.get(proxy) ?? istiodDump?.istiod ?? '',
      addressSent: address?.sent ?? '',
      addressAcked: address?.acked ?? '',
      authorizationSent: authz?.sent ?? '',
      authorizationAcked: authz?.acked ?? '',
      lastError,
      stale: Boolean(address?.stale || authz?.stale),
      hasIstiodView: istiodDump !== undefined,
      hasZtunnelDump: ownDump !== undefined,
      missingWorkloads: [...missing].sort().slice(0, MAX_LISTED),
      missingWorkloadCount: missing.length,
      protocolMismatches: [...(comparison?.mismatches ?? [])].sort().slice(0, MAX_LISTED),
    };
  });
}
