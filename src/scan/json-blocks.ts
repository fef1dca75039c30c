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
import { BlockMemo as Memo, memoBlocks } from '../parse/jsonBlocks.js';
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
 * values they came from (src/parse/jsonBlocks.ts: a value seen before is skipped over by one
 * comparison; copies are kept only of values that came back, so the lists of a bundle's cluster/
 * folder, seen once and up to tens of MB, are never copied).
 */
export class BlockMemo extends Memo<ScannedBlock> {}

/** Receives each hit with its 1-based line; returns false to stop the scan (enough hits). */
export type HitSink = (line: number, hit: LineHit) => boolean;

/**
 * Scans a JSON file's bytes; false when the file is not plainly a JSON object (the caller then
 * streams it line by line).
 */
export function scanJsonBlocks(bytes: Buffer, scanner: LineScanner, memo: BlockMemo, maxLineChars: number, sink: HitSink): boolean {
  const blocks = memoBlocks(bytes, MIN_BLOCK_BYTES, memo);
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
