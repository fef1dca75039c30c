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
/** Bytes of a part decoded at once (then a little more, to the end of the line). */
const PART_WINDOW_BYTES = 1024 * 1024;
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
 * Copies are kept only of values that came back: the first time a value is seen, only its length
 * and first bytes are noted; a value with the same length and first bytes later is copied (and
 * its blocks remembered). The lists of a bundle's cluster/ folder, seen once and up to tens of MB,
 * are never copied; a section every ztunnel repeats is scanned in full twice, then taken as known.
 */
export class BlockMemo extends Memo<ScannedBlock> {
  private readonly values = new Map<string, ValueSeen[]>();

  /** Offset just past the value at `start` when its bytes are those of a value seen under this key. */
  knownEnd(key: string, bytes: Buffer, start: number): number | undefined {
    for (const { copy } of this.values.get(key) ?? []) {
      if (copy === undefined) continue;
      const end = start + copy.length;
      if (end <= bytes.length && bytes.compare(copy, 0, copy.length, start, end) === 0) return end;
    }
    return undefined;
  }

  /**
   * Notes a large value just located (not known by knownEnd); true when it looks like one seen
   * before, and is now copied: its blocks are then worth remembering. Only object and array values
   * are copied (a scalar's end depends on the byte after it, so a prefix match would not prove it).
   */
  noteValue(key: string, bytes: Buffer, start: number, end: number): boolean {
    const length = end - start;
    const head = bytes.subarray(start, start + Math.min(length, HEAD_BYTES));
    const seen = this.values.get(key) ?? [];
    const earlier = seen.find((v) => v.copy === undefined && v.length === length && v.head.equals(head));
    const repeated = earlier !== undefined && (bytes[start] === 0x7b || bytes[start] === 0x5b);
    const entry: ValueSeen = repeated ? { length, head: earlier.head, copy: Buffer.from(bytes.subarray(start, end)) } : { length, head: Buffer.from(head) };
    this.values.set(key, [entry, ...seen.filter((v) => v !== earlier)].slice(0, VALUES_PER_KEY));
    return repeated;
  }
}

/** A large value seen: its length and first bytes; a copy once it has been seen twice. */
interface ValueSeen {
  length: number;
  head: Buffer;
  copy?: Buffer;
}

const HEAD_BYTES = 1024;
const VALUES_PER_KEY = 4;

/**
 * The blocks of a JSON object's large members (lineBlocks of src/parse/jsonBlocks.ts), skipping
 * over values the memo has seen instead of reading them byte by byte, each marked with whether
 * its result is worth remembering (its value has come back). Any partition at line breaks gives
 * the same hits; this one is lineBlocks'.
 */
function blocksOf(bytes: Buffer, memo: BlockMemo): (LineBlock & { remember: boolean })[] | undefined {
  const known = new Set<number>();
  const members = topLevelMembers(bytes, MAX_JSON_DEPTH, (key, b, start) => {
    const end = memo.knownEnd(key, b, start);
    if (end !== undefined) known.add(start);
    return end;
  });
  if (members === undefined) return undefined;
  const blocks: (LineBlock & { remember: boolean })[] = [];
  let after = 0;
  for (const member of members) {
    if (member.end - member.start < MIN_BLOCK_BYTES) continue;
    const remember = known.has(member.start) || memo.noteValue(member.key, bytes, member.start, member.end);
    const start = bytes.indexOf(0x0a, member.start) + 1;
    const end = bytes.lastIndexOf(0x0a, member.end - 1) + 1;
    if (start <= 0 || end <= start || start < after) continue;
    blocks.push({ key: member.key, start, end, remember });
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
    // Decoded a window of whole lines at a time: a list of tens of MB never sits in memory as one string.
    for (let from = start; from < end; ) {
      const next = from + PART_WINDOW_BYTES >= end ? end : bytes.indexOf(0x0a, from + PART_WINDOW_BYTES) + 1 || end;
      const text = bytes.toString('utf8', from, Math.min(next, end));
      from = Math.min(next, end);
      const pieces = text.split('\n');
      if (pieces[pieces.length - 1] === '') pieces.pop();
      for (const piece of pieces) {
        const full = piece.endsWith('\r') ? piece.slice(0, -1) : piece;
        for (let at = 0; at === 0 || at < full.length; at += maxLineChars) {
          for (const hit of scanner.scanLine(full.slice(at, at + maxLineChars))) if (!onHit(line, hit)) return false;
        }
        line++;
      }
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
      if (block.remember) memo.remember(block, bytes, state, { endState: scanner.state(), newlines: line - first, hits });
    }
    pos = block.end;
  }
  scanPart(pos, bytes.length, sink);
  return true;
}
