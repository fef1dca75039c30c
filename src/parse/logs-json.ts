/**
 * ztunnel's JSON log lines (`LOG_FORMAT=json`, upstream-formats.md §4.2): `level`, `time`, `scope`,
 * `message`, every field under its literal (dotted) name, and each span as a nested object keyed by
 * the span name. istiod/istio-cni zap lines (`msg` instead of `message`) and tracing-subscriber's
 * stock layout (`fields`, `target`, `span`/`spans`) parse the same way.
 */
import type { FieldValue, LogSpan } from './logs-types.js';
import type { ParsedParts } from './logs-line.js';

const RESERVED = new Set(['level', 'time', 'timestamp', 'ts', 'scope', 'target', 'message', 'msg']);
const LEVELS: Record<string, ParsedParts['level']> = { error: 'error', warn: 'warn', warning: 'warn', info: 'info', debug: 'debug', trace: 'trace' };
const MAX_NESTED_TEXT = 500;

function scalar(value: unknown): FieldValue | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value === null || value === undefined) return undefined;
  // Arrays and deeper objects are rare; keep them readable but bounded.
  const json = JSON.stringify(value);
  return json.length > MAX_NESTED_TEXT ? `${json.slice(0, MAX_NESTED_TEXT)}…` : json;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatFields(source: Record<string, unknown>): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(source)) {
    const v = scalar(value);
    if (v !== undefined && key !== '__proto__') fields[key] = v;
  }
  return fields;
}

/** Parts of a JSON log line starting at body[start] === '{', or undefined when it is not one. */
export function parseJsonBody(body: string, start: number): ParsedParts | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(start === 0 ? body : body.slice(start));
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const rawLevel = parsed.level;
  const level = typeof rawLevel === 'string' ? LEVELS[rawLevel.toLowerCase()] : undefined;
  if (!level) return undefined;
  const fields: Record<string, FieldValue> = {};
  const spans: LogSpan[] = [];
  let message = [parsed.message, parsed.msg].find((t): t is string => typeof t === 'string');
  for (const [key, value] of Object.entries(parsed)) {
    if (RESERVED.has(key) || key === '__proto__') continue;
    if (key === 'fields' && isPlainObject(value)) {
      // tracing-subscriber's stock JSON layout: the event's fields (and message) are nested.
      const nested = flatFields(value);
      if (message === undefined && typeof nested.message === 'string') message = nested.message;
      delete nested.message;
      Object.assign(fields, nested);
    } else if (key === 'spans' && Array.isArray(value)) {
      for (const span of value) if (isPlainObject(span) && typeof span.name === 'string') spans.push({ name: span.name, fields: flatFields({ ...span, name: undefined }) });
    } else if (isPlainObject(value)) {
      if (key !== 'span') spans.push({ name: key, fields: flatFields(value) });
    } else {
      const v = scalar(value);
      if (v !== undefined) fields[key] = v;
    }
  }
  const time = [parsed.time, parsed.timestamp, parsed.ts].find((t): t is string => typeof t === 'string');
  const scope = [parsed.scope, parsed.target].find((t): t is string => typeof t === 'string') ?? '';
  const target = scope.startsWith('ztunnel::') ? scope.slice(9) : scope;
  const parts: ParsedParts = { level, target, message: message ?? '', fields };
  if (time) parts.time = time;
  if (spans.length > 0) parts.spans = spans;
  return parts;
}
