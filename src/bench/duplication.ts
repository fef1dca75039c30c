/**
 * Measures how much of a bundle directory is the same data stored more than once: whole files
 * with identical content (istiod's per-ztunnel config_dumps), how much of that is already stored
 * once (hard links to one inode, which `tar -czf` packs as link entries), and workload/service
 * entries that every ztunnel's config_dump repeats. Reads one dump at a time, so memory stays at
 * one dump plus sets of hashes and inodes.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DuplicationSample } from './types.js';

async function* files(root: string, dir = root): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(root, path);
    else if (entry.isFile()) yield path;
  }
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export async function measureDuplication(root: string, nodes: number): Promise<DuplicationSample> {
  const seenFiles = new Set<string>();
  const seenEntries = new Set<string>();
  const seenInodes = new Set<string>();
  const sample: DuplicationSample = { nodes, duplicateFileBytes: 0, linkedFileBytes: 0, totalBytes: 0, entryBytes: 0, distinctEntryBytes: 0 };
  for await (const path of files(root)) {
    const data = await readFile(path);
    sample.totalBytes += data.length;
    const digest = sha(data);
    if (seenFiles.has(digest)) sample.duplicateFileBytes += data.length;
    else seenFiles.add(digest);
    const info = await stat(path);
    if (info.nlink > 1) {
      const inode = `${info.dev}:${info.ino}`;
      if (seenInodes.has(inode)) sample.linkedFileBytes += data.length;
      else seenInodes.add(inode);
    }
    if (!/^ztunnel\/[^/]+\/config_dump\.json$/.test(relative(root, path).split('\\').join('/'))) continue;
    let dump: unknown;
    try {
      dump = JSON.parse(data.toString('utf8'));
    } catch {
      continue; // a broken dump is analyze's problem, not the bench's
    }
    for (const key of ['workloads', 'services'] as const) {
      const list = (dump as Record<string, unknown>)[key];
      const entries = Array.isArray(list) ? list : list && typeof list === 'object' ? Object.values(list) : [];
      for (const entry of entries) {
        const text = JSON.stringify(entry);
        sample.entryBytes += text.length;
        const h = sha(text);
        if (!seenEntries.has(h)) {
          seenEntries.add(h);
          sample.distinctEntryBytes += text.length;
        }
      }
    }
  }
  return sample;
}
