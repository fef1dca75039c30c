/**
 * Scale: a config dump with 20,000 workloads (about 15 MB) must parse, and 2,000 pointers into it
 * must be located, in bounded time. Prints the measured numbers; the bounds are loose on purpose
 * (shared CI machines) but catch accidental quadratic behaviour.
 */
import { describe, expect, it } from 'vitest';
import { parseConfigDump } from '../../src/parse/configDump.js';
import { createLocator } from '../../src/parse/jsonLocate.js';

function bigDump(n: number): string {
  const workloads = Array.from({ length: n }, (_, i) => ({
    capacity: 1, clusterId: 'Kubernetes', name: `app-${i}`, namespace: `ns-${i % 50}`, networkMode: 'Standard', node: `worker-${i % 30}`,
    protocol: i % 3 ? 'HBONE' : 'TCP', serviceAccount: `sa-${i % 50}`, status: 'Healthy', uid: `Kubernetes//Pod/ns-${i % 50}/app-${i}`,
    workloadIps: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`], services: [`ns-${i % 50}/svc-${i % 500}.ns-${i % 50}.svc.cluster.local`],
  }));
  return JSON.stringify({ workloads, services: [], policies: [], certificates: [], workloadState: {} }, null, 2);
}

describe('scale', () => {
  it('parses a 20k-workload dump and locates 2k pointers quickly', () => {
    const text = bigDump(20_000);
    let t = performance.now();
    const dump = parseConfigDump(text, 'ztunnel/z/config_dump.json');
    const parseMs = performance.now() - t;
    expect(dump.workloads).toHaveLength(20_000);

    t = performance.now();
    const loc = createLocator(text);
    const lines = text.split('\n');
    for (let i = 0; i < 20_000; i += 10) {
      const line = loc.line(`/workloads/${i}/name`)!;
      expect(lines[line - 1]).toBe(`      "name": "app-${i}",`);
    }
    const locateMs = performance.now() - t;
    console.log(`scale: ${(text.length / 1e6).toFixed(1)} MB, parse ${parseMs.toFixed(0)} ms, 2000 pointer lookups ${locateMs.toFixed(0)} ms`);
    expect(parseMs).toBeLessThan(10_000);
    expect(locateMs).toBeLessThan(10_000);
  });
});
