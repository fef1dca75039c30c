/**
 * Bundles that live in memory: MemoryBundle, built from a plain record of files (unit tests, and
 * rule test cases written inline), and overlayBundle, which replaces, adds or deletes a few files
 * of another bundle without touching it (a rule test case starts from a fixture directory and
 * breaks one thing). Both behave exactly like the disk readers: same errors, same limits.
 */
import { Readable } from 'node:stream';
import { BundleError } from '../errors.js';
import { entryNameSegments } from './archive.js';
import { decodeText, resolveLimits, tooBigForTextMessage } from './limits.js';
import type { BundleLimits, BundleSource } from './source.js';

export interface MemoryBundleOptions {
  /** Shown in reports and messages (default "memory"). */
  description?: string;
  limits?: Partial<BundleLimits>;
}

export class MemoryBundle implements BundleSource {
  readonly description: string;
  private readonly files = new Map<string, Buffer>();
  private readonly sorted: readonly string[];
  private readonly maxTextBytes: number;

  /** Keys are bundle paths ("cluster/pods.json"); a key that could not be a bundle path throws. */
  constructor(files: Record<string, string | Buffer>, options: MemoryBundleOptions = {}) {
    this.description = options.description ?? 'memory';
    this.maxTextBytes = resolveLimits(options.limits).maxTextBytes;
    for (const [path, content] of Object.entries(files)) {
      this.files.set(checkPath(path), toBuffer(content));
    }
    this.sorted = Object.freeze([...this.files.keys()].sort());
  }

  list(): readonly string[] {
    return this.sorted;
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  size(path: string): number | undefined {
    return this.files.get(path)?.length;
  }

  async readText(path: string, options: { maxBytes?: number } = {}): Promise<string> {
    return decodeText(await this.readBytes(path, options));
  }

  async readBytes(path: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const content = this.get(path);
    const maxBytes = options.maxBytes ?? this.maxTextBytes;
    if (content.length > maxBytes) throw new BundleError(path, tooBigForTextMessage(content.length, maxBytes));
    return content;
  }

  /** Files in memory are separate buffers, even when equal. */
  sameFileAs(): string | undefined {
    return undefined;
  }

  openStream(path: string): Readable {
    return Readable.from([this.get(path)], { objectMode: false });
  }

  async close(): Promise<void> {}

  private get(path: string): Buffer {
    const content = this.files.get(path);
    if (content === undefined) throw new BundleError(path, 'not in the bundle');
    return content;
  }
}

/**
 * `base` with some files replaced or added (a string or Buffer) or deleted (null). The overlay
 * does not own `base`: closing it leaves `base` open unless `closeBase` is set, so several test
 * cases can share one opened fixture.
 */
export function overlayBundle(
  base: BundleSource,
  overrides: Record<string, string | Buffer | null>,
  options: { closeBase?: boolean } = {},
): BundleSource {
  const replaced = new MemoryBundle(
    Object.fromEntries(Object.entries(overrides).filter((e): e is [string, string | Buffer] => e[1] !== null)),
    { description: base.description },
  );
  const deleted = new Set(Object.keys(overrides).filter((path) => overrides[path] === null).map(checkPath));
  const hidden = (path: string) => deleted.has(path);
  const listed = Object.freeze(
    [...new Set([...base.list().filter((p) => !hidden(p)), ...replaced.list()])].sort(),
  );
  const missing = (path: string) => new BundleError(path, 'not in the bundle');
  return {
    description: base.description,
    list: () => listed,
    has: (path) => replaced.has(path) || (!hidden(path) && base.has(path)),
    size: (path) => (replaced.has(path) ? replaced.size(path) : hidden(path) ? undefined : base.size(path)),
    readText: async (path, readOptions) => {
      if (replaced.has(path)) return replaced.readText(path, readOptions);
      if (hidden(path)) throw missing(path);
      return base.readText(path, readOptions);
    },
    readBytes: async (path, readOptions) => {
      if (replaced.has(path)) return replaced.readBytes(path, readOptions);
      if (hidden(path)) throw missing(path);
      return base.readBytes(path, readOptions);
    },
    // A replaced or hidden file is no longer the file it was linked to, nor is a link to one.
    sameFileAs: (path) => {
      if (replaced.has(path) || hidden(path)) return undefined;
      const original = base.sameFileAs(path);
      return original === undefined || replaced.has(original) || hidden(original) ? undefined : original;
    },
    openStream: (path) => {
      if (replaced.has(path)) return replaced.openStream(path);
      if (hidden(path)) throw missing(path);
      return base.openStream(path);
    },
    close: async () => {
      if (options.closeBase) await base.close();
    },
  };
}

/** The same name rules as archive entries, plus the canonical form: no leading "./", no "//". */
function checkPath(path: string): string {
  const segments = entryNameSegments(path, path);
  if (segments.length === 0 || segments.join('/') !== path) throw new BundleError(path, 'is not a bundle path (expected e.g. "cluster/pods.json")');
  return path;
}

function toBuffer(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}
