/**
 * BundleWriter: entries under one top folder, readable by the project's own bundle reader in both
 * formats; the archive exists only under a temporary name until finish(), and discard() leaves
 * nothing under either name.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { BundleWriter, formatForOutput } from '../../src/collect/bundle-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'writer-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const date = new Date('2026-11-25T09:30:00Z');

describe.each(['bundle.tar.gz', 'bundle.zip'])('BundleWriter %s', (name) => {
  it('writes buffers and spool files under the top folder, visible only after finish', async () => {
    const output = join(dir, name);
    const spool = join(dir, 'spool.log');
    await writeFile(spool, 'line 1\nline 2\n');
    const writer = new BundleWriter({ output, format: formatForOutput(output), topFolder: 'ztunnel-bundle-2026-11-25T09-30-00Z', date });
    writer.addBuffer('cluster/version.json', '{"gitVersion":"v1.31.4"}');
    writer.addFile('ztunnel/ztunnel-aaaaa/ztunnel.log', spool);
    expect(writer.tempPath.startsWith(`${output}.tmp-`)).toBe(true);
    expect(await readdir(dir)).not.toContain(name);
    const bytes = await writer.finish();
    expect(bytes).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.startsWith(name))).toEqual([name]);

    const bundle = await openBundle(output);
    try {
      expect(bundle.list()).toEqual(['cluster/version.json', 'ztunnel/ztunnel-aaaaa/ztunnel.log']);
      expect(await bundle.readText('ztunnel/ztunnel-aaaaa/ztunnel.log')).toBe('line 1\nline 2\n');
      expect(JSON.parse(await bundle.readText('cluster/version.json'))).toEqual({ gitVersion: 'v1.31.4' });
    } finally {
      await bundle.close();
    }
  });

  it('discard leaves nothing behind, not even the temporary file', async () => {
    const output = join(dir, name);
    const writer = new BundleWriter({ output, format: formatForOutput(output), topFolder: 'top', date });
    writer.addBuffer('a.json', Buffer.alloc(200_000, 'a'));
    await writer.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('formatForOutput', () => {
  it('selects zip by extension and tar.gz otherwise', () => {
    expect(formatForOutput('out/b.ZIP')).toBe('zip');
    expect(formatForOutput('b.tar.gz')).toBe('tar.gz');
    expect(formatForOutput('b.tgz')).toBe('tar.gz');
  });
});
