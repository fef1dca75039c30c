/**
 * Parses one ztunnel log line into an event. Recognized shapes (upstream-formats.md §4):
 * the plain format of ztunnel >= 1.22 (`ts\tlevel\ttarget[:span{..}]\tmessage\tk=v ...`, also with
 * its TABs expanded to spaces), the legacy format of <= 1.21 (`ts  LEVEL span{..}: target: message
 * k=v`), JSON lines (`LOG_FORMAT=json`), and the same with `kubectl logs --prefix` / `--timestamps`
 * decorations in front or with ztunnel's own timestamp missing. The parser works with index scans
 * and a few anchored checks only, so its cost is linear in the line length.
 */
import { findFieldBlock, parseFields, parseSpans, readTargetToken, skipBlanks, splitTarget, isBlank } from './logs-fields.js';
import { buildAccessEvent, isAccessMessage } from './logs-access.js';
import { parseJsonBody } from './logs-json.js';
import { MAX_RAW, type FieldValue, type LogEvent, type LogLevel, type LogSpan, type OtherEvent } from './logs-types.js';

const LEVELS: Record<string, LogLevel> = {
  error: 'error', warn: 'warn', warning: 'warn', info: 'info', debug: 'debug', trace: 'trace',
  ERROR: 'error', WARN: 'warn', WARNING: 'warn', INFO: 'info', DEBUG: 'debug', TRACE: 'trace',
};

export function levelOf(word: unknown): LogLevel | undefined {
  return typeof word === 'string' && Object.hasOwn(LEVELS, word) ? LEVELS[word] : undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsAt(s: string, i: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (!isDigit(s.charCodeAt(i + k))) return false;
  return true;
}

/** Index after an RFC 3339 timestamp (`2024-05-04T09:59:05.028709Z`, offsets allowed) at s[i], or -1. */
export function timestampEnd(s: string, i: number): number {
  if (!digitsAt(s, i, 4) || s.charCodeAt(i + 4) !== 45 || !digitsAt(s, i + 5, 2) || s.charCodeAt(i + 7) !== 45) return -1;
  const t = s.charCodeAt(i + 10);
  if (!digitsAt(s, i + 8, 2) || (t !== 84 && t !== 116)) return -1;
  if (!digitsAt(s, i + 11, 2) || s.charCodeAt(i + 13) !== 58 || !digitsAt(s, i + 14, 2) || s.charCodeAt(i + 16) !== 58 || !digitsAt(s, i + 17, 2)) return -1;
  let j = i + 19;
  if (s.charCodeAt(j) === 46) {
    j++;
    const start = j;
    while (j - start < 12 && isDigit(s.charCodeAt(j))) j++;
    if (j === start) return -1;
  }
  const z = s.charCodeAt(j);
  if (z === 90 || z === 122) return j + 1;
  if ((z === 43 || z === 45) && digitsAt(s, j + 1, 2) && s.charCodeAt(j + 3) === 58 && digitsAt(s, j + 4, 2)) return j + 6;
  return -1;
}

/** The word (up to a blank) at s[i]. */
function wordAt(s: string, i: number): string {
  let j = i;
  while (j < s.length && j - i < 10 && !isBlank(s.charCodeAt(j))) j++;
  return s.slice(i, j);
}

function isPodNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || isDigit(c) || c === 45 || c === 46;
}

/** What `kubectl logs` put in front of ztunnel's own text. */
export interface LinePrefix {
  pod?: string;
  /** The `--timestamps` timestamp, used when ztunnel's own is absent. */
  kubeTime?: string;
  /** The text after the prefixes. */
  body: string;
}

/**
 * Strips `[pod/<name>/<container>] `, a bare `<pod-name> ` before a timestamp or JSON, and a
 * `kubectl logs --timestamps` timestamp. A timestamp counts as kubectl's when it is followed by
 * another timestamp, JSON, a prefix, or text that is not a level (a continuation line).
 */
