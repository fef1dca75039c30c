/**
 * Redaction of large JSON bodies block by block, so that what repeats from body to body is
 * redacted once. Every ztunnel's config_dump lists the whole cluster; its workloads and services
 * sections are the same bytes from one ztunnel to the next. The lines inside each large top-level
 * member form a block (located without parsing, src/parse/jsonBlocks.ts, which skips over a
 * section equal to one seen before by one comparison), and a block whose bytes and starting
 * inspector state match one already redacted takes that result instead of a second pass.
 * Everything else is redacted line by line, in order, with the same inspector, so the output is
 * byte for byte redactText's (the tests compare them).
 */
import { BlockMemo, memoBlocks } from '../parse/jsonBlocks.js';
import { ANY_SECRET_HINT } from './detect.js';
import { mergeCounts, type RedactionCounts } from './kinds.js';
import { LineInspector } from './lines.js';
import { redactLines, redactText } from './text.js';

/** Bodies smaller than this are redacted whole. */
export const MIN_BLOCK_BODY_BYTES = 256 * 1024;
const MIN_BLOCK_BYTES = 64 * 1024;

interface RedactedBlock {
  endState: number;
  /** The redacted block, or undefined when redaction left it as it was. */
  redacted?: string;
  counts: RedactionCounts;
  /** Whether the block holds a hint of a secret (redactText's shortcut looks at the whole text). */
  hint: boolean;
}

/** One memo per thread (each redaction worker has its own). */
const memo = new BlockMemo<RedactedBlock>();

/**
 * A large body redacted: `text` only when something changed. Undefined when the body is small or
 * not plainly a JSON object; the caller then uses redactText.
 */
export function redactJsonBody(body: Buffer): { text?: string; counts: RedactionCounts } | undefined {
  if (body.length < MIN_BLOCK_BODY_BYTES) return undefined;
  const blocks = memoBlocks(body, MIN_BLOCK_BYTES, memo);
  if (blocks === undefined) return undefined;
  const counts: RedactionCounts = {};
  // Only the parts not known are decoded (cut at line breaks, so each decodes as it would in the whole).
  const textOf = (start: number, end: number): string => body.toString('utf8', start, end);
  // redactText's shortcut: without a hint of a secret anywhere, nothing changes. Hint words hold no
  // line break, so the whole text has one exactly when one of its parts does.
  let hint = false;
  const inspector = new LineInspector();
  // Pieces of the output: a range of the body kept as it is, or redacted text.
  const pieces: ({ start: number; end: number } | string)[] = [];
  let changed = false;
  const part = (start: number, end: number, final: boolean): void => {
    const original = textOf(start, end);
    hint ||= ANY_SECRET_HINT.test(original);
    const redacted = redactLines(original, inspector, counts, final);
    if (redacted === original) pieces.push({ start, end });
    else {
      pieces.push(redacted);
      changed = true;
    }
  };
  let pos = 0;
  for (const block of blocks) {
    part(pos, block.start, false);
    const state = inspector.state();
    let known = memo.find(block, body, state);
    if (known === undefined) {
      const blockCounts: RedactionCounts = {};
      const original = textOf(block.start, block.end);
      const redacted = redactLines(original, inspector, blockCounts, false);
      known = { endState: inspector.state(), counts: blockCounts, hint: ANY_SECRET_HINT.test(original), ...(redacted === original ? {} : { redacted }) };
      if (block.remember) memo.remember(block, body, state, known);
    } else {
      inspector.restore(known.endState);
    }
    hint ||= known.hint;
    mergeCounts(counts, known.counts);
    if (known.redacted === undefined) pieces.push({ start: block.start, end: block.end });
    else {
      pieces.push(known.redacted);
      changed = true;
    }
    pos = block.end;
  }
  part(pos, body.length, true);
  if (!hint) return { counts: {} };
  if (!changed) return { counts };
  return { text: pieces.map((p) => (typeof p === 'string' ? p : textOf(p.start, p.end))).join(''), counts };
}

/** A body redacted (large JSON bodies block by block): `text` only when redaction changed something. */
export function redactBody(body: Buffer): { text?: string; counts: RedactionCounts } {
  const blocks = redactJsonBody(body);
  if (blocks !== undefined) return blocks;
  const original = body.toString('utf8');
  const { text, counts } = redactText(original);
  return text === original ? { counts } : { text, counts };
}
