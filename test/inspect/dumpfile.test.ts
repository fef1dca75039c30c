/**
 * `inspect --file`: a saved dump from a path or stdin, read with a byte cap; anything that is not
 * a config dump is a one-line BundleError naming the file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError, UsageError } from '../../src/errors.js';
import { readDumpFile } from '../../src/inspect/dumpfile.js';
import { HEALTHY, inspect } from './helpers.js';

const DUMP = join(HEALTHY, 'ztunnel/ztunnel-8smsz/config_dump.json');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-inspect-file-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).not.toContain('\n');
  return err as Error;
}

describe('inspect --file', () => {
  it('reads a dump from stdin with -f - and prints the same as from its path', async () => {
    const fromPath = await inspect({ view: 'workloads', file: DUMP });
    const text = await readFile(DUMP, 'utf8');
    const fromStdin = await inspect({ view: 'workloads', file: '-', stdin: Readable.from([text.slice(0, 1000), text.slice(1000)]) });
    expect(fromStdin.stdout).toBe(fromPath.stdout);
    expect(fromPath.stdout.split('\n')[0]).toMatch(/^NAMESPACE +POD NAME +ADDRESS +NODE +WAYPOINT +PROTOCOL$/);
  });

  it('--pod on a file narrows to that workload, which must be in the dump', async () => {
    const r = await inspect({ view: 'workloads', file: DUMP, pod: 'default/productpage-v1-qm8tlcbtx-m5zrb' });
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
    const err = await failure(inspect({ view: 'workloads', file: DUMP, pod: 'nope' }));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`--pod nope: no such workload in ${DUMP}`);
  });

  it('bad JSON, a non-object, an empty file and a missing file are BundleErrors naming the file', async () => {
    const bad = join(work, 'bad.json');
    await writeFile(bad, '{"workloads": [}');
    const e1 = await failure(inspect({ view: 'workloads', file: bad }));
    expect(e1).toBeInstanceOf(BundleError);
    expect(e1.message).toMatch(new RegExp(`^${bad}: invalid JSON at line 1 column \\d+: `));

    const list = join(work, 'list.json');
    await writeFile(list, '[1, 2]');
    expect((await failure(inspect({ view: 'workloads', file: list }))).message).toBe(`${list}: config dump is not a JSON object`);

    const empty = join(work, 'empty.json');
    await writeFile(empty, '');
    expect((await failure(inspect({ view: 'workloads', file: empty }))).message).toBe(`${empty}: empty file, expected a ztunnel config dump (JSON)`);

    expect((await failure(inspect({ view: 'workloads', file: join(work, 'absent.json') }))).message).toBe(`${join(work, 'absent.json')}: no such file`);
    expect((await failure(inspect({ view: 'workloads', file: work }))).message).toBe(`${work}: not a file`);
  });

  it('stops reading past the byte cap, from a file or from a stream that never ends', async () => {
    await expect(readDumpFile(DUMP, { maxBytes: 100 })).rejects.toThrow(/config_dump\.json: config dump is \d+(\.\d)? KB, over the 100 bytes limit$/);
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 65536;
        this.push(Buffer.alloc(65536, 0x20));
      },
    });
    await expect(readDumpFile('-', { stdin: endless, maxBytes: 1024 * 1024 })).rejects.toThrow(BundleError);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
    endless.destroy();
  });

  it('judges VALID CERT now by default, for a dump that has no collection time', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const cert = (from: number, to: number) => ({ pem: '', serialNumber: '10', validFrom: iso(from), expirationTime: iso(to) });
    const path = join(work, 'now.json');
    await writeFile(path, JSON.stringify({
      certificates: [
        { identity: 'spiffe://cluster.local/ns/a/sa/current', state: 'Available', certChain: [cert(now - 3_600_000, now + 3_600_000)], rootCerts: [] },
        { identity: 'spiffe://cluster.local/ns/a/sa/expired', state: 'Available', certChain: [cert(now - 7_200_000, now - 3_600_000)], rootCerts: [] },
      ],
    }));
    const r = await inspect({ view: 'certificates', file: path });
    expect(r.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ +/).slice(0, 4))).toEqual([
      ['spiffe://cluster.local/ns/a/sa/current', 'Leaf', 'Available', 'true'],
      ['spiffe://cluster.local/ns/a/sa/expired', 'Leaf', 'Available', 'false'],
    ]);
  });

  it('prints what it can of a dump with malformed fields and says on stderr what was left out', async () => {
    const path = join(work, 'odd.json');
    await writeFile(path, JSON.stringify({
      workloads: [{ uid: 'u1', name: 'ok-1', namespace: 'a', workloadIps: ['10.0.0.1'], node: 7 }, 'not-a-workload'],
      services: 'not-a-map',
    }));
    const r = await inspect({ view: 'workloads', file: path });
    expect(r.stdout).toBe('NAMESPACE POD NAME ADDRESS  NODE WAYPOINT PROTOCOL\na         ok-1     10.0.0.1      None     TCP\n');
    expect(r.stderr).toMatch(new RegExp(`^inspect: ${path}: \\d+ malformed field\\(s\\) left out, first /workloads/1: expected an object.*\\n$`));
  });

  it('--ztunnel does not apply to a file', async () => {
    expect(await failure(inspect({ view: 'workloads', file: DUMP, ztunnel: 'ztunnel-8smsz' }))).toBeInstanceOf(UsageError);
  });
});
