/**
 * The scan of large JSON files block by block, so that what repeats across files is scanned once.
 * Every ztunnel's config_dump lists the whole cluster: its workloads and services sections are
 * the same bytes from one file to the next, and scanning them line by line again for each ztunnel
 * is most of a large bundle's scan. A file's top-level members are located without parsing
 * (src/parse/jsonMembers.ts); the lines inside a large member form a block, and a block whose bytes
 * and starting state (the scanner's multi-line state) match one already scanned gets that block's
 * hits, shifted to its own line numbers, instead of a second scan. Everything else is scanned line
 * by line as usual, so the hits are the ones a plain line-by-line scan finds.
 */
import { MAX_JSON_DEPTH } from '../parse/json.js';
import { topLevelMembers } from '../parse/jsonMembers.js';
import type { LineHit, LineScanner } from './lines.js';

/** Files smaller than this are streamed as usual. */
export const MIN_BLOCK_FILE_BYTES = 256 * 1024;
/** Members smaller than this are not worth remembering. */
const MIN_BLOCK_BYTES = 64 * 1024;
/** Distinct blocks remembered per member key. */
const REMEMBERED = 2;

interface KnownBlock {
  bytes: Buffer;
  startState: number;
  endState: number;
  newlines: number;
  /** Hits, by 0-based line within the block. */
  hits: { line: number; hit: LineHit }[];
}

/** Blocks already scanned in one scan of a bundle (one scanner configuration). */
export class BlockMemo {
  private readonly known = new Map<string, KnownBlock[]>();

  find(key: string, bytes: Buffer, start: number, end: number, state: number): KnownBlock | undefined {
    const length = end - start;
    return this.known.get(key)?.find((k) => k.startState === state && k.bytes.length === length && bytes.compare(k.bytes, 0, length, start, end) === 0);
  }

  remember(key: string, block: KnownBlock): void {
    this.known.set(key, [block, ...(this.known.get(key) ?? [])].slice(0, REMEMBERED));
  }
}

/** Receives each hit with its 1-based line; returns false to stop the scan (enough hits). */
export type HitSink = (line: number, hit: LineHit) => boolean;

/**
 * Scans a JSON file's bytes; false when the file is not plainly a JSON object (the caller then
 * streams it line by line).
 */
export function scanJsonBlocks(bytes: Buffer, scanner: LineScanner, memo: BlockMemo, maxLineChars: number, sink: HitSink): boolean {
  const members = topLevelMembers(bytes, MAX_JSON_DEPTH);
  if (members === undefined) return false;
  let pos = 0;
  let line = 1;
  const scanPart = (start: number, end: number, onHit: HitSink): boolean => {
    const text = bytes.toString('utf8', start, end);
    const pieces = text.split('\n');
    if (pieces[pieces.length - 1] === '') pieces.pop();
    for (const piece of pieces) {
      const full = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
      for (let at = 0; at === 0 || at < full.length; at += maxLineChars) {
        for (const hit of scanner.scanLine(full.slice(at, at + maxLineChars))) if (!onHit(line, hit)) return false;
      }
      line++;
    }
    return true;
  };
  for (const member of members) {
    if (member.end - member.start < MIN_BLOCK_BYTES) continue;
    // The block: whole lines inside the member's value (its first and last lines are shared with
    // the key and the closing bracket, and scanned with the text around them).
    const blockStart = bytes.indexOf(0x0a, member.start) + 1;
    const blockEnd = bytes.lastIndexOf(0x0a, member.end - 1) + 1;
    if (blockStart <= 0 || blockEnd <= blockStart || blockStart < pos) continue;
    if (!scanPart(pos, blockStart, sink)) return true;
    const state = scanner.state();
    const known = memo.find(member.key, bytes, blockStart, blockEnd, state);
    if (known) {
      for (const h of known.hits) if (!sink(line + h.line, h.hit)) return true;
      scanner.restore(known.endState);
      line += known.newlines;
    } else {
      const first = line;
      const hits: KnownBlock['hits'] = [];
      let stopped = false;
      scanPart(blockStart, blockEnd, (at, hit) => {
        hits.push({ line: at - first, hit });
        if (!sink(at, hit)) stopped = true;
        return !stopped;
      });
      if (stopped) return true;
      memo.remember(member.key, { bytes: Buffer.from(bytes.subarray(blockStart, blockEnd)), startState: state, endState: scanner.state(), newlines: line - first, hits });
    }
    pos = blockEnd;
  }
  scanPart(pos, bytes.length, sink);
  return true;
}
