/**
 * Scanners for the `key=value` field blocks and `target:span{k=v}` prefixes of ztunnel's plain and
 * legacy log formats. Values follow Rust `Debug`/`Display`: strings are double-quoted with `\"`
 * escapes, everything else is bare, and a bare value may itself hold spaces inside brackets
 * (`error=Io(Os { code: 111 })`). Every scanner is a single forward pass over the string with no
 * regex backtracking, because it runs on millions of lines and on hostile input.
 */
import type { FieldValue, LogSpan } from './logs-types.js';

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;
const EQUALS = 61;

export function isBlank(code: number): boolean {
  return code === SPACE || code === TAB;
}

export function skipBlanks(s: string, i: number): number {
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  return i;
}

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '"': '"', "'": "'", '\\': '\\' };

/** Reads a double-quoted Rust Debug string starting at s[i] === '"'. An unterminated string runs to the end. */
export function readQuoted(s: string, i: number): { value: string; end: number } {
  // Fast path with native searches: no backslash before the closing quote.
  const close = s.indexOf('"', i + 1);
  if (close !== -1) {
    const value = s.slice(i + 1, close);
    if (value.indexOf('\\') === -1) return { value, end: close + 1 };
  }
  let out = '';
  let j = i + 1;
  let runStart = j;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) return { value: runStart === i + 1 ? s.slice(runStart, j) : out + s.slice(runStart, j), end: j + 1 };
    if (c === BACKSLASH && j + 1 < s.length) {
      out += s.slice(runStart, j);
      const next = s[j + 1] as string;
      if (next === 'u' && s[j + 2] === '{') {
        // Look only a few characters ahead: `\u{10ffff}` is the longest escape Rust writes.
        const rel = s.slice(j + 3, j + 10).indexOf('}');
        const closeBrace = rel === -1 ? -1 : j + 3 + rel;
        const code = closeBrace === -1 ? NaN : parseInt(s.slice(j + 3, closeBrace), 16);
        if (Number.isFinite(code) && code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          j = closeBrace + 1;
          runStart = j;
          continue;
        }
      }
      out += ESCAPES[next] ?? next;
      j += 2;
      runStart = j;
      continue;
    }
    j++;
  }
  return { value: out + s.slice(runStart), end: s.length };
}

/** How far past a blank inside brackets a bare value may look for its closing bracket. */
const MAX_BRACKET_LOOKAHEAD = 512;

/**
 * Reads a bare value up to the next blank outside brackets and quotes. Unbalanced brackets do not
 * swallow the rest of the line: when the closing bracket is not found within MAX_BRACKET_LOOKAHEAD
 * characters after the first blank inside, the value ends at that blank. The bound keeps a line of
 * thousands of `a=(` tokens linear instead of quadratic.
 */
export function readBare(s: string, i: number): number {
  let depth = 0;
  let j = i;
  let firstBlankInside = -1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) {
      j = readQuoted(s, j).end;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
    else if (isBlank(c)) {
      if (depth === 0) return j;
      if (firstBlankInside === -1) firstBlankInside = j;
      else if (j - firstBlankInside > MAX_BRACKET_LOOKAHEAD) return firstBlankInside;
    }
    j++;
  }
  return depth > 0 && firstBlankInside !== -1 ? firstBlankInside : j;
}

/** True for `-?digits(.digits)?` of at most 15 significant digits, so Number() is exact enough. */
function isNumberText(text: string): boolean {
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  let dot = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && dot === -1 && i > start) dot = i;
    else if (c < 48 || c > 57) return false;
  }
  return i > start && dot !== i - 1 && i - start <= 16;
}

/** A bare value as ztunnel meant it: integers and decimals as numbers, true/false as booleans. */
export function typedBare(text: string): FieldValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return isNumberText(text) ? Number(text) : text;
}

/**
 * Parses `k=v k="v" ...` from s[start..end). Strict mode fails (returns undefined) on anything that
 * is not a field; lenient mode skips such tokens, for field blocks we already know are fields.
 */
