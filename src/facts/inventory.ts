/**
 * What the bundle holds, from its file list alone: which ztunnel, istiod and istio-cni pods have
 * files, and which cluster lists are present. Every fact builder starts from this, so no builder
 * walks the file list again.
 */
import { classifyPath } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';

export interface Inventory {
  files: ReadonlySet<string>;
  /** ztunnel pod -> its files' kinds (e.g. 'ztunnel-config-dump'). */
  ztunnels: Map<string, Set<string>>;
  /** istiod pod -> debug endpoint names present (syncz, adsz, ...). */
  istiods: Map<string, Set<string>>;
  /** istiod pod -> ztunnel pods it has a debug/config_dump for. */
  istiodConfigDumps: Map<string, Set<string>>;
  cniPods: Set<string>;
  clusterLists: Set<string>;
  /** cluster/istio/<plural>.<group>.json files present. */
  istioResourceFiles: string[];
  hasManifest: boolean;
}

export function takeInventory(bundle: BundleSource): Inventory {
  const inv: Inventory = {
    files: new Set(bundle.list()),
    ztunnels: new Map(),
    istiods: new Map(),
    istiodConfigDumps: new Map(),
    cniPods: new Set(),
    clusterLists: new Set(),
    istioResourceFiles: [],
    hasManifest: false,
  };
  const add = (map: Map<string, Set<string>>, key: string, value?: string) => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    if (value !== undefined) set.add(value);
  };
  for (const path of inv.files) {
    const info = classifyPath(path);
    switch (info.kind) {
      case 'manifest':
        inv.hasManifest = true;
        break;
      case 'cluster':
        inv.clusterLists.add(info.name);
        break;
      case 'istio-resource':
        inv.istioResourceFiles.push(path);
        break;
      case 'ztunnel-pod':
      case 'ztunnel-config-dump':
      case 'ztunnel-metrics':
      case 'ztunnel-ready':
      case 'ztunnel-log':
      case 'ztunnel-previous-log':
        add(inv.ztunnels, info.pod, info.kind);
        break;
      case 'istiod-debug':
        add(inv.istiods, info.pod, info.name);
        break;
      case 'istiod-config-dump':
        add(inv.istiods, info.pod);
        add(inv.istiodConfigDumps, info.pod, info.ztunnelPod);
        break;
      case 'istiod-metrics':
      case 'istiod-log':
        add(inv.istiods, info.pod);
        break;
      case 'cni-log':
        inv.cniPods.add(info.pod);
        break;
      default:
        break;
    }
  }
  return inv;
}
