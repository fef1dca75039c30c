/**
 * Typed field access over parsed, untrusted JSON for the JSON-side parsers. A field of the wrong
 * type is dropped with a warning naming its JSON pointer, so one odd field never loses a whole
 * file; results are built without undefined values so they bind cleanly into CEL (absent = has()).
 */

export type JsonObject = Record<string, unknown>;

/** Collects warnings for one file; passed down through a parser instead of module state. */
export interface FieldContext {
  warnings: string[];
}

/** Largest number of warnings kept per file, so a hostile file cannot grow them without bound. */
const MAX_WARNINGS = 200;
const OMITTED = 'further warnings omitted';

export function warn(ctx: FieldContext, pointer: string, problem: string): void {
  if (ctx.warnings.length < MAX_WARNINGS) ctx.warnings.push(`${pointer || '/'}: ${problem}`);
  else if (ctx.warnings.length === MAX_WARNINGS) ctx.warnings.push(OMITTED);
}

/** Appends warnings collected in another context (one section of a file), under the same cap. */
export function addWarnings(ctx: FieldContext, warnings: readonly string[]): void {
  for (const w of warnings) {
    if (ctx.warnings.length > MAX_WARNINGS) return;
    if (ctx.warnings.length === MAX_WARNINGS || w === OMITTED) ctx.warnings.push(OMITTED);
    else ctx.warnings.push(w);
    if (w === OMITTED) return;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 6901 escaping of one pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${escapePointer(String(key))}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The value of the first of `keys` present in obj (istiod views may use lowerCamelCase protojson
 * or Go snake_case field names for the same field).
 */
function lookup(obj: JsonObject, keys: string[]): { key: string; value: unknown } | undefined {
  for (const key of keys) if (obj[key] !== undefined && obj[key] !== null) return { key, value: obj[key] };
  return undefined;
}

type Keys = string | string[];
const list = (keys: Keys) => (Array.isArray(keys) ? keys : [keys]);

export function str(ctx: FieldContext, obj: JsonObject, keys: Keys, pointer: string): string | undefined {
  const found = lookup(obj, list(keys));
  if (!found) return undefined;
  if (typeof found.value === 'string') return found.value;
  warn(ctx, childPointer(pointer, found.key), `expected a string, got ${typeName(found.value)}`);
  return undefined;
}

export function num(ctx: FieldContext, obj: JsonObject, keys: Keys, pointer: string): number | undefined {
  const found = lookup(obj, list(keys));
  if (!found) return undefined;
  if (typeof found.value === 'number' && Number.isFinite(found.value)) return found.value;
  // protojson writes 64-bit integers as strings.
  if (typeof found.value === 'string' && /^-?\d{1,15}$/.test(found.value)) return Number(found.value);
  warn(ctx, childPointer(pointer, found.key), `expected a number, got ${typeName(found.value)}`);
  return undefined;
}

export function bool(ctx: FieldContext, obj: JsonObject, keys: Keys, pointer: string): boolean | undefined {
  const found = lookup(obj, list(keys));
  if (!found) return undefined;
  if (typeof found.value === 'boolean') return found.value;
  warn(ctx, childPointer(pointer, found.key), `expected a boolean, got ${typeName(found.value)}`);
  return undefined;
}

export function obj(ctx: FieldContext, parent: JsonObject, keys: Keys, pointer: string): { value: JsonObject; pointer: string } | undefined {
  const found = lookup(parent, list(keys));
  if (!found) return undefined;
  if (isObject(found.value)) return { value: found.value, pointer: childPointer(pointer, found.key) };
  warn(ctx, childPointer(pointer, found.key), `expected an object, got ${typeName(found.value)}`);
  return undefined;
}

export function arr(ctx: FieldContext, parent: JsonObject, keys: Keys, pointer: string): { value: unknown[]; pointer: string } | undefined {
  const found = lookup(parent, list(keys));
  if (!found) return undefined;
  if (Array.isArray(found.value)) return { value: found.value, pointer: childPointer(pointer, found.key) };
  warn(ctx, childPointer(pointer, found.key), `expected an array, got ${typeName(found.value)}`);
  return undefined;
}

/** An array of strings; non-string entries are dropped with a warning. */
export function strList(ctx: FieldContext, parent: JsonObject, keys: Keys, pointer: string): string[] {
  const found = arr(ctx, parent, keys, pointer);
  if (!found) return [];
  const out: string[] = [];
  found.value.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else warn(ctx, childPointer(found.pointer, i), `expected a string, got ${typeName(item)}`);
  });
  return out;
}

/** `{ "<port>": <port> }` maps (service ports, endpoint ports); keys stay strings as in the dump. */
export function portMap(ctx: FieldContext, parent: JsonObject, keys: Keys, pointer: string): Record<string, number> {
  const found = obj(ctx, parent, keys, pointer);
  const out: Record<string, number> = {};
  if (!found) return out;
  for (const [k, v] of Object.entries(found.value)) {
    if (typeof v === 'number' && Number.isInteger(v)) out[k] = v;
    else warn(ctx, childPointer(found.pointer, k), `expected a port number, got ${typeName(v)}`);
  }
  return out;
}

/** Only the string-valued entries of an object (labels, annotations). */
export function strMap(ctx: FieldContext, parent: JsonObject, keys: Keys, pointer: string): Record<string, string> {
  const found = obj(ctx, parent, keys, pointer);
  const out: Record<string, string> = {};
  if (!found) return out;
  for (const [k, v] of Object.entries(found.value)) {
    if (typeof v === 'string') out[k] = v;
    else warn(ctx, childPointer(found.pointer, k), `expected a string, got ${typeName(v)}`);
  }
  return out;
}

/** Copy without undefined-valued properties (CEL sees absent fields, never undefined). */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * The items of a collection that is a list (≥1.23 dumps) or a map keyed by address/name (1.22),
 * each with its JSON pointer and, for maps, its key. Non-object items are skipped with a warning.
 */
export function listOrMap(ctx: FieldContext, value: unknown, pointer: string): { shape: 'list' | 'map'; items: { item: JsonObject; pointer: string; key?: string }[] } {
  const items: { item: JsonObject; pointer: string; key?: string }[] = [];
  const add = (item: unknown, itemPointer: string, key?: string) => {
    if (isObject(item)) items.push(key === undefined ? { item, pointer: itemPointer } : { item, pointer: itemPointer, key });
    else warn(ctx, itemPointer, `expected an object, got ${typeName(item)}`);
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => add(item, childPointer(pointer, i)));
    return { shape: 'list', items };
  }
  if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) add(item, childPointer(pointer, key), key);
    return { shape: 'map', items };
  }
  if (value !== undefined && value !== null) warn(ctx, pointer, `expected an array or an object, got ${typeName(value)}`);
  return { shape: 'list', items };
}