export function parseFields(s: string, start: number, end: number, strict: boolean): Record<string, FieldValue> | undefined {
  const fields: Record<string, FieldValue> = {};
  let i = skipBlanks(s, start);
  const text = end === s.length ? s : s.slice(0, end);
  while (i < end) {
    const keyStart = i;
    if (isKeyStart(text.charCodeAt(i))) {
      i++;
      while (i < end && isKeyChar(text.charCodeAt(i))) i++;
    }
    if (i > keyStart && text.charCodeAt(i) === EQUALS) {
      const key = text.slice(keyStart, i);
      i++;
      if (text.charCodeAt(i) === QUOTE) {
        const quoted = readQuoted(text, i);
        if (key !== '__proto__') fields[key] = quoted.value;
        i = quoted.end;
      } else {
        const valueEnd = readBare(text, i);
        if (key !== '__proto__') fields[key] = typedBare(text.slice(i, valueEnd));
        i = valueEnd;
      }
      if (i < end && !isBlank(text.charCodeAt(i))) {
        if (strict) return undefined;
        i = readBare(text, i);
      }
    } else {
      if (strict) return undefined;
      i = readBare(text, keyStart === i ? i : keyStart);
      if (i === keyStart) i++;
    }
    i = skipBlanks(text, i);
  }
  return fields;
}

/** How many `key=` candidates the space-separated heuristic tries before giving up. */
const MAX_FIELD_CANDIDATES = 12;

/**
 * For lines whose TABs were expanded to spaces: the index where the field block starts, i.e. the
 * first `key=` token after which everything parses as fields, or -1 when the rest is all message.
 * Tries at most MAX_FIELD_CANDIDATES positions so a hostile line stays linear.
 */
export function findFieldBlock(s: string, from: number): { start: number; fields: Record<string, FieldValue> } | undefined {
  let tries = 0;
  let i = from;
  while (i < s.length && tries < MAX_FIELD_CANDIDATES) {
    const eq = s.indexOf('=', i);
    if (eq === -1) return undefined;
    let keyStart = eq;
    while (keyStart > from && isKeyChar(s.charCodeAt(keyStart - 1))) keyStart--;
    const atTokenStart = keyStart === from || isBlank(s.charCodeAt(keyStart - 1));
    if (keyStart < eq && atTokenStart && isKeyStart(s.charCodeAt(keyStart))) {
      tries++;
      const fields = parseFields(s, keyStart, s.length, true);
      if (fields) return { start: keyStart, fields };
    }
    i = eq + 1;
  }
  return undefined;
}

/** Reads a `{...}` group starting at s[i] === '{'; returns the index after the matching '}'. */
function readBraces(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === QUOTE) {
      j = readQuoted(s, j).end;
      continue;
    }
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return j + 1;
    j++;
  }
  return s.length;
}

/** Index after a target token (`xds::client:xds{id=1 a="b c"}`): the first blank outside braces. */
export function readTargetToken(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (isBlank(c)) return j;
    j = c === 123 ? readBraces(s, j) : j + 1;
  }
  return j;
}

/** Splits `proxy::h2::client:proxy{wl=a/b}:outbound{id=7}` into the target and its spans. */
export function splitTarget(token: string): { target: string; spans?: LogSpan[] } {
  let i = 0;
  // The target ends at the first ':' that is not part of '::' (or at a '{' for a bare span list).
  while (i < token.length) {
    const c = token.charCodeAt(i);
    if (c === 58) {
      if (token.charCodeAt(i + 1) === 58) {
        i += 2;
        continue;
      }
      break;
    }
    if (c === 123) break;
    i++;
  }
  const target = token.slice(0, i);
  if (i >= token.length) return { target };
  const spans = parseSpans(token, token.charCodeAt(i) === 58 ? i + 1 : 0);
  return spans.length > 0 ? { target, spans } : { target };
}

/** Parses `a{k=v}:b{k=v}:c` from position i. */
export function parseSpans(s: string, i: number, end = s.length): LogSpan[] {
  const spans: LogSpan[] = [];
  while (i < end) {
    let j = i;
    while (j < end && s.charCodeAt(j) !== 123 && s.charCodeAt(j) !== 58) j++;
    const name = s.slice(i, j);
    let fields: Record<string, FieldValue> = {};
    if (s.charCodeAt(j) === 123) {
      const close = Math.min(readBraces(s, j), end);
      fields = parseFields(s, j + 1, s.charCodeAt(close - 1) === 125 ? close - 1 : close, false) ?? {};
      j = close;
    }
    if (name) spans.push({ name, fields });
    i = j + 1;
  }
  return spans;
}
