/**
 * `inspect traffic` and `inspect lb SERVICE` through the built bin, on the demo bundles.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('inspect traffic', () => {
  it('lists connections per ztunnel, direction, source and service, failing pairs first', async () => {
    const r = await runCli(['inspect', 'traffic', 'fixtures/broken']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ZTUNNEL\s+DIRECTION\s+SOURCE\s+DESTINATION SERVICE\s+CONNECTIONS\s+FAILURES/);
    expect(lines[1]!.split(/\s+/).slice(0, 6)).toEqual(['ztunnel-zfjjh', 'outbound', 'default/curl-z246k82b7s-p2zng', 'productpage.default.svc.cluster.local', '8', '8']);
    expect(lines).toHaveLength(6);
  });

  it('prints JSON rows with -o json', async () => {
    const r = await runCli(['inspect', 'traffic', 'fixtures/healthy', '-o', 'json']);
    const rows = JSON.parse(r.stdout) as { failures: number; direction: string }[];
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((row) => row.failures === 0)).toBe(true);
    expect(new Set(rows.map((row) => row.direction))).toEqual(new Set(['inbound', 'outbound']));
  });
});

describe('inspect lb', () => {
  it('shows how productpage spreads connections over the reviews endpoints', async () => {
    const r = await runCli(['inspect', 'lb', 'reviews', 'fixtures/healthy']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SERVICE\s+SOURCE\s+ZTUNNEL\s+ENDPOINT\s+CONNECTIONS\s+SHARE\s+VERDICT$/);
    expect(lines.slice(1).map((l) => l.match(/(reviews-v\d\S+)\s+(\d+)\s+(\d+%)/)?.slice(1))).toEqual([
      ['reviews-v1-7v9cz55rth-8pzqt', '3', '33%'],
      ['reviews-v2-cl2rgr8g8-pmbmw', '3', '33%'],
      ['reviews-v3-96rck4g2d-29k47', '3', '33%'],
    ]);
    expect(lines[1]).toContain('too few connections');
  });

  it('names the services with traffic when the one asked for has none, and exits 2', async () => {
    const r = await runCli(['inspect', 'lb', 'nope', 'fixtures/healthy']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ztunnel-bundle: inspect lb: no outbound connections to "nope" .*services with traffic: details\.default\.svc\.cluster\.local, /);
  });

  it('explains the usage when the bundle is missing', async () => {
    const r = await runCli(['inspect', 'lb', 'reviews']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('ztunnel-bundle: inspect lb: usage: inspect lb SERVICE BUNDLE');
  });
});
