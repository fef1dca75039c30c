/**
 * The connection-URL detector skips lines without an '@' after their first '://' (metrics lines
 * full of spiffe:// identities cost the leak scan half a second of regex at 100 nodes). That
 * shortcut must never skip a line the detector's pattern matches: random lines built from URL
 * pieces are checked against the pattern, and findSecrets still finds credentials after other
 * URLs, at the line's end, and among spiffe identities.
 */
import { describe, expect, it } from 'vitest';
import { findSecrets } from '../../src/redact/index.js';

// The basic-auth-url pattern of src/redact/detect.ts.
const PATTERN = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:/@"'<>[\]\\]{0,256}:(?<secret>[^\s@/"'<>\\]{1,256})@/d;
const PIECES = ['https://', 'postgres://', 'spiffe://cluster.local/ns/apps/sa/app', 'user', ':', 'pa55w0rd', '@', 'db.svc', '/', ' ', '"', 'x', '://', '=', ','];

function randomLine(seed: number): string {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff);
  return Array.from({ length: 1 + (next() % 14) }, () => PIECES[next() % PIECES.length]).join('');
}

describe('basic-auth-url prefilter', () => {
  it('passes every line the pattern matches', () => {
    let matched = 0;
    for (let seed = 1; seed <= 50_000; seed++) {
      const line = randomLine(seed);
      if (!PATTERN.test(line)) continue;
      matched++;
      expect(line.lastIndexOf('@') > line.indexOf('://'), line).toBe(true);
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('still finds credentials after other URLs and among spiffe identities', () => {
    const lines = [
      'see https://istio.io/docs then postgres://app:S3cr3tpass@db:5432/orders',
      'istio_requests_total{source_principal="spiffe://cluster.local/ns/a/sa/b",url="redis://:S3cr3tpass@redis:6379"} 1',
      'redis://:S3cr3tpass@',
      'mail ops@corp.example or use redis://:S3cr3tpass@redis:6379', // an '@' before the first '://' too
    ];
    for (const line of lines) expect(findSecrets(line).map((s) => [s.kind, line.slice(s.start, s.end)]), line).toEqual([['basic-auth-url', 'S3cr3tpass']]);
    expect(findSecrets('istio_requests_total{source_principal="spiffe://cluster.local/ns/a/sa/b",destination_principal="spiffe://cluster.local/ns/c/sa/d"} 7')).toEqual([]);
  });
});
