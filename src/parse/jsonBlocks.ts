/**
 * Blocks of a large JSON document that repeat from file to file, for the line-by-line passes
 * (redaction, the leak scan) that would otherwise read the same megabytes once per ztunnel. A
 * block is the run of whole lines inside one large top-level member (its first and last lines
 * are shared with the key and the closing bracket, and belong to the text around it). Line passes
 * carry a little state from line to line, so a block's result is remembered with the state it
 * started in and is reused only from that state.
 */
import { MAX_JSON_DEPTH } from './json.js';
import { topLevelMembers } from './jsonMembers.js';

export interface LineBlock {
  /** The top-level member's key. */
  key: string;
  /** Byte offset of the block's first line. */
  start: number;
  /** Byte offset just past the block's last line break. */
  end: number;
}

/**
 * The blocks of members of at least minBytes, in order and disjoint, or undefined when the bytes
 * are not plainly a JSON object (the caller then takes its ordinary path).
 */
export function lineBlocks(bytes: Buffer, minBytes: number): LineBlock[] | undefined {
  const members = topLevelMembers(bytes, MAX_JSON_DEPTH);
  if (members === undefined) return undefined;
  const blocks: LineBlock[] = [];
  let after = 0;
  for (const member of members) {
    if (member.end - member.start < minBytes) continue;
    const start = bytes.indexOf(0x0a, member.start) + 1;
    const end = bytes.lastIndexOf(0x0a, member.end - 1) + 1;
    if (start <= 0 || end <= start || start < after) continue;
    blocks.push({ key: member.key, start, end });
    after = end;
  }
  return blocks;
}

/** Results of blocks already passed over, by key, bytes and starting state; a few per key. */
export class BlockMemo<T> {
  private readonly known = new Map<string, { bytes: Buffer; state: number; result: T }[]>();

  constructor(private readonly perKey = 2) {}

  find(block: LineBlock, bytes: Buffer, state: number): T | undefined {
    const length = block.end - block.start;
    return this.known.get(block.key)?.find((k) => k.state === state && k.bytes.length === length && bytes.compare(k.bytes, 0, length, block.start, block.end) === 0)?.result;
  }

  /** Keeps a copy of the block's bytes (the caller's buffer may be reused). */
  remember(block: LineBlock, bytes: Buffer, state: number, result: T): void {
    const entry = { bytes: Buffer.from(bytes.subarray(block.start, block.end)), state, result };
    this.known.set(block.key, [entry, ...(this.known.get(block.key) ?? [])].slice(0, this.perKey));
  }
}
