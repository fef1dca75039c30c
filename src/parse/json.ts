/**
 * Safe JSON parsing for untrusted bundle files. JSON.parse is fast but has two problems with
 * hostile input: deep nesting overflows the stack (a RangeError with no file name), and V8's
 * messages often give no position ("Unexpected token '}', ... is not valid JSON") while quoting the
 * input back. So a cheap pre-scan bounds the nesting depth first, and only when JSON.parse fails a
 * small validator walks the text again to say where (line and column) and why.
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
  const tooDeep = findExcessiveNesting(text, maxDepth);
  if (tooDeep !== undefined) {
    throw new BundleError(file, `invalid JSON at ${describePosition(text, tooDeep)}: nesting deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const problem = findSyntaxError(text) ?? { pos: 0, reason: err instanceof Error ? err.message.slice(0, 200) : 'unreadable' };
    throw new BundleError(file, `invalid JSON at ${describePosition(text, problem.pos)}: ${problem.reason}`);
  }
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

/** Offset of the first bracket that opens a level deeper than maxDepth, ignoring string contents. */
function findExcessiveNesting(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
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
