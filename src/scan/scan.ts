/**
 * scanBundle: the post-redaction leak check. Every file of a bundle is streamed line by line
 * (bundles can be GBs; nothing is read whole but large JSON files, see file-scan.ts) and every
 * line that still holds something that looks like a secret becomes a ScanHit, with the secret
 * masked in its excerpt. A clean bundle gives []. Used by `ztunnel-bundle scan`; collect finds the
 * same hits while it writes (src/collect/output-scan.ts) and merges them with mergeFileHits.
 */
import type { BundleSource } from '../bundle/source.js';
import { BundleError, errorText } from '../errors.js';
import type { SecretKind } from '../redact/kinds.js';
import type { EntropyOptions } from './entropy.js';
import { FileScanner, type FileHit } from './file-scan.js';

export interface ScanHit {
  /** Bundle path. */
  file: string;
  /** 1-based line number. */
  line: number;
  kind: SecretKind;
  /** The line around the hit, every secret on it masked. */
  excerpt: string;
}

export interface ScanOptions {
  /** Only these bundle paths (default: every file). */
  files?: readonly string[];
  /** High-entropy check settings, or false to check known formats only. */
  entropy?: EntropyOptions | false;
  /** Stop after this many hits (default 1000); the result then has exactly maxHits entries. */
  maxHits?: number;
  /** Longest piece of a line looked at at once (default 1 MiB). */
  maxLineChars?: number;
}

export const DEFAULT_MAX_HITS = 1000;

export async function scanBundle(bundle: BundleSource, options: ScanOptions = {}): Promise<ScanHit[]> {
  const maxHits = options.maxHits ?? DEFAULT_MAX_HITS;
  const hits: ScanHit[] = [];
  // Hits of each file scanned, by path, for the hard links to it (stored once, listed under
  // several names: collect's identical istiod dumps), which are not read again.
  const hitsOf = new Map<string, ScanHit[]>();
  // Whether a large JSON file can be read whole is the bundle's call (readBytes and its limit).
  const scanner = new FileScanner({
    maxTextBytes: Number.POSITIVE_INFINITY,
    ...(options.entropy === undefined ? {} : { entropy: options.entropy }),
    ...(options.maxLineChars === undefined ? {} : { maxLineChars: options.maxLineChars }),
  });
  for (const file of options.files ?? bundle.list()) {
    if (hits.length >= maxHits) break;
    const known = hitsOf.get(bundle.sameFileAs(file) ?? '');
    if (known !== undefined) {
      for (const hit of known.slice(0, maxHits - hits.length)) hits.push({ ...hit, file });
      continue;
    }
    const before = hits.length;
    for (const hit of await scanFile(bundle, file, scanner, maxHits - hits.length)) hits.push({ file, ...hit });
    hitsOf.set(file, hits.slice(before));
  }
  return hits;
}

/**
 * The hits of each file, in the order scanBundle lists them for a bundle of these files: paths
 * sorted (the bundle reader lists them so), at most maxHits in all. `hitsOf(path)` gives at least
 * min(maxHits, the file's hits) of them.
 */
export function mergeFileHits(paths: Iterable<string>, hitsOf: (path: string) => readonly FileHit[], maxHits = DEFAULT_MAX_HITS): ScanHit[] {
  const hits: ScanHit[] = [];
  for (const file of [...paths].sort()) {
    if (hits.length >= maxHits) break;
    for (const hit of hitsOf(file).slice(0, maxHits - hits.length)) hits.push({ file, ...hit });
  }
  return hits;
}

async function scanFile(bundle: BundleSource, file: string, scanner: FileScanner, limit: number): Promise<FileHit[]> {
  const size = bundle.size(file) ?? 0;
  if (scanner.readsWhole(file, size)) {
    let bytes: Buffer | undefined;
    try {
      bytes = await bundle.readBytes(file, { scratch: scanner.scratch(size) });
    } catch {
      // Too large to read whole, or unreadable: the stream below says why, or scans it in pieces.
    }
    const found = bytes && scanner.scanJson(bytes, limit);
    if (found) return found;
  }
  let stream;
  try {
    stream = bundle.openStream(file);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(file, `cannot be read: ${errorText(err)}`);
  }
  try {
    return await scanner.scanStream(stream, limit);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(file, `cannot be read: ${errorText(err)}`);
  } finally {
    stream.destroy();
  }
}
