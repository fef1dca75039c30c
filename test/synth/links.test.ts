/**
 * The generator writes a file identical to an earlier one as a hard link to it (istiod's per-ztunnel
 * config dumps), so `tar -czf` of a synthetic bundle stores them once as link entries, as `collect`
 * does; the bundle reader turns them back into ordinary files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { generateBundle } from '../../src/synth/generate.js';
import { healthyPreset } from '../../src/synth/presets.js';
import { listFiles } from './helpers.js';

const hasSystemTar = spawnSync('tar', ['--version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'synth-links-'));
const out = join(tmp, 'healthy');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Non-empty files grouped by content hash. */
function byContent(root: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const f of listFiles(root)) {
    const data = readFileSync(join(root, f));
    if (data.length === 0) continue;
    const sha = createHash('sha256').update(data).digest('hex');
    groups.set(sha, [...(groups.get(sha) ?? []), f]);
  }
  return groups;
}

describe('synthetic bundle with identical files', () => {
  beforeAll(async () => {
    await generateBundle(healthyPreset(), out);
  });

  it('writes each set of identical files as one file under several names, and every other file on its own', () => {
    const groups = [...byContent(out).values()];
    const istiodDumps = groups.find((g) => g.some((f) => f.includes('/debug/config_dump/')));
    const nodes = healthyPreset().nodes.length;
    expect(istiodDumps?.length).toBe(nodes);
    for (const group of groups) {
      const stats = group.map((f) => statSync(join(out, f)));
      expect(new Set(stats.map((s) => s.ino)).size, group.join(', ')).toBe(1);
      for (const s of stats) expect(s.nlink, group.join(', ')).toBe(group.length);
    }
  });

  it('regenerates over its own output, the identical files linked again', async () => {
    await generateBundle(healthyPreset(), out);
    const again = byContent(out);
    expect([...again.values()].find((g) => g.some((f) => f.includes('/debug/config_dump/')))?.length).toBe(healthyPreset().nodes.length);
    for (const group of again.values()) for (const f of group) expect(statSync(join(out, f)).nlink).toBe(group.length);
  });

  describe.skipIf(!hasSystemTar)('packed by the system tar (skipped: no `tar` on PATH)', () => {
    it('becomes link entries that the bundle reader restores as the same bytes', async () => {
      const archive = join(tmp, 'healthy.tar.gz');
      execFileSync('tar', ['-czf', archive, '-C', tmp, 'healthy']);
      const links = execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('h'));
      const duplicates = [...byContent(out).values()].reduce((n, g) => n + g.length - 1, 0);
      expect(links.length).toBe(duplicates);
      const bundle = await openBundle(archive);
      try {
        expect([...bundle.list()]).toEqual(listFiles(out));
        for (const f of listFiles(out)) expect(await bundle.readText(f), f).toBe(readFileSync(join(out, f), 'utf8'));
      } finally {
        await bundle.close();
      }
    });
  });
});
