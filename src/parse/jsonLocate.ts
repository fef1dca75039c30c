/**
 * Maps JSON pointers (RFC 6901) back to 1-based line numbers in the original text, so a finding can
 * cite `config_dump.json` line 17 as well as `/workloads/3`. A locator scans forward once, indexing
 * the start offset of every value down to a modest depth; a deeper pointer triggers a scan of just
 * the subtree of its deepest indexed ancestor. It never throws: on malformed text or an unknown
 * pointer it answers undefined.
 */

export interface JsonLocator {
  /** 1-based line where the value at `pointer` starts ('' is the whole document). */
  line(pointer: string): number | undefined;
}

export interface LocatorOptions {
  /** Depth indexed by the first scan (and by each subtree scan, relative to its root). */
  indexDepth?: number;
}

/** One-off lookup; use createLocator for many pointers into the same text. */
export function lineOfPointer(text: string, pointer: string): number | undefined {
  return createLocator(text).line(pointer);
}

export function createLocator(text: string, options: LocatorOptions = {}): JsonLocator {
  const indexDepth = Math.max(1, options.indexDepth ?? 2);
  const offsets = new Map<string, number>();
  /** Container pointer -> absolute depth to which its subtree has been indexed. */
  const expanded = new Map<string, number>();
  let newlines: Uint32Array | undefined;
  let scannedRoot = false;

  const lineAt = (offset: number): number => {
    if (!newlines) {
      // Two passes into a typed array: 4 bytes per line, even for a file of millions of lines.
      let count = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
      newlines = new Uint32Array(count);
      let n = 0;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines[n++] = i;
    }
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newlines[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const scanFrom = (start: number, pointer: string, depth: number, maxDepth: number) => {
    try {
      new Scanner(text, offsets).value(start, pointer, depth, maxDepth);
    } catch {
      // Malformed text: keep whatever was indexed before the problem.
    }
    expanded.set(pointer, maxDepth);
  };

  const coveredDepth = (segments: string[], upTo: number): number => {
    let best = -1;
    for (let k = 0; k <= upTo; k++) {
      const d = expanded.get(join(segments, k));
      if (d !== undefined && d > best) best = d;
    }
    return best;
  };

  return {
    line(pointer: string): number | undefined {
      if (!scannedRoot) {
        scannedRoot = true;
        scanFrom(0, '', 0, indexDepth);
      }
      // Most lookups hit what a scan already recorded (every list item, on the first scan).
      const known = offsets.get(pointer);
      if (known !== undefined) return lineAt(known);
      const segments = splitPointer(pointer);
      if (!segments) return undefined;
      for (;;) {
        const found = offsets.get(pointer);
        if (found !== undefined) return lineAt(found);
        // Deepest ancestor we know the offset of.
        let k = segments.length - 1;
        while (k >= 0 && !offsets.has(join(segments, k))) k--;
        if (k < 0) return undefined;
        if (coveredDepth(segments, k) >= segments.length) return undefined; // indexed deep enough: absent
        const ancestor = join(segments, k);
        scanFrom(offsets.get(ancestor)!, ancestor, k, Math.max(segments.length, k + indexDepth));
      }
    },
  };
}

/** Pointer of the first k segments (already escaped). */
function join(segments: string[], k: number): string {
  return k === 0 ? '' : '/' + segments.slice(0, k).join('/');
}

/** Escaped segments of a pointer, or undefined when it is not a valid pointer. */
function splitPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer.slice(1).split('/');
}

const escapeSegment = (key: string) => (key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Forward scanner recording value start offsets into `offsets`, down to maxDepth. It reads char
 * codes (never one-character strings) and crosses a string with indexOf, as a locator's first scan
 * crosses whole files (an 11 MB pods.json at 100 nodes).
 */
class Scanner {
  constructor(
    private readonly text: string,
    private readonly offsets: Map<string, number>,
  ) {}

  private skipSpace(pos: number): number {
    const t = this.text;
    while (pos < t.length && isSpace(t.charCodeAt(pos))) pos++;
    return pos;
  }

  /** Offset just past the string starting at pos (a quote): the first quote after an even run of backslashes. */
  private stringEnd(pos: number): number {
    const t = this.text;
    for (let from = pos + 1; ; ) {
      const quote = t.indexOf('"', from);
      if (quote === -1) throw new Error('unterminated string');
      let k = quote - 1;
      while (t.charCodeAt(k) === BACKSLASH) k--;
      if ((quote - 1 - k) % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }

  /** Skips any value without recording (iterative, so hostile nesting cannot overflow). */
  private skipValue(pos: number): number {
    const t = this.text;
    pos = this.skipSpace(pos);
    const c = t.charCodeAt(pos);
    if (c === QUOTE) return this.stringEnd(pos);
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
      for (; pos < t.length; pos++) {
        const ch = t.charCodeAt(pos);
        if (ch === COMMA || ch === CLOSE_BRACE || ch === CLOSE_BRACKET || isSpace(ch)) break;
      }
      return pos;
    }
    let depth = 0;
    for (let i = pos; i < t.length; i++) {
      const ch = t.charCodeAt(i);
      if (ch === QUOTE) i = this.stringEnd(i) - 1;
      else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) depth++;
      else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      }
    }
    throw new Error('unterminated container');
  }

  /** Records the value at pos under `pointer` and, within maxDepth, its children. Returns its end. */
  value(pos: number, pointer: string, depth: number, maxDepth: number): number {
    const t = this.text;
    pos = this.skipSpace(pos);
    this.offsets.set(pointer, pos);
    const c = t.charCodeAt(pos);
    if ((c !== OPEN_BRACE && c !== OPEN_BRACKET) || depth >= maxDepth) return this.skipValue(pos);
    const isObject = c === OPEN_BRACE;
    const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
    let index = 0;
    pos = this.skipSpace(pos + 1);
    if (t.charCodeAt(pos) === close) return pos + 1;
    for (;;) {
      let key = String(index++);
      if (isObject) {
        if (t.charCodeAt(pos) !== QUOTE) throw new Error('expected a key');
        const end = this.stringEnd(pos);
        const raw = t.slice(pos + 1, end - 1);
        key = raw.includes('\\') ? (JSON.parse(t.slice(pos, end)) as string) : raw;
        pos = this.skipSpace(end);
        if (t.charCodeAt(pos) !== COLON) throw new Error('expected a colon');
        pos++;
      }
      pos = this.skipSpace(this.value(pos, `${pointer}/${escapeSegment(key)}`, depth + 1, maxDepth));
      const next = t.charCodeAt(pos);
      if (next === COMMA) {
        pos = this.skipSpace(pos + 1);
        continue;
      }
      if (next === close) return pos + 1;
      throw new Error('expected a comma');
    }
  }
}
