/**
 * Test helpers for the bundle reader: private temporary roots, a realistic small bundle, and
 * archive writers. The hostile archives are generated here, byte by byte where a library would
 * normalise them away (tar-stream writes names and types as given; zips are written by hand:
 * local headers, central directory, end record), so no binary fixture is checked in.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip, crc32, deflateRawSync } from 'node:zlib';
import tarStream from 'tar-stream';

/** A private parent for extraction directories, so each test can check it is left empty. */
export async function makeTempRoot(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `zb-test-${label}-`));
}

export async function removeTempRoot(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Entries of a directory (one level), to prove nothing was left behind or written outside. */
export async function entriesOf(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

const POD = 'ztunnel-6hvcw';

/** A small bundle in the real layout, written by us in the real formats. */
export function sampleBundle(): Record<string, string> {
  return {
    'manifest.json': JSON.stringify({
      schemaVersion: '1',
      tool: { name: 'ztunnel-bundle', version: '0.1.0' },
      collectedAt: '2026-11-25T09:30:00Z',
      status: 'complete',
      artifacts: [{ path: `ztunnel/${POD}/config_dump.json`, target: `GET pod istio-system/${POD} :15000/config_dump`, status: 'ok' }],
    }),
    'cluster/pods.json': JSON.stringify({
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ metadata: { name: POD, namespace: 'istio-system', labels: { app: 'ztunnel' } }, spec: { nodeName: 'kind-worker' } }],
    }),
    [`ztunnel/${POD}/config_dump.json`]: JSON.stringify({
      workloads: [{ uid: 'Kubernetes//Pod/default/sleep-7656cf8794-xj4lm', name: 'sleep-7656cf8794-xj4lm', namespace: 'default', workloadIps: ['10.244.1.6'], protocol: 'HBONE', node: 'kind-worker' }],
      services: [],
      policies: [],
      certificates: [],
    }),
    [`ztunnel/${POD}/ztunnel.log`]:
      '2026-11-25T09:29:58.123456Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.6:47516 src.workload="sleep-7656cf8794-xj4lm" dst.addr=10.244.2.9:15008 direction="outbound" bytes_sent=67 bytes_recv=490 duration="16ms"\n',
    [`ztunnel/${POD}/ready.txt`]: '200\nready\n',
  };
}

/** Writes files (bundle path -> content) under dir. */
export async function writeTree(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

export interface TarEntrySpec {
  name: string;
  type?: tarStream.Header['type'];
  content?: string | Buffer;
  /** Streamed content, for entries too big to hold (a gzip bomb). */
  stream?: () => Readable;
  size?: number;
  linkname?: string;
}

/** Writes a tar (gzip: true -> .tar.gz) with tar-stream, which keeps names and types as given. */
export async function writeTar(file: string, entries: TarEntrySpec[], options: { gzip: boolean }): Promise<void> {
  const pack = tarStream.pack();
  const output = options.gzip ? pipeline(pack, createGzip(), createWriteStream(file)) : pipeline(pack, createWriteStream(file));
  for (const entry of entries) {
    const header: Partial<tarStream.Header> & { name: string } = { name: entry.name, type: entry.type ?? 'file', mode: 0o644 };
    if (entry.linkname !== undefined) header.linkname = entry.linkname;
    if (entry.stream) {
      header.size = entry.size!;
      const sink = pack.entry(header);
      await pipeline(entry.stream(), sink);
    } else {
      await new Promise<void>((resolve, reject) => pack.entry(header, entry.content ?? '', (err) => (err ? reject(err) : resolve())));
    }
  }
  pack.finalize();
  await output;
}

/** `size` zero bytes, streamed in 1 MB chunks (never all in memory). */
export function zeros(size: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

export interface ZipEntrySpec {
  name: string;
  content?: Buffer | string;
  /** Unix mode including the type bits (e.g. 0o120777 for a symlink); 0 leaves the attributes empty. */
  mode?: number;
  deflate?: boolean;
  /** Overrides the uncompressed size written in the headers (a lying header). */
  declaredSize?: number;
  flags?: number;
}

/**
 * A minimal zip writer: local file header + data for each entry, then the central directory and
 * the end-of-central-directory record. Names are written as given, which archiver would not do.
 */
export function zipBytes(entries: ZipEntrySpec[], options: { recordCount?: number } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = typeof entry.content === 'string' ? Buffer.from(entry.content) : (entry.content ?? Buffer.alloc(0));
    const data = entry.deflate ? deflateRawSync(raw) : raw;
    const size = entry.declaredSize ?? raw.length;
    const crc = crc32(raw);
    const method = entry.deflate ? 8 : 0;
    const flags = 0x800 | (entry.flags ?? 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = options.recordCount ?? entries.length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
