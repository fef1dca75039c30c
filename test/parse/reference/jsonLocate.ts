/**
 * The JSON pointer locator as it was before its scanner read char codes and crossed strings with
 * indexOf (commit 4a8399a, src/parse/jsonLocate.ts): the reference the differential tests hold the
 * current locator to. Not used by the tool.
 */
import type { JsonLocator, LocatorOptions } from '../../../src/parse/jsonLocate.js';

export function createReferenceLocator(text: string, options: LocatorOptions = {}): JsonLocator {
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
      const segments = splitPointer(pointer);
      if (!segments) return undefined;
      if (!scannedRoot) {
        scannedRoot = true;
        scanFrom(0, '', 0, indexDepth);
      }
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

const escapeSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Forward scanner recording value start offsets into `offsets`, down to maxDepth. */
class Scanner {
  constructor(
    private readonly text: string,
    private readonly offsets: Map<string, number>,
  ) {}

  private skipSpace(pos: number): number {
    const t = this.text;
    while (pos < t.length) {
      const c = t.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    return pos;
  }

  /** Offset just past the string starting at pos (a quote). */
  private stringEnd(pos: number): number {
    const t = this.text;
    for (let i = pos + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22) return i + 1;
    }
    throw new Error('unterminated string');
  }

  /** Skips any value without recording (iterative, so hostile nesting cannot overflow). */
  private skipValue(pos: number): number {
    const t = this.text;
    pos = this.skipSpace(pos);
    const c = t[pos];
    if (c === '"') return this.stringEnd(pos);
    if (c !== '{' && c !== '[') {
      while (pos < t.length && !',}] \t\r\n'.includes(t[pos]!)) pos++;
      return pos;
    }
    let depth = 0;
    for (let i = pos; i < t.length; i++) {
      const ch = t[i];
      if (ch === '"') i = this.stringEnd(i) - 1;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
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
    const c = t[pos];
    if ((c !== '{' && c !== '[') || depth >= maxDepth) return this.skipValue(pos);
    const isObject = c === '{';
    const close = isObject ? '}' : ']';
    let index = 0;
    pos = this.skipSpace(pos + 1);
    if (t[pos] === close) return pos + 1;
    for (;;) {
      let key = String(index++);
      if (isObject) {
        if (t[pos] !== '"') throw new Error('expected a key');
        const end = this.stringEnd(pos);
        const raw = t.slice(pos + 1, end - 1);
        key = raw.includes('\\') ? (JSON.parse(t.slice(pos, end)) as string) : raw;
        pos = this.skipSpace(end);
        if (t[pos] !== ':') throw new Error('expected a colon');
        pos++;
      }
      pos = this.skipSpace(this.value(pos, `${pointer}/${escapeSegment(key)}`, depth + 1, maxDepth));
      if (t[pos] === ',') {
        pos = this.skipSpace(pos + 1);
        continue;
      }
      if (t[pos] === close) return pos + 1;
      throw new Error('expected a comma');
    }
  }
}
