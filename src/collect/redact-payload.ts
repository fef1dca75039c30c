/**
 * Redaction of in-memory artifacts before they are written: Kubernetes objects through
 * redactK8sObject (env values, config map data, annotations), everything else as text through
 * redactText. A response with nothing to redact is kept byte for byte, so the bundle stores what
 * the cluster returned; only a redacted Kubernetes object is re-serialized.
 */
import { createHash } from 'node:crypto';
import { redactK8sObject, redactText } from '../redact/index.js';
import type { Payload, RedactionCounts } from './artifact.js';

export function redactedK8sJson(body: Buffer, enabled: boolean, httpStatus?: number): Payload {
  if (!enabled) return { kind: 'bytes', data: body, httpStatus };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON after all (a proxy's HTML error page): redact it as text.
    return redactedText(body, enabled, httpStatus);
  }
  const { value, counts } = redactK8sObject(parsed);
  const changed = Object.values(counts).some((n) => n > 0);
  const data = changed ? Buffer.from(JSON.stringify(value, null, 2) + '\n') : body;
  return { kind: 'bytes', data, httpStatus, redactions: counts };
}

export function redactedText(body: Buffer, enabled: boolean, httpStatus?: number, memo?: RedactionMemo): Payload {
  if (!enabled) return { kind: 'bytes', data: body, httpStatus };
  const known = memo?.get(body);
  if (known) return { kind: 'bytes', data: known.data ?? body, httpStatus, redactions: { ...known.counts } };
  const original = body.toString('utf8');
  const { text, counts } = redactText(original);
  const data = text === original ? body : Buffer.from(text);
  memo?.set(body, { ...(data === body ? {} : { data }), counts: { ...counts } });
  return { kind: 'bytes', data, httpStatus, redactions: counts };
}

/**
 * The redaction of recently seen large bodies, by content digest. istiod answers every ztunnel's
 * config_dump request with the same cluster state, so on a cluster of N nodes the same megabytes
 * arrive N times in a row; redaction is a pure function of the text, so they are redacted once.
 * A handful of entries suffice for that, and keep the memory bounded whatever the cluster size.
 */
export class RedactionMemo {
  private readonly entries = new Map<string, { data?: Buffer; counts: RedactionCounts }>();

  constructor(
    private readonly minBytes = 64 * 1024,
    private readonly maxEntries = 4,
  ) {}

  private key(body: Buffer): string | undefined {
    return body.length < this.minBytes ? undefined : createHash('sha256').update(body).digest('hex');
  }

  get(body: Buffer): { data?: Buffer; counts: RedactionCounts } | undefined {
    const key = this.key(body);
    const hit = key === undefined ? undefined : this.entries.get(key);
    if (key !== undefined && hit) {
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(body: Buffer, result: { data?: Buffer; counts: RedactionCounts }): void {
    const key = this.key(body);
    if (key === undefined) return;
    this.entries.set(key, result);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
