/**
 * Redaction of large JSON bodies block by block, so that what repeats from body to body is
 * redacted once. Every ztunnel's config_dump lists the whole cluster; its workloads and services
 * sections are the same bytes from one ztunnel to the next. The lines inside each large top-level
 * member form a block (located without parsing, src/parse/jsonMembers.ts), and a block whose bytes
 * and starting inspector state match one already redacted takes that result instead of a second
 * pass. Everything else is redacted line by line, in order, with the same inspector, so the output
 * is byte for byte redactText's (the tests compare them).
 */
import { MAX_JSON_DEPTH } from '../parse/json.js';
import { topLevelMembers } from '../parse/jsonMembers.js';
import { ANY_SECRET_HINT } from './detect.js';
import { mergeCounts, type RedactionCounts } from './kinds.js';
import { LineInspector } from './lines.js';
import { redactLines, redactText } from './text.js';

/** Bodies smaller than this are redacted whole. */
export const MIN_BLOCK_BODY_BYTES = 256 * 1024;
const MIN_BLOCK_BYTES = 64 * 1024;
/** Distinct blocks remembered per member key (per thread: one memo per redaction worker). */
const REMEMBERED = 2;

interface KnownBlock {
  bytes: Buffer;
  startState: number;
  endState: number;
  /** The redacted block, or undefined when redaction left it as it was. */
  redacted?: string;
  counts: RedactionCounts;
}

const known = new Map<string, KnownBlock[]>();

function findBlock(key: string, body: Buffer, start: number, end: number, state: number): KnownBlock | undefined {
  const length = end - start;
  return known.get(key)?.find((k) => k.startState === state && k.bytes.length === length && body.compare(k.bytes, 0, length, start, end) === 0);
}

/**
 * A large JSON body redacted: `text` only when something changed. Undefined when the body is small
 * or not plainly a JSON object; the caller then uses redactText.
 */
export function redactJsonBody(body: Buffer): { text?: string; counts: RedactionCounts } | undefined {
  if (body.length < MIN_BLOCK_BODY_BYTES) return undefined;
  const members = topLevelMembers(body, MAX_JSON_DEPTH);
  if (members === undefined) return undefined;
  const counts: RedactionCounts = {};
  // redactText's shortcut: without a hint of a secret anywhere, nothing changes.
  const whole = body.toString('utf8');
  if (!ANY_SECRET_HINT.test(whole)) return { counts };
  const inspector = new LineInspector();
  // Pieces of the output: a range of the body kept as it is, or redacted text.
  const pieces: ({ start: number; end: number } | string)[] = [];
  let changed = false;
  const part = (start: number, end: number, final: boolean): void => {
    const original = whole.slice(byteToChar(start), byteToChar(end));
    const redacted = redactLines(original, inspector, counts, final);
    if (redacted === original) pieces.push({ start, end });
    else {
      pieces.push(redacted);
      changed = true;
    }
  };
  // Byte offsets to string offsets: equal for ASCII bodies, the usual case; otherwise decode the prefix.
  const ascii = whole.length === body.length;
  const byteToChar = (offset: number): number => (ascii ? offset : body.toString('utf8', 0, offset).length);
  let pos = 0;
  for (const member of members) {
    if (member.end - member.start < MIN_BLOCK_BYTES) continue;
    const blockStart = body.indexOf(0x0a, member.start) + 1;
    const blockEnd = body.lastIndexOf(0x0a, member.end - 1) + 1;
    if (blockStart <= 0 || blockEnd <= blockStart || blockStart < pos) continue;
    part(pos, blockStart, false);
    const state = inspector.state();
    let block = findBlock(member.key, body, blockStart, blockEnd, state);
    if (block === undefined) {
      const blockCounts: RedactionCounts = {};
      const original = whole.slice(byteToChar(blockStart), byteToChar(blockEnd));
      const redacted = redactLines(original, inspector, blockCounts, false);
      block = { bytes: Buffer.from(body.subarray(blockStart, blockEnd)), startState: state, endState: inspector.state(), counts: blockCounts, ...(redacted === original ? {} : { redacted }) };
      known.set(member.key, [block, ...(known.get(member.key) ?? [])].slice(0, REMEMBERED));
    } else {
      inspector.restore(block.endState);
    }
    mergeCounts(counts, block.counts);
    if (block.redacted === undefined) pieces.push({ start: blockStart, end: blockEnd });
    else {
      pieces.push(block.redacted);
      changed = true;
    }
    pos = blockEnd;
  }
  part(pos, body.length, true);
  if (!changed) return { counts };
  return { text: pieces.map((p) => (typeof p === 'string' ? p : whole.slice(byteToChar(p.start), byteToChar(p.end)))).join(''), counts };
}

/** A body redacted (large JSON bodies block by block): `text` only when redaction changed something. */
export function redactBody(body: Buffer): { text?: string; counts: RedactionCounts } {
  const blocks = redactJsonBody(body);
  if (blocks !== undefined) return blocks;
  const original = body.toString('utf8');
  const { text, counts } = redactText(original);
  return text === original ? { counts } : { text, counts };
}
