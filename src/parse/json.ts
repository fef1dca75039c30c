/**
 * Safe JSON parsing for untrusted bundle files. JSON.parse is fast but has two problems with
 * hostile input: nesting deeper than any real file is a sign of a hostile one (and would make
 * every recursive walk over the value overflow the stack), and V8's messages often give no
 * position ("Unexpected token '}', ... is not valid JSON") while quoting the input back. So the
 * nesting depth is bounded, and only when JSON.parse fails a small validator walks the text again
 * to say where (line and column) and why. V8's JSON.parse keeps its own stack on the heap, so the
 * depth is checked on the parsed value (a few milliseconds for megabytes, against tens for a scan
 * of every character); the text is scanned only to say where a too-deep value starts.
 */
import { BundleError } from '../errors.js';

/** Deepest nesting of arrays/objects accepted; real dumps stay well under 20. */
export const MAX_JSON_DEPTH = 512;

export interface ParseJsonOptions {
  maxDepth?: number;
}

/** Parses JSON text; any problem becomes BundleError(file, 'invalid JSON at line L column C: reason'). */
export function parseJson(text: string, file: string, options: ParseJsonOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  // A limit too high to walk the value recursively: the text is bounded by a scan instead.
  const walk = maxDepth <= MAX_WALKED_DEPTH;
  if (!walk) refuseExcessiveNesting(text, file, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Too deep wins over a syntax error, wherever each is: the verdict of a scan before parsing.
    refuseExcessiveNesting(text, file, maxDepth);
    const problem = findSyntaxError(text) ?? { pos: 0, reason: err instanceof Error ? err.message.slice(0, 200) : 'unreadable' };
    throw new BundleError(file, `invalid JSON at ${describePosition(text, problem.pos)}: ${problem.reason}`);
  }
  // In valid JSON each bracket opens one array or object, so the value nests exactly as deep as
  // the text's brackets do, and the scan below finds the bracket to cite.
  if (walk && nestsDeeperThan(value, maxDepth, 1)) refuseExcessiveNesting(text, file, maxDepth);
  return value;
}

/** Limits above this are checked on the text before parsing (the value walk recurses). */
const MAX_WALKED_DEPTH = 1024;

function refuseExcessiveNesting(text: string, file: string, maxDepth: number): void {
  const tooDeep = findExcessiveNesting(text, maxDepth);
  if (tooDeep !== undefined) {
    throw new BundleError(file, `invalid JSON at ${describePosition(text, tooDeep)}: nesting deeper than ${maxDepth} levels`);
  }
}

/** True when an array or object inside `value` (itself at `depth`) sits deeper than maxDepth. */
function nestsDeeperThan(value: unknown, maxDepth: number, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (child !== null && typeof child === 'object' && nestsDeeperThan(child, maxDepth, depth + 1)) return true;
    }
    return false;
  }
  // JSON.parse makes plain objects whose keys are all own and enumerable (`__proto__` included).
  const object = value as Record<string, unknown>;
  for (const key in object) {
    const child = object[key];
    if (child !== null && typeof child === 'object' && nestsDeeperThan(child, maxDepth, depth + 1)) return true;
  }
  return false;
}

/** "line L column C" (both 1-based) of a character offset. */
export function describePosition(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line} column ${pos - lineStart + 1}`;
}

/**
 * Offset of the first bracket that opens a level deeper than maxDepth, ignoring string contents.
 * A string is skipped to its closing quote with indexOf: the quote closes it unless an odd run of
 * backslashes precedes it. An unterminated string hides every bracket after it.
 */
export function findExcessiveNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (;;) {
        const quote = text.indexOf('"', i + 1);
        if (quote === -1) return undefined;
        let k = quote - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        i = quote;
        if ((quote - 1 - k) % 2 === 0) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

interface SyntaxProblem {
  pos: number;
  reason: string;
}

/**
 * Walks the text as JSON and reports the first error. Only called after JSON.parse failed, and
 * after the nesting pre-scan, so recursion depth is bounded.
 */
function findSyntaxError(text: string): SyntaxProblem | undefined {
  let pos = 0;
  const fail = (reason: string): never => {
    // At the end of the text, what was expected matters less than the fact that the file is cut.
    throw { pos, reason: pos >= text.length ? 'unexpected end of input (truncated file?)' : reason } satisfies SyntaxProblem;
  };
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const describe = () => (pos >= text.length ? 'unexpected end of input (truncated file?)' : `unexpected ${JSON.stringify(text[pos])}`);
  const string = () => {
    pos++; // opening quote
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) return void pos++;
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('bad \\u escape in string');
          pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad escape in string');
        pos += 2;
        continue;
      }
      pos++;
    }
    fail('unterminated string (truncated file?)');
  };
  const value = (): void => {
    skipSpace();
    const c = text[pos];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) return void (pos += word.length);
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (num && num[0] !== '' && num[0] !== '-') return void (pos += num[0].length);
    fail(describe());
  };
  const container = (close: string, isObject: boolean) => {
    pos++;
    skipSpace();
    if (text[pos] === close) return void pos++;
    for (;;) {
      if (isObject) {
        skipSpace();
        if (text[pos] !== '"') fail(`expected a property name, ${describe()}`);
        string();
        skipSpace();
        if (text[pos] !== ':') fail(`expected ':', ${describe()}`);
        pos++;
      }
      value();
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === close) return void pos++;
      fail(`expected ',' or '${close}', ${describe()}`);
    }
  };
  try {
    value();
    skipSpace();
    if (pos < text.length) fail(`unexpected ${JSON.stringify(text[pos])} after the JSON value`);
    return undefined;
  } catch (problem) {
    if (problem && typeof problem === 'object' && 'reason' in problem) return problem as SyntaxProblem;
    throw problem;
  }
}
