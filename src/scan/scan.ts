/**
 * scanBundle: the post-redaction leak check. Every file of a bundle is streamed line by line
 * (bundles can be GBs; nothing is read whole) and every line that still holds something that
 * looks like a secret becomes a ScanHit, with the secret masked in its excerpt. A clean bundle
 * gives []. Used by `ztunnel-bundle scan` and by collect on its own output.
 */
import type { BundleSource } from '../bundle/source.js';
import { BundleError, errorText } from '../errors.js';
import type { SecretKind } from '../redact/kinds.js';
import { DEFAULT_ENTROPY, type EntropyOptions } from './entropy.js';
import { LineScanner } from './lines.js';
import { readLines } from './read-lines.js';

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
  for (const file of options.files ?? bundle.list()) {
    if (hits.length >= maxHits) break;
    const known = hitsOf.get(bundle.sameFileAs(file) ?? '');
    if (known !== undefined) {
      for (const hit of known.slice(0, maxHits - hits.length)) hits.push({ ...hit, file });
      continue;
    }
    const before = hits.length;
    await scanFile(bundle, file, { ...options, maxHits }, hits);
    hitsOf.set(file, hits.slice(before));
  }
  return hits;
}

async function scanFile(bundle: BundleSource, file: string, options: ScanOptions & { maxHits: number }, hits: ScanHit[]): Promise<void> {
  const scanner = new LineScanner({ entropy: options.entropy ?? DEFAULT_ENTROPY });
  let stream;
  try {
    stream = bundle.openStream(file);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(file, `cannot be read: ${errorText(err)}`);
  }
  try {
    for await (const lines of readLines(stream, options.maxLineChars ?? 1024 * 1024)) {
      for (const line of lines) {
        for (const hit of scanner.scanLine(line.text)) {
          hits.push({ file, line: line.number, kind: hit.kind, excerpt: hit.excerpt });
          if (hits.length >= options.maxHits) return;
        }
      }
    }
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(file, `cannot be read: ${errorText(err)}`);
  } finally {
    stream.destroy();
  }
}
