/**
 * Lookups over a dump's workloads list, built once per list rather than once per ztunnel. In a
 * large cluster every ztunnel's dump shares one workloads list (ConfigDumpParser gives dumps with
 * an identical section the same list), so a per-ztunnel index would hold N copies of the same
 * N×W entries: at 1,000 nodes, five million map entries and most of analyze's memory and GC time.
 * Keyed by the list itself (a WeakMap), so an index lives exactly as long as its list.
 */
import type { ZtService, ZtWorkload } from '../parse/configDump.js';

const byName = new WeakMap<readonly ZtWorkload[], ReadonlyMap<string, readonly ZtWorkload[]>>();
const nameByUid = new WeakMap<readonly ZtWorkload[], ReadonlyMap<string, string>>();
const endpointNames = new WeakMap<readonly ZtService[], WeakMap<readonly ZtWorkload[], ReadonlyMap<string, string[]>>>();

export const workloadKey = (w: { namespace: string; name: string }): string => `${w.namespace}/${w.name}`;

/** "namespace/name" -> the workloads of that name, in list order (usually one). */
export function workloadsByName(list: readonly ZtWorkload[]): ReadonlyMap<string, readonly ZtWorkload[]> {
  let index = byName.get(list);
  if (index === undefined) {
    const built = new Map<string, ZtWorkload[]>();
    for (const w of list) {
      const key = workloadKey(w);
      const same = built.get(key);
      if (same) same.push(w);
      else built.set(key, [w]);
    }
    byName.set(list, (index = built));
  }
  return index;
}

/** The last workload of that "namespace/name" (as a plain Map built from the list would keep). */
export function workloadNamed(list: readonly ZtWorkload[], key: string): ZtWorkload | undefined {
  const same = workloadsByName(list).get(key);
  return same?.[same.length - 1];
}

/** Workload uid -> name (the last one listed, as a plain Map would keep). */
export function workloadNameByUid(list: readonly ZtWorkload[]): ReadonlyMap<string, string> {
  let index = nameByUid.get(list);
  if (index === undefined) nameByUid.set(list, (index = new Map(list.map((w) => [w.uid, w.name]))));
  return index;
}

/** Service hostname -> the sorted, distinct names of its endpoints' workloads (uid tail when unknown). */
export function serviceEndpointNames(services: readonly ZtService[], workloads: readonly ZtWorkload[]): ReadonlyMap<string, string[]> {
  let byWorkloads = endpointNames.get(services);
  if (byWorkloads === undefined) endpointNames.set(services, (byWorkloads = new WeakMap()));
  let index = byWorkloads.get(workloads);
  if (index === undefined) {
    const names = workloadNameByUid(workloads);
    const built = new Map<string, string[]>();
    for (const s of services) {
      const endpoints = s.endpoints.map((e) => names.get(e.workloadUid) ?? e.workloadUid.split('/').pop() ?? e.workloadUid);
      built.set(s.hostname, [...new Set(endpoints)].sort());
    }
    byWorkloads.set(workloads, (index = built));
  }
  return index;
}
