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
import { BlockMemo as Memo, type LineBlock } from '../parse/jsonBlocks.js';
import { MAX_JSON_DEPTH } from '../parse/json.js';
import { topLevelMembers } from '../parse/jsonMembers.js';
import type { LineHit, LineScanner } from './lines.js';

/** Files smaller than this are streamed as usual. */
export const MIN_BLOCK_FILE_BYTES = 256 * 1024;
/** Members smaller than this are not worth remembering. */
const MIN_BLOCK_BYTES = 64 * 1024;

interface ScannedBlock {
  endState: number;
  newlines: number;
  /** Hits, by 0-based line within the block. */
  hits: { line: number; hit: LineHit }[];
}

/**
 * Blocks already scanned in one scan of a bundle (one scanner configuration), and the large member
 * values they came from: locating a file's members reads every byte of it (src/parse/jsonMembers.ts)
 * unless a value is known to be the same bytes as one seen before, which one comparison settles.
 */
export class BlockMemo extends Memo<ScannedBlock> {
  private readonly values = new Map<string, Buffer[]>();

  /** Offset just past the value at `start` when its bytes are those of a value seen under this key. */
  knownEnd(key: string, bytes: Buffer, start: number): number | undefined {
    for (const value of this.values.get(key) ?? []) {
      const end = start + value.length;
      if (end <= bytes.length && bytes.compare(value, 0, value.length, start, end) === 0) return end;
    }
    return undefined;
  }

  /**
   * Remembers a large object or array value (a scalar's end depends on the byte after it, so a
   * prefix match would not prove its end); a copy, the caller's buffer may be reused.
   */
  rememberValue(key: string, bytes: Buffer, start: number, end: number): void {
    if (bytes[start] !== 0x7b && bytes[start] !== 0x5b) return;
    this.values.set(key, [Buffer.from(bytes.subarray(start, end)), ...(this.values.get(key) ?? [])].slice(0, 2));
  }
}

/**
 * The blocks of a JSON object's large members (lineBlocks of src/parse/jsonBlocks.ts), skipping
 * over values the memo has seen instead of reading them byte by byte. Any partition at line
 * breaks gives the same hits; this one matches lineBlocks' so block results are shared.
 */
function blocksOf(bytes: Buffer, memo: BlockMemo): LineBlock[] | undefined {
  const known = new Set<number>();
  const members = topLevelMembers(bytes, MAX_JSON_DEPTH, (key, b, start) => {
    const end = memo.knownEnd(key, b, start);
    if (end !== undefined) known.add(start);
    return end;
  });
  if (members === undefined) return undefined;
  const blocks: LineBlock[] = [];
  let after = 0;
  for (const member of members) {
    if (member.end - member.start < MIN_BLOCK_BYTES) continue;
    if (!known.has(member.start)) memo.rememberValue(member.key, bytes, member.start, member.end);
    const start = bytes.indexOf(0x0a, member.start) + 1;
    const end = bytes.lastIndexOf(0x0a, member.end - 1) + 1;
    if (start <= 0 || end <= start || start < after) continue;
    blocks.push({ key: member.key, start, end });
    after = end;
  }
  return blocks;
}

/** Receives each hit with its 1-based line; returns false to stop the scan (enough hits). */
export type HitSink = (line: number, hit: LineHit) => boolean;

/**
 * Scans a JSON file's bytes; false when the file is not plainly a JSON object (the caller then
 * streams it line by line).
 */
export function scanJsonBlocks(bytes: Buffer, scanner: LineScanner, memo: BlockMemo, maxLineChars: number, sink: HitSink): boolean {
  const blocks = blocksOf(bytes, memo);
  if (blocks === undefined) return false;
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
  for (const block of blocks) {
    if (!scanPart(pos, block.start, sink)) return true;
    const state = scanner.state();
    const known = memo.find(block, bytes, state);
    if (known) {
      for (const h of known.hits) if (!sink(line + h.line, h.hit)) return true;
      scanner.restore(known.endState);
      line += known.newlines;
    } else {
      const first = line;
      const hits: ScannedBlock['hits'] = [];
      let stopped = false;
      scanPart(block.start, block.end, (at, hit) => {
        hits.push({ line: at - first, hit });
        if (!sink(at, hit)) stopped = true;
        return !stopped;
      });
      if (stopped) return true;
      memo.remember(block, bytes, state, { endState: scanner.state(), newlines: line - first, hits });
    }
    pos = block.end;
  }
  scanPart(pos, bytes.length, sink);
  return true;
}
