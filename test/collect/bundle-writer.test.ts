/**
 * BundleWriter: entries under one top folder, readable by the project's own bundle reader in both
 * formats; the archive exists only under a temporary name until finish(), and discard() leaves
 * nothing under either name. In a tar.gz an artifact identical to an earlier one is a hard-link
 * entry (typeflag '1') that our reader and GNU tar both turn back into the file; a zip holds copies.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tarStream from 'tar-stream';
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
const hasSystemTar = spawnSync('tar', ['--version']).status === 0;

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

describe('identical artifacts', () => {
  const top = 'ztunnel-bundle-2026-11-25T09-30-00Z';
  const dumpA = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-aaaaa.json';
  const dumpB = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-bbbbb.json';
  const dumpC = 'istiod/istiod-7d9f8-xk2lp/debug/config_dump/ztunnel-ccccc.json';
  // Hex of random bytes: gzip's 32 KiB window cannot find the repeat of a 300 KB dump, only a link can.
  const dump = Buffer.from(JSON.stringify({ configs: [{ '@type': 'type.googleapis.com/istio.workload.Address', noise: randomBytes(150_000).toString('hex') }] }));
  const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

  /** Writes the same set of artifacts: three identical dumps (two buffers, one spool file), a different file, two empty ones. */
  async function writeBundle(output: string, withHashes: boolean): Promise<{ outcomes: string[]; bytes: number }> {
    const spool = join(dir, `spool-${Math.random()}`);
    await writeFile(spool, dump);
    const writer = new BundleWriter({ output, format: formatForOutput(output), topFolder: top, date });
    const content = (data: Buffer | string) => (withHashes ? { sha256: sha(data) } : {});
    const outcomes = [
      writer.addBuffer(dumpA, dump, content(dump)),
      writer.addBuffer(dumpB, dump, content(dump)),
      writer.addFile(dumpC, spool, { bytes: dump.length, ...content(dump) }),
      writer.addBuffer('istiod/istiod-7d9f8-xk2lp/debug/syncz.json', '[]', content('[]')),
      writer.addBuffer('ztunnel/ztunnel-aaaaa/ztunnel.previous.log', '', content('')),
      writer.addBuffer('ztunnel/ztunnel-bbbbb/ztunnel.previous.log', '', content('')),
    ];
    return { outcomes, bytes: await writer.finish() };
  }

  async function tarEntries(file: string): Promise<{ name: string; type: string | undefined; linkname: string | null | undefined; size: number | undefined }[]> {
    const extract = tarStream.extract();
    const done = pipeline(createReadStream(file), createGunzip(), extract);
    const out = [];
    for await (const entry of extract as AsyncIterable<Readable & { header: tarStream.Header }>) {
      out.push({ name: entry.header.name, type: entry.header.type, linkname: entry.header.linkname, size: entry.header.size });
      entry.resume();
    }
    await done;
    return out;
  }

  it('stores a tar.gz artifact identical to an earlier one as a hard-link entry to the first copy', async () => {
    const output = join(dir, 'bundle.tar.gz');
    const { outcomes } = await writeBundle(output, true);
    expect(outcomes).toEqual(['copy', 'link', 'link', 'copy', 'copy', 'copy']);
    const entries = await tarEntries(output);
    // tar-stream reports typeflag '1' as 'link'; the target is the full entry name of the first copy.
    expect(entries.map((e) => [e.name, e.type, e.linkname ?? null])).toEqual([
      [`${top}/${dumpA}`, 'file', null],
      [`${top}/${dumpB}`, 'link', `${top}/${dumpA}`],
      [`${top}/${dumpC}`, 'link', `${top}/${dumpA}`],
      [`${top}/istiod/istiod-7d9f8-xk2lp/debug/syncz.json`, 'file', null],
      [`${top}/ztunnel/ztunnel-aaaaa/ztunnel.previous.log`, 'file', null],
      [`${top}/ztunnel/ztunnel-bbbbb/ztunnel.previous.log`, 'file', null],
    ]);
    expect(entries.filter((e) => e.type === 'link').every((e) => e.size === 0)).toBe(true);

    const bundle = await openBundle(output);
    try {
      for (const path of [dumpA, dumpB, dumpC]) {
        expect(bundle.size(path)).toBe(dump.length);
        expect(await bundle.readText(path)).toBe(dump.toString());
      }
    } finally {
      await bundle.close();
    }
  });

  it('makes the tar.gz about one dump smaller than full copies', async () => {
    const linked = await writeBundle(join(dir, 'linked.tar.gz'), true);
    const copies = await writeBundle(join(dir, 'copies.tar.gz'), false);
    expect(copies.outcomes.every((o) => o === 'copy')).toBe(true);
    // Each dump compresses to about half its size (hex); two of the three are no longer stored.
    expect(copies.bytes - linked.bytes).toBeGreaterThan(dump.length * 0.9);
  });

  it('adds nothing to the compression backlog for a link', async () => {
    const writer = new BundleWriter({ output: join(dir, 'b.tar.gz'), format: 'tar.gz', topFolder: top, date });
    const before = writer.backlogBytes();
    writer.addBuffer(dumpA, dump, { sha256: sha(dump) });
    const afterCopy = writer.backlogBytes();
    writer.addBuffer(dumpB, dump, { sha256: sha(dump) });
    expect(afterCopy - before).toBe(dump.length);
    expect(writer.backlogBytes()).toBe(afterCopy);
    await writer.discard();
  });

  it('keeps full copies in a zip, which has no hard-link entries', async () => {
    const output = join(dir, 'bundle.zip');
    const { outcomes } = await writeBundle(output, true);
    expect(outcomes.every((o) => o === 'copy')).toBe(true);
    const bundle = await openBundle(output);
    try {
      for (const path of [dumpA, dumpB, dumpC]) expect(await bundle.readText(path)).toBe(dump.toString());
    } finally {
      await bundle.close();
    }
  });

  describe.skipIf(!hasSystemTar)('extracted by the system tar (skipped: no `tar` on PATH)', () => {
    it('recreates every file, the linked ones with the first copy\'s bytes', async () => {
      const output = join(dir, 'bundle.tar.gz');
      await writeBundle(output, true);
      const into = join(dir, 'extracted');
      await mkdir(into);
      execFileSync('tar', ['-xzf', output, '-C', into]);
      for (const path of [dumpA, dumpB, dumpC]) expect((await readFile(join(into, top, path))).equals(dump), path).toBe(true);
      expect((await stat(join(into, top, dumpB))).nlink).toBe(3);
      expect(await readFile(join(into, top, 'ztunnel/ztunnel-bbbbb/ztunnel.previous.log'), 'utf8')).toBe('');
    });
  });
});

describe('formatForOutput', () => {
  it('selects zip by extension and tar.gz otherwise', () => {
    expect(formatForOutput('out/b.ZIP')).toBe('zip');
    expect(formatForOutput('b.tar.gz')).toBe('tar.gz');
    expect(formatForOutput('b.tgz')).toBe('tar.gz');
  });
});