export function splitLinePrefix(line: string): LinePrefix {
  const prefix: LinePrefix = { body: line };
  let i = 0;
  for (let round = 0; round < 3; round++) {
    const c = line.charCodeAt(i);
    if (c === 91 /* [ */ && line.startsWith('[pod/', i)) {
      const close = line.indexOf('] ', i);
      if (close === -1 || close - i > 512) break;
      const name = line.slice(i + 5, close).split('/', 1)[0];
      if (name) prefix.pod = name;
      i = close + 2;
      continue;
    }
    const tsEnd = timestampEnd(line, i);
    if (tsEnd !== -1) {
      if (line.charCodeAt(tsEnd) !== 32) break;
      const next = tsEnd + 1;
      const n = line.charCodeAt(next);
      const nextIsHeader = timestampEnd(line, next) !== -1 || n === 123 || n === 91;
      if (!nextIsHeader && levelOf(wordAt(line, skipBlanks(line, next))) !== undefined) break;
      prefix.kubeTime = line.slice(i, tsEnd);
      i = next;
      continue;
    }
    if (isPodNameChar(c) && !isDigit(c)) {
      let j = i;
      while (j < line.length && j - i <= 253 && isPodNameChar(line.charCodeAt(j))) j++;
      if (line.charCodeAt(j) === 32 && (timestampEnd(line, j + 1) !== -1 || line.charCodeAt(j + 1) === 123)) {
        prefix.pod = line.slice(i, j);
        i = j + 1;
        continue;
      }
    }
    break;
  }
  prefix.body = i === 0 ? line : line.slice(i);
  return prefix;
}

/** ztunnel's JSON `scope` and legacy targets keep the crate prefix; the plain format drops it. */
export function normalizeTarget(target: string): string {
  return target.startsWith('ztunnel::') ? target.slice(9) : target;
}

/** Everything a line parser learned, before it is shaped into an event. */
export interface ParsedParts {
  time?: string;
  level: LogLevel;
  target: string;
  spans?: LogSpan[];
  message: string;
  fields: Record<string, FieldValue>;
}

/** Context a line is parsed in: its number, prefix and the evidence text. */
export interface LineContext {
  lineNo: number;
  prefix: LinePrefix;
  raw: string;
}

/** Shapes parsed parts into an access event or a generic event. */
export function toEvent(parts: ParsedParts, ctx: LineContext): LogEvent {
  const time = parts.time ?? ctx.prefix.kubeTime;
  if (parts.target === 'access' && isAccessMessage(parts.message)) {
    return buildAccessEvent({ ...parts, message: parts.message, time }, { line: ctx.lineNo, raw: ctx.raw, pod: ctx.prefix.pod });
  }
  const event: OtherEvent = {
    kind: 'event',
    line: ctx.lineNo,
    ...(time ? { time } : {}),
    level: parts.level,
    target: parts.target,
    ...(parts.spans && parts.spans.length > 0 ? { spans: parts.spans } : {}),
    message: parts.message,
    fields: parts.fields,
    ...(ctx.prefix.pod ? { pod: ctx.prefix.pod } : {}),
    raw: ctx.raw,
  };
  return event;
}

/** Plain format with real TABs: split on them. */
function parseTabbed(body: string, afterLevel: number): Omit<ParsedParts, 'level' | 'time'> {
  const targetEnd = body.indexOf('\t', afterLevel);
  const head = splitTarget(targetEnd === -1 ? body.slice(afterLevel).trim() : body.slice(afterLevel, targetEnd));
  const parts = head as Omit<ParsedParts, 'level' | 'time'>;
  parts.message = '';
  parts.fields = {};
  if (targetEnd === -1) return parts;
  const messageEnd = body.indexOf('\t', targetEnd + 1);
  if (messageEnd === -1) {
    parts.message = body.slice(targetEnd + 1).trimEnd();
    return parts;
  }
  parts.message = body.slice(targetEnd + 1, messageEnd);
  parts.fields = parseFields(body, messageEnd + 1, body.length, false) ?? {};
  return parts;
}

