/**
 * redactK8sObject: redaction of a Kubernetes object (or List) before it is written as JSON.
 * Structure is kept and the input is never mutated. Kubernetes-aware steps come first:
 * - Secret `data`/`stringData` and its last-applied-configuration are removed outright (the
 *   collector does not fetch Secrets; this is belt and braces);
 * - an `env` entry whose NAME looks secret has its value replaced;
 * - any other field whose key looks secret (a config map key `DB_PASSWORD`) has its value replaced;
 * then every remaining string (annotations, config map data, args, messages) goes through
 * redactText, which finds known token formats, private keys and `password: x` lines inside it.
 */
import { addCount, isMarker, marker, mergeCounts, type RedactionCounts } from './kinds.js';
import { secretKindForName } from './names.js';
import { redactText } from './text.js';

export interface K8sRedactResult {
  value: unknown;
  counts: RedactionCounts;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Deeper than any real object; a hostile one is cut here instead of blowing the stack. */
const MAX_DEPTH = 200;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function redactK8sObject(obj: unknown, kind?: string): K8sRedactResult {
  const counts: RedactionCounts = {};
  const value = redactNode(obj, { kind: kind ?? kindOf(obj), depth: 0, counts });
  return { value, counts };
}

interface Context {
  /** Kind of the object being walked, e.g. Secret for the items of a SecretList. */
  kind: string | undefined;
  depth: number;
  counts: RedactionCounts;
  /** Walking the metadata of a Secret, whose annotations may repeat its data. */
  secretMetadata?: boolean;
}

function kindOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.kind === 'string' ? value.kind : undefined;
}

function redactNode(value: unknown, ctx: Context): unknown {
  if (ctx.depth > MAX_DEPTH) {
    addCount(ctx.counts, 'generic-secret');
    return marker('generic-secret');
  }
  if (typeof value === 'string') return redactString(value, ctx.counts);
  if (Array.isArray(value)) return value.map((item) => redactNode(item, { ...ctx, depth: ctx.depth + 1 }));
  if (!isObject(value)) return value;

  const kind = kindOf(value) ?? ctx.kind;
  const isSecret = kind === 'Secret';
  const itemKind = kind?.endsWith('List') && kind !== 'List' ? kind.slice(0, -'List'.length) : undefined;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (isSecret && (key === 'data' || key === 'stringData')) {
      if (isObject(child)) addCount(ctx.counts, 'secret-data', Object.keys(child).length);
      continue;
    }
    const childCtx: Context = {
      counts: ctx.counts,
      depth: ctx.depth + 1,
      kind: key === 'items' ? itemKind : undefined,
      secretMetadata: isSecret && key === 'metadata',
    };
    if (key === 'env' && Array.isArray(child)) out[key] = child.map((entry) => redactEnvEntry(entry, childCtx));
    else if (key === 'annotations' && isObject(child) && ctx.secretMetadata) out[key] = redactSecretAnnotations(child, childCtx);
    else if (typeof child === 'string' && key !== 'kind') out[key] = redactField(key, child, ctx.counts);
    else out[key] = redactNode(child, childCtx);
  }
  return out;
}

function redactString(value: string, counts: RedactionCounts): string {
  const result = redactText(value);
  mergeCounts(counts, result.counts);
  return result.text;
}

/** A string field: its key may say it is a secret; otherwise its content is scanned. */
function redactField(key: string, value: string, counts: RedactionCounts): string {
  const kind = secretKindForName(key);
  if (kind && value.length > 0 && !isMarker(value)) {
    addCount(counts, kind);
    return marker(kind);
  }
  return redactString(value, counts);
}

/** A container env entry: {name, value} or {name, valueFrom}. */
function redactEnvEntry(entry: unknown, ctx: Context): unknown {
  if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.value !== 'string') return redactNode(entry, ctx);
  const copy = redactNode({ ...entry, value: '' }, ctx) as Json;
  const secretName = secretKindForName(entry.name) !== undefined;
  if (secretName && entry.value.length > 0 && !isMarker(entry.value)) {
    addCount(ctx.counts, 'secret-env');
    copy.value = marker('secret-env');
  } else {
    copy.value = redactString(entry.value, ctx.counts);
  }
  return copy;
}

/** A Secret's last-applied-configuration repeats its data: drop it. */
function redactSecretAnnotations(annotations: Json, ctx: Context): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (key === LAST_APPLIED) {
      addCount(ctx.counts, 'secret-data');
      continue;
    }
    out[key] = typeof value === 'string' ? redactField(key, value, ctx.counts) : redactNode(value, ctx);
  }
  return out;
}
