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
import { BlockMemo, MIN_BLOCK_FILE_BYTES, scanJsonBlocks } from './json-blocks.js';
import { LineScanner, type LineHit } from './lines.js';
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
  const context: ScanContext = { blocks: new BlockMemo(), scratch: Buffer.allocUnsafeSlow(0) };
  for (const file of options.files ?? bundle.list()) {
    if (hits.length >= maxHits) break;
    const known = hitsOf.get(bundle.sameFileAs(file) ?? '');
    if (known !== undefined) {
      for (const hit of known.slice(0, maxHits - hits.length)) hits.push({ ...hit, file });
      continue;
    }
    const before = hits.length;
    await scanFile(bundle, file, { ...options, maxHits }, hits, context);
    hitsOf.set(file, hits.slice(before));
  }
  return hits;
}

/** What one scan of a bundle carries from file to file. */
interface ScanContext {
  blocks: BlockMemo;
  /** Reused to read large JSON files whole. */
  scratch: Buffer;
}

async function scanFile(bundle: BundleSource, file: string, options: ScanOptions & { maxHits: number }, hits: ScanHit[], context: ScanContext): Promise<void> {
  const scanner = new LineScanner({ entropy: options.entropy ?? DEFAULT_ENTROPY });
  const maxLineChars = options.maxLineChars ?? 1024 * 1024;
  const size = bundle.size(file) ?? 0;
  if (file.endsWith('.json') && size >= MIN_BLOCK_FILE_BYTES) {
    if (size > context.scratch.length) context.scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * context.scratch.length));
    let bytes: Buffer | undefined;
    try {
      bytes = await bundle.readBytes(file, { scratch: context.scratch });
    } catch {
      // Too large to read whole, or unreadable: the stream below says why, or scans it in pieces.
    }
    const sink = (line: number, hit: LineHit): boolean => {
      hits.push({ file, line, kind: hit.kind, excerpt: hit.excerpt });
      return hits.length < options.maxHits;
    };
    if (bytes && scanJsonBlocks(bytes, scanner, context.blocks, maxLineChars, sink)) return;
  }
  let stream;
  try {
    stream = bundle.openStream(file);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw new BundleError(file, `cannot be read: ${errorText(err)}`);
  }
  try {
    for await (const lines of readLines(stream, maxLineChars)) {
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