/** Message then fields, when the boundary between them is spaces: the field block is found by shape. */
function messageAndFields(body: string, start: number): { message: string; fields: Record<string, FieldValue> } {
  const block = findFieldBlock(body, start);
  if (!block) return { message: body.slice(start).trimEnd(), fields: {} };
  return { message: body.slice(start, block.start).trimEnd(), fields: block.fields };
}

/** Plain format whose TABs were expanded to spaces (docs, issue pastes). */
function parseSpaced(body: string, afterLevel: number): Omit<ParsedParts, 'level' | 'time'> {
  const targetStart = skipBlanks(body, afterLevel);
  const targetEnd = readTargetToken(body, targetStart);
  const head = splitTarget(body.slice(targetStart, targetEnd));
  return { ...head, ...messageAndFields(body, skipBlanks(body, targetEnd)) };
}

/** Legacy (<= 1.21): `LEVEL span{..}:span{..}: target: message k=v`. */
function parseLegacy(body: string, afterLevel: number): Omit<ParsedParts, 'level' | 'time'> {
  let i = skipBlanks(body, afterLevel);
  let spans: LogSpan[] | undefined;
  let target = '';
  for (let round = 0; round < 2; round++) {
    const end = readTargetToken(body, i);
    if (end - i < 2 || body.charCodeAt(end - 1) !== 58 /* : */) break;
    const token = body.slice(i, end - 1);
    if (round === 0 && token.includes('{')) {
      spans = parseSpans(token, 0);
      i = skipBlanks(body, end);
      continue;
    }
    target = token;
    i = skipBlanks(body, end);
    break;
  }
  const rest = messageAndFields(body, i);
  return spans && spans.length > 0 ? { target, spans, ...rest } : { target, ...rest };
}

function unparsed(ctx: LineContext): LogEvent {
  return ctx.prefix.pod ? { kind: 'unparsed', line: ctx.lineNo, raw: ctx.raw, pod: ctx.prefix.pod } : { kind: 'unparsed', line: ctx.lineNo, raw: ctx.raw };
}

/** Parses the text after the kubectl prefixes. */
export function parseLogBody(ctx: LineContext): LogEvent | undefined {
  const body = ctx.prefix.body;
  let i = skipBlanks(body, 0);
  if (i >= body.length) return undefined;
  if (body.charCodeAt(i) === 123 /* { */) {
    const parts = parseJsonBody(body, i);
    return parts ? toEvent(parts, ctx) : unparsed(ctx);
  }
  let time: string | undefined;
  const tsEnd = timestampEnd(body, i);
  if (tsEnd !== -1) {
    if (tsEnd < body.length && !isBlank(body.charCodeAt(tsEnd))) return unparsed(ctx);
    time = body.slice(i, tsEnd);
    i = skipBlanks(body, tsEnd);
  }
  const word = wordAt(body, i);
  const level = levelOf(word);
  const afterLevel = i + word.length;
  if (!level || (afterLevel < body.length && !isBlank(body.charCodeAt(afterLevel)))) return unparsed(ctx);
  const tabbed = body.charCodeAt(afterLevel) === 9;
  const legacy = !tabbed && word === word.toUpperCase();
  const parts = (tabbed ? parseTabbed(body, afterLevel + 1) : legacy ? parseLegacy(body, afterLevel) : parseSpaced(body, afterLevel)) as ParsedParts;
  parts.level = level;
  parts.target = normalizeTarget(parts.target);
  if (time) parts.time = time;
  return toEvent(parts, ctx);
}

/** The evidence text of a line: its start, bounded. */
export function rawExcerpt(line: string): string {
  return line.length > MAX_RAW ? line.slice(0, MAX_RAW) : line;
}

/**
 * Parses one log line (without its newline; a trailing CR is ignored). Returns undefined for a blank
 * line and `{ kind: 'unparsed' }` for text in no known format.
 */
export function parseLogLine(line: string, lineNo: number): LogEvent | undefined {
  const text = line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  return parseLogBody({ lineNo, prefix: splitLinePrefix(text), raw: rawExcerpt(text) });
}
