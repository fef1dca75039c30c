/**
 * Scale: a mesh of 20,000 workloads and 5,000 services (waypoints on every workload, 20,000
 * connections) renders every view in seconds, not minutes: the waypoint and address lookups are
 * indexed once per table rather than searched per row.
 */
import { describe, expect, it } from 'vitest';
import { renderView, type InspectView } from '../../src/inspect/render.js';
import { parseConfigDump } from '../../src/parse/configDump.js';

const WORKLOADS = 20_000;
const SERVICES = 5_000;

function bigDump(): string {
  const ip = (n: number, base: number) => `10.${base}.${Math.floor(n / 256)}.${n % 256}`;
  const services = Array.from({ length: SERVICES }, (_, i) => ({
    name: `svc-${i}`, namespace: `ns-${i % 50}`, hostname: `svc-${i}.ns-${i % 50}.svc.cluster.local`, vips: [`/${ip(i, 96)}`], ports: { '80': 8080 },
    endpoints: Object.fromEntries([0, 1, 2, 3].map((k) => { const uid = `Kubernetes//Pod/ns-${i % 50}/pod-${(i * 4 + k) % WORKLOADS}`; return [uid, { workloadUid: uid, port: { '80': 8080 } }]; })),
  }));
  const workloads = Array.from({ length: WORKLOADS }, (_, i) => ({
    uid: `Kubernetes//Pod/ns-${i % 50}/pod-${i}`, workloadIps: [ip(i, 244)], protocol: 'HBONE', name: `pod-${i}`, namespace: `ns-${i % 50}`,
    serviceAccount: 'sa', node: `node-${i % 100}`, status: 'Healthy', waypoint: { destination: `/${ip(SERVICES - 1 - (i % SERVICES), 96)}`, hboneMtlsPort: 15008 },
  }));
  const workloadState = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`uid-${i}`, {
    state: 'Up', info: { name: `pod-${i}`, namespace: `ns-${i % 50}`, serviceAccount: 'sa' },
    connections: {
      inbound: Array.from({ length: 5 }, (_, k) => ({ src: `${ip(i + k + 1, 244)}:4${k}000`, originalDst: `svc-${i % SERVICES}.ns-${i % 50}.svc.cluster.local`, actualDst: `${ip(i, 244)}:8080`, protocol: 'HBONE' })),
      outbound: Array.from({ length: 5 }, (_, k) => ({ src: `${ip(i, 244)}:5${k}000`, originalDst: `${ip((i + k) % SERVICES, 96)}:80`, actualDst: `${ip(i + k + 7, 244)}:15008`, protocol: 'HBONE' })),
    },
  }]));
  return JSON.stringify({ workloads, services, policies: [], certificates: [], workloadState });
}

describe('inspect at scale', () => {
  const dump = parseConfigDump(bigDump(), 'config_dump.json');

  it.each(['workloads', 'services', 'connections', 'all'] as const)('%s of 20k workloads renders in seconds', (view: InspectView) => {
    const started = performance.now();
    const table = renderView(dump, { view, format: 'table', filter: { at: '2026-11-25T09:30:00Z' } });
    const json = renderView(dump, { view, format: 'json', filter: { at: '2026-11-25T09:30:00Z' } });
    const elapsed = performance.now() - started;
    expect(table.length).toBeGreaterThan(0);
    expect(JSON.parse(json)).toBeTruthy();
    if (view === 'workloads') expect(table.split('\n')[1]).toMatch(/^ns-0 +pod-0 +10\.244\.0\.0 +node-0 +svc-4999 +HBONE$/);
    if (view === 'connections') expect(table.trimEnd().split('\n')).toHaveLength(1 + 2_000 * 10);
    expect(elapsed).toBeLessThan(15_000);
    console.log(`${view}: table + json in ${Math.round(elapsed)} ms`);
  });
});
