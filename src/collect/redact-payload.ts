/**
 * Redaction of in-memory artifacts before they are written: Kubernetes objects through
 * redactK8sObject (env values, config map data, annotations), everything else as text through
 * redactText. A response with nothing to redact is kept byte for byte, so the bundle stores what
 * the cluster returned; only a redacted Kubernetes object is re-serialized.
 */
import { redactK8sObject, redactText } from '../redact/index.js';
import type { Payload } from './artifact.js';

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

export function redactedText(body: Buffer, enabled: boolean, httpStatus?: number): Payload {
  if (!enabled) return { kind: 'bytes', data: body, httpStatus };
  const original = body.toString('utf8');
  const { text, counts } = redactText(original);
  return { kind: 'bytes', data: text === original ? body : Buffer.from(text), httpStatus, redactions: counts };
}
