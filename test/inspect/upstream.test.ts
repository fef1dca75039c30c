/**
 * `inspect --file` on istioctl's own test dump (read in place from ../shared) prints exactly
 * istioctl's golden outputs: workloads, policies, certificates and connections tables byte for
 * byte, and `connections -o json` as connectionsdump.json.
 */
import { describe, expect, it } from 'vitest';
import { GOLDEN_TIME, inspect, readGolden, UPSTREAM_DUMP, upstreamPresent } from './helpers.js';

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
    expect(r.stdout).toBe(readGolden(golden));
  });

  it('connections -o json equals connectionsdump.json byte for byte', async () => {
    const r = await inspect({ view: 'connections', file: UPSTREAM_DUMP, output: 'json', at: GOLDEN_TIME });
    expect(r.stdout).toBe(readGolden('connectionsdump.json'));
  });
});
