/**
 * Reads a single saved ztunnel config dump for `inspect --file`: a path, or '-' for standard
 * input (what `kubectl exec ... curl localhost:15000/config_dump | ztunnel-bundle inspect ... -f -`
 * gives). The input is untrusted: it is read with a byte cap, so a runaway pipe cannot exhaust
 * memory, and every problem becomes a one-line BundleError naming the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { formatBytesPair } from '../bundle/limits.js';
import { DEFAULT_LIMITS } from '../bundle/source.js';
import { BundleError } from '../errors.js';
import { parseConfigDump, type ZtunnelConfigDump } from '../parse/configDump.js';

export interface ReadDumpOptions {
  /** Where '-' reads from (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Largest input accepted (default: the bundle reader's whole-file limit). */
  maxBytes?: number;
}

const tooBig = (size: number, max: number) => {
  const [actual, limit] = formatBytesPair(size, max);
  return `config dump is ${actual}, over the ${limit} limit`;
};

async function readCapped(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buf.length;
    if (total > maxBytes) throw new BundleError('<stdin>', tooBig(total, maxBytes));
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function readPath(path: string, maxBytes: number): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new BundleError(path, 'not a file');
    if (info.size > maxBytes) throw new BundleError(path, tooBig(info.size, maxBytes));
    return await readFile(path);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleError(path, code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? String(err)}`);
  }
}

/** Reads and parses a config dump from a path or '-'. */
export async function readDumpFile(path: string, options: ReadDumpOptions = {}): Promise<ZtunnelConfigDump> {
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxTextBytes;
  const bytes = path === '-' ? await readCapped(options.stdin ?? process.stdin, maxBytes) : await readPath(path, maxBytes);
  const file = path === '-' ? '<stdin>' : path;
  if (bytes.length === 0) throw new BundleError(file, 'empty file, expected a ztunnel config dump (JSON)');
  return parseConfigDump(bytes.toString('utf8'), file);
}
