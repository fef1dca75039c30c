/**
 * Helpers for the CLI-level hostile-bundle tests: run the built CLI as a user would while
 * measuring its wall time and peak memory, snapshot a directory tree to prove nothing was written
 * outside the output directory, and write the zip shapes the bundle helpers do not (entries whose
 * central-directory records share one local file's data).
 */
import { readFile, readdir, lstat, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { runCli } from '../support/cli.js';

const PROBE = new URL('./rss-probe.mjs', import.meta.url).href;

export interface MeasuredRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the child, in milliseconds. */
  ms: number;
  /** Peak resident set size of the child, in bytes (undefined if it died before reporting). */
  peakRss: number | undefined;
}

/** Runs `node bin/ztunnel-bundle.js ...args` with the RSS probe preloaded; kills it after timeoutMs. */
export async function runMeasured(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; rssFile: string }): Promise<MeasuredRun> {
  await rm(options.rssFile, { force: true });
  const started = performance.now();
  const result = await runCli(args, { nodeArgs: ['--import', PROBE], env: { ZB_RSS_OUT: options.rssFile, ...options.env }, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
  const ms = performance.now() - started;
  const peakRss = await readFile(options.rssFile, 'utf8').then(Number, () => undefined);
  return { ...result, ms, peakRss };
}

/** Every path under dir (relative, '/'-separated) with its type and size; links are listed, never followed. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const absolute = join(current, entry.name);
      const info = await lstat(absolute);
      const path = relative(dir, absolute).split('\\').join('/');
      const kind = info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : info.isFile() ? 'file' : 'other';
      out.set(path, `${kind}:${info.size}:${info.mtimeMs}`);
      if (info.isDirectory()) await walk(absolute);
    }
  };
  await walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, state] of after) if (before.get(path) !== state) changed.push(path);
  for (const path of before.keys()) if (!after.has(path)) changed.push(path);
  return changed.sort();
}

/**
 * A zip whose central directory lists `names`, every record pointing at the same local file
 * (an "overlapping" zip: the shape of the non-recursive zip bomb, and a way to show different
 * names for one content). The local header carries the first name.
 */
export function overlappingZip(names: string[], content: Buffer): Buffer {
  const first = Buffer.from(names[0]!, 'utf8');
  const data = deflateRawSync(content);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(first.length, 26);
  const centrals: Buffer[] = [];
  for (const name of names) {
    const bytes = Buffer.from(name, 'utf8');
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(bytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(0, 42); // every record: the one local header at offset 0
    centrals.push(central, bytes);
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(local.length + first.length + data.length, 16);
  return Buffer.concat([local, first, data, directory, end]);
}
