/**
 * Blocks of a large JSON document that repeat from file to file, for the line-by-line passes
 * (redaction, the leak scan) that would otherwise read the same megabytes once per ztunnel. A
 * block is the run of whole lines inside one large top-level member (its first and last lines
 * are shared with the key and the closing bracket, and belong to the text around it). Line passes
 * carry a little state from line to line, so a block's result is remembered with the state it
 * started in and is reused only from that state. Locating the members reads every byte
 * (src/parse/jsonMembers.ts) unless a member's value is known to be the bytes of one seen before,
 * which one comparison settles: the memo also remembers the large values that came back.
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

/** A block, and whether its result is worth remembering (its member's value has come back). */
export interface MemoBlock extends LineBlock {
  remember: boolean;
}

/**
 * The blocks of members of at least minBytes, in order and disjoint, each marked with whether its
 * result is worth remembering; undefined when the bytes are not plainly a JSON object (the caller
 * then takes its ordinary path). Values the memo has seen are skipped over instead of read byte by
 * byte (the same blocks: a known value ends where its copy does).
 */
export function memoBlocks<T>(bytes: Buffer, minBytes: number, memo: BlockMemo<T>): MemoBlock[] | undefined {
  const known = new Set<number>();
  const members = topLevelMembers(bytes, MAX_JSON_DEPTH, (key, b, start) => {
    const end = memo.knownEnd(key, b, start);
    if (end !== undefined) known.add(start);
    return end;
  });
  if (members === undefined) return undefined;
  const blocks: MemoBlock[] = [];
  let after = 0;
  for (const member of members) {
    if (member.end - member.start < minBytes) continue;
    const remember = known.has(member.start) || memo.noteValue(member.key, bytes, member.start, member.end);
    const start = bytes.indexOf(0x0a, member.start) + 1;
    const end = bytes.lastIndexOf(0x0a, member.end - 1) + 1;
    if (start <= 0 || end <= start || start < after) continue;
    blocks.push({ key: member.key, start, end, remember });
    after = end;
  }
  return blocks;
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
 * Results of blocks already passed over, by key, bytes and starting state (a few per key), and the
 * large member values they came from. Copies are kept only of values that came back: the first
 * time a value is seen, only its length and first bytes are noted; a value with the same length
 * and first bytes later is copied (and its blocks remembered). A large list seen once (a bundle's
 * cluster/ folder, up to tens of MB) is never copied; a section every ztunnel repeats is passed
 * over in full twice, then taken as known.
 */
export class BlockMemo<T> {
  private readonly known = new Map<string, { bytes: Buffer; state: number; result: T }[]>();
  private readonly values = new Map<string, ValueSeen[]>();

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
