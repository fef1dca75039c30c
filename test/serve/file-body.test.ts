/**
 * sendFileBody: recorded files sent whole from pooled buffers must arrive byte for byte however
 * responses interleave: many large files of different sizes in flight at once, clients that read
 * slowly (so slices wait in the response's buffer while other responses take buffers), and
 * clients that hang up in the middle (their buffer goes back to the pool and is reused at once).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import type { BundleSource } from '../../src/bundle/source.js';
import { sendFileBody } from '../../src/serve/file-body.js';

const MiB = 1024 * 1024;
// The largest outgrow loopback socket buffers, so a slow reader leaves slices waiting in the response.
const SIZES = [0, 1, 1000, MiB - 1, MiB, MiB + 1, 3 * MiB + 12345, 5 * MiB, 12 * MiB, 16 * MiB + 7];
const contents = new Map(SIZES.map((size, i) => [`ztunnel/ztunnel-${i}/config_dump.json`, randomBytes(size)]));

let dir: string;
let bundle: BundleSource;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-body-'));
  for (const [path, bytes] of contents) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
  bundle = await openBundle(dir);
  server = createServer((req, res) => {
    const path = decodeURIComponent(req.url!.slice(1));
    const size = bundle.size(path)!;
    res.writeHead(200, { 'Content-Length': size });
    sendFileBody(bundle, path, size, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await bundle.close();
  await rm(dir, { recursive: true, force: true });
});

/** GETs a path; `slow` pauses after each chunk; `hangUpAfter` destroys the request after that many bytes. */
function fetchBody(path: string, { slow = false, hangUpAfter }: { slow?: boolean; hangUpAfter?: number } = {}): Promise<Buffer | 'hung up'> {
  return new Promise((resolve, reject) => {
    const req = get(base + encodeURIComponent(path), (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (hangUpAfter !== undefined && size >= hangUpAfter) {
          req.destroy();
          resolve('hung up');
        } else if (slow) {
          res.pause();
          setTimeout(() => res.resume(), 2);
        }
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', () => resolve('hung up'));
    });
    req.on('error', (err) => (hangUpAfter === undefined ? reject(err) : resolve('hung up')));
  });
}

describe('sendFileBody', () => {
  it('sends every file byte for byte with many responses in flight, slow readers and hang-ups among them', async () => {
    for (let round = 0; round < 3; round++) {
      const paths = [...contents.keys()];
      const requests = paths.flatMap((p, i) => [
        fetchBody(p, { slow: i % 2 === 0 }).then((body) => ({ p, body })),
        fetchBody(paths[(i + 3) % paths.length]!).then((body) => ({ p: paths[(i + 3) % paths.length]!, body })),
        ...(contents.get(p)!.length > 2 * MiB ? [fetchBody(p, { hangUpAfter: MiB / 2 }).then(() => undefined)] : []),
      ]);
      for (const result of await Promise.all(requests)) {
        if (result === undefined) continue;
        // equals, not toEqual: a diff of megabytes would take minutes to print.
        expect(Buffer.isBuffer(result.body) && result.body.equals(contents.get(result.p)!), result.p).toBe(true);
      }
    }
  });
});
