/**
 * `inspect --file` on istioctl's own test dump (read in place from ../shared) prints exactly
 * istioctl's golden outputs: workloads, policies, certificates and connections tables byte for
 * byte, and `connections -o json` as connectionsdump.json. The services table (no golden in
 * ../shared) is checked against counts worked out from the raw dump, `all` against the goldens it
 * is made of, and the filters against the golden rows they must keep.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { GOLDEN_TIME, inspect, readGolden, UPSTREAM_DUMP, upstreamPresent } from './helpers.js';

/** Table lines as arrays of cells (every value in these tables is free of spaces except headers). */
const rowsOf = (table: string) => table.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/));

describe.skipIf(!upstreamPresent)('inspect --file on istioctl testdata/dump.json (skipped: ../shared not present)', () => {
  const goldens = [
    ['workloads', 'workloadsummary.txt'],
    ['policies', 'policies.txt'],
    ['certificates', 'secretsummary.txt'],
    ['connections', 'connectionsummary.txt'],
  ] as const;

  it.each(goldens)('%s equals %s byte for byte', async (view, golden) => {
    const r = await inspect({ view, file: UPSTREAM_DUMP, at: GOLDEN_TIME });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readGolden(golden));
  });

  it('connections -o json equals connectionsdump.json byte for byte', async () => {
    const r = await inspect({ view: 'connections', file: UPSTREAM_DUMP, output: 'json', at: GOLDEN_TIME });
    expect(r.stdout).toBe(readGolden('connectionsdump.json'));
  });

  it('services: VIPs without network, waypoint and healthy/total endpoints as the raw dump says', async () => {
    type RawService = { name: string; namespace: string; vips: string[]; endpoints: Record<string, { workloadUid: string }> };
    const raw = JSON.parse(readFileSync(UPSTREAM_DUMP, 'utf8')) as { services: Record<string, RawService>; workloads: Record<string, { uid: string; status?: string }> };
    const status = new Map(Object.values(raw.workloads).map((w) => [w.uid, w.status]));
    const expected = Object.values(raw.services)
      .map((s) => {
        const eps = Object.values(s.endpoints);
        const healthy = eps.filter((e) => status.get(e.workloadUid) === 'Healthy').length;
        return [s.namespace, s.name, s.vips.map((v) => v.split('/')[1]).join(','), 'None', `${healthy}/${eps.length}`];
      })
      .sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1));
    const r = await inspect({ view: 'services', file: UPSTREAM_DUMP });
    expect(r.stdout.split('\n')[0]).toBe('NAMESPACE      SERVICE NAME                        SERVICE VIP   WAYPOINT ENDPOINTS');
    expect(rowsOf(r.stdout)).toEqual(expected);
    // Two rows quoted in design/upstream-formats.md §6 from istioctl's allsummary golden.
    expect(r.stdout).toContain('\nbookinfo       bookinfo-productpage-istio-waypoint 10.96.71.36   None     1/1\n');
    expect(r.stdout).toContain('\ndefault        kubernetes                          10.96.0.1     None     0/0\n');
  });

  it('all prints the five tables in order, each after a blank line, with optional banners', async () => {
    const services = (await inspect({ view: 'services', file: UPSTREAM_DUMP })).stdout;
    const parts = [readGolden('workloadsummary.txt'), services, readGolden('policies.txt'), readGolden('secretsummary.txt'), readGolden('connectionsummary.txt')];
    const banners = ['WORKLOAD', 'SERVICE', 'POLICY', 'SECRET', 'CONNECTIONS'];
    const plain = await inspect({ view: 'all', file: UPSTREAM_DUMP, at: GOLDEN_TIME });
    expect(plain.stdout).toBe(parts.map((p) => `\n${p}`).join(''));
    const headed = await inspect({ view: 'all', file: UPSTREAM_DUMP, at: GOLDEN_TIME, withHeaders: true });
    expect(headed.stdout).toBe(parts.map((p, i) => `\n------ ${banners[i]} INFO ------\n\n${p}`).join(''));
  });

  it('VALID CERT follows the time it is judged at', async () => {
    const before = await inspect({ view: 'certificates', file: UPSTREAM_DUMP, at: '2023-03-21T13:00:00Z' });
    const leaf = (out: string) => out.split('\n').find((l) => l.includes(' Leaf '))!.split(/ +/)[3];
    expect(leaf(before.stdout)).toBe('false');
    expect(leaf((await inspect({ view: 'certificates', file: UPSTREAM_DUMP, at: GOLDEN_TIME })).stdout)).toBe('true');
    expect(leaf((await inspect({ view: 'certificates', file: UPSTREAM_DUMP, at: '2033-03-23T00:00:00Z' })).stdout)).toBe('false');
  });

  it('--namespace, --node, --address and --pod keep exactly the matching golden rows', async () => {
    const all = rowsOf(readGolden('workloadsummary.txt'));
    const byNs = await inspect({ view: 'workloads', file: UPSTREAM_DUMP, namespace: 'DEFAULT' });
    expect(rowsOf(byNs.stdout)).toEqual(all.filter((r) => r[0] === 'default'));
    const byNode = await inspect({ view: 'workloads', file: UPSTREAM_DUMP, node: 'ambient-worker' });
    expect(rowsOf(byNode.stdout)).toEqual(all.filter((r) => r[3] === 'ambient-worker'));
    const byAddress = await inspect({ view: 'workloads', file: UPSTREAM_DUMP, address: '10.244.1.40' });
    expect(rowsOf(byAddress.stdout)).toEqual(all.filter((r) => r[2] === '10.244.1.40'));
    expect(rowsOf(byAddress.stdout)).toHaveLength(1);
    const byPod = await inspect({ view: 'workloads', file: UPSTREAM_DUMP, pod: 'bookinfo/productpage-v1-675fc69cf-jscn2' });
    expect(rowsOf(byPod.stdout)).toEqual(all.filter((r) => r[1] === 'productpage-v1-675fc69cf-jscn2'));

    const conns = rowsOf(readGolden('connectionsummary.txt'));
    const podConns = await inspect({ view: 'connections', file: UPSTREAM_DUMP, pod: 'productpage-v1-796f87b58-97bjk' });
    expect(podConns.stdout.split('\n')[0]).toMatch(/^WORKLOAD +DIRECTION +LOCAL +REMOTE +REMOTE TARGET +PROTOCOL$/);
    const keep = conns.filter((r) => r[0] === 'productpage-v1-796f87b58-97bjk.bookinfo');
    expect(keep).toHaveLength(3);
    expect(rowsOf(podConns.stdout).map((r) => r.join(' '))).toEqual(keep.map((r) => r.join(' ')));
    const statePod = await inspect({ view: 'connections', file: UPSTREAM_DUMP, namespace: 'bookinfo', direction: 'outbound' });
    expect(rowsOf(statePod.stdout).map((r) => r.join(' '))).toEqual(conns.filter((r) => r[1] === 'Outbound').map((r) => r.join(' ')));
  });

  it('-o yaml holds the same items as -o json', async () => {
    for (const view of ['workloads', 'services', 'policies', 'certificates', 'connections'] as const) {
      const json = await inspect({ view, file: UPSTREAM_DUMP, output: 'json' });
      const yaml = await inspect({ view, file: UPSTREAM_DUMP, output: 'yaml' });
      expect(parseYaml(yaml.stdout), view).toEqual(JSON.parse(json.stdout));
    }
  });
});
