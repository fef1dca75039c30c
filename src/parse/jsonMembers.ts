/**
 * Finds where each top-level member's value lies in the bytes of a JSON object (UTF-8), in one
 * forward pass that also bounds the nesting depth, without parsing or decoding: JSON's structural
 * characters are ASCII, and no byte of a multi-byte UTF-8 sequence is. Every ztunnel's config_dump repeats the
 * whole cluster (its workloads, services and policies sections are usually byte-identical from one
 * ztunnel to the next), so knowing the sections' extents lets a caller compare them as text and
 * parse each distinct section once instead of once per ztunnel (src/parse/configDump.ts).
 *
 * It is a locator, not a validator: it answers undefined whenever the text is not plainly an
 * object of members (a syntax problem, a nesting deeper than allowed, a duplicate key), and the
 * caller then takes the ordinary path, JSON.parse with its precise error messages.
 */

export interface MemberSpan {
  /** The member's key, unescaped. */
  key: string;
  /** Byte offset of the first byte of the value. */
  start: number;
  /** Byte offset just past the last byte of the value. */
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const ORDINARY = 0;
const STRING = 1;
const OPENS = 2;
const CLOSES = 3;
/** What each ASCII character means to the bracket scan; one table lookup per character. */
const CHAR_KIND = new Uint8Array(128);
CHAR_KIND[QUOTE] = STRING;
CHAR_KIND[OPEN_OBJECT] = OPENS;
CHAR_KIND[OPEN_ARRAY] = OPENS;
CHAR_KIND[CLOSE_OBJECT] = CLOSES;
CHAR_KIND[CLOSE_ARRAY] = CLOSES;

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, pos: number): number {
  while (pos < bytes.length && isSpace(bytes[pos])) pos++;
  return pos;
}

/**
 * Offset of the quote that closes the string opened at `open`, or -1. Jumps from quote to quote
 * with indexOf (native speed over long strings such as base64 certificates); a quote preceded by
 * an odd number of backslashes is escaped.
 */
export function closingQuote(bytes: Buffer, open: number): number {
  let at = open;
  for (;;) {
    at = bytes.indexOf(QUOTE, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    for (let k = at - 1; bytes[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/**
 * Where a caller already knows the value at `start` (it has seen the same bytes before, e.g. a
 * dump's workloads section identical to the previous dump's), the offset just past it; the scan
 * then jumps over it instead of reading it byte by byte.
 */
export type KnownValueEnd = (key: string, bytes: Buffer, start: number) => number | undefined;

/** The members of the top-level object in `bytes`, or undefined (see the module comment). */
export function topLevelMembers(bytes: Buffer, maxDepth: number, knownEnd?: KnownValueEnd): MemberSpan[] | undefined {
  let pos = skipSpace(bytes, 0);
  if (bytes[pos] !== OPEN_OBJECT) return undefined;
  const members: MemberSpan[] = [];
  const seen = new Set<string>();
  pos = skipSpace(bytes, pos + 1);
  if (bytes[pos] === CLOSE_OBJECT) return skipSpace(bytes, pos + 1) === bytes.length ? members : undefined;
  for (;;) {
    // A key, a colon, then the value up to the comma or brace that closes it at depth 1.
    if (bytes[pos] !== QUOTE) return undefined;
    const keyEnd = closingQuote(bytes, pos);
    if (keyEnd < 0) return undefined;
    let key: string;
    try {
      const escaped = bytes.indexOf(BACKSLASH, pos + 1);
      key = escaped >= 0 && escaped < keyEnd ? (JSON.parse(bytes.toString('utf8', pos, keyEnd + 1)) as string) : bytes.toString('utf8', pos + 1, keyEnd);
    } catch {
      return undefined;
    }
    if (seen.has(key)) return undefined; // JSON.parse keeps the last; leave that to the ordinary path
    seen.add(key);
    pos = skipSpace(bytes, keyEnd + 1);
    if (bytes[pos] !== COLON) return undefined;
    const start = skipSpace(bytes, pos + 1);
    const end = knownEnd?.(key, bytes, start) ?? valueEnd(bytes, start, maxDepth);
    if (end < 0) return undefined;
    members.push({ key, start, end });
    pos = skipSpace(bytes, end);
    const c = bytes[pos];
    if (c === COMMA) {
      pos = skipSpace(bytes, pos + 1);
      continue;
    }
    if (c !== CLOSE_OBJECT) return undefined;
    return skipSpace(bytes, pos + 1) === bytes.length ? members : undefined;
  }
}

/**
 * Offset just past the value starting at `start` (a member of the top-level object, so at depth 1),
 * or -1 when it is cut, unbalanced or nests deeper than maxDepth. Scalars end at the next
 * separator; their syntax is left to JSON.parse.
 */
function valueEnd(bytes: Buffer, start: number, maxDepth: number): number {
  const first = bytes[start];
  if (first === QUOTE) {
    const close = closingQuote(bytes, start);
    return close < 0 ? -1 : close + 1;
  }
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    let pos = start;
    while (pos < bytes.length) {
      const c = bytes[pos];
      if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c)) break;
      pos++;
    }
    return pos === start ? -1 : pos;
  }
  // Brackets only need to balance here; which closes which is JSON.parse's concern.
  let depth = 1; // the top-level object
  for (let pos = start; pos < bytes.length; pos++) {
    const kind = CHAR_KIND[bytes[pos]!]; // undefined from 0x80: part of a multi-byte character
    if (kind === undefined || kind === ORDINARY) continue;
    if (kind === STRING) {
      pos = closingQuote(bytes, pos);
      if (pos < 0) return -1;
    } else if (kind === OPENS) {
      if (++depth > maxDepth) return -1;
    } else if (--depth === 1) return pos + 1;
  }
  return -1;
}
