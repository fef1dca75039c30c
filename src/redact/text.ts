/**
 * redactText: the redaction of a whole text artifact (a config dump, a debug endpoint's JSON, a
 * config map value). Secret values become `[REDACTED:<kind>]` and everything around them is kept
 * byte for byte, so JSON stays JSON and a healthy file comes out identical.
 *
 * applyInspection is the one place that turns a LineInspection into redacted text; the stream
 * transform uses it too, so a file redacted whole or streamed gives the same bytes.
 */
import { ANY_SECRET_HINT } from './detect.js';
import { addCount, marker, type RedactionCounts } from './kinds.js';
import { LineInspector, type LineInspection } from './lines.js';

export interface RedactResult {
  text: string;
  counts: RedactionCounts;
}

/** The line rewritten, or null when the whole line (and its line break) must go. */
export function applyInspection(line: string, inspection: LineInspection, counts: RedactionCounts): string | null {
  if (inspection.dropLine) return null;
  const edits = [
    ...inspection.removals.map((r) => ({ ...r, replacement: '' })),
    ...inspection.spans.map((s) => {
      addCount(counts, s.kind);
      return { start: s.start, end: s.end, replacement: marker(s.kind) };
    }),
  ].sort((a, b) => a.start - b.start);
  if (edits.length === 0) return line;
  let out = '';
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at) continue;
    out += line.slice(at, edit.start) + edit.replacement;
    at = edit.end;
  }
  return out + line.slice(at);
}

/** Redacts one line with a shared inspector (for callers that keep multi-line state). */
export function redactLine(line: string, inspector: LineInspector, counts: RedactionCounts): string | null {
  return applyInspection(line, inspector.inspect(line), counts);
}

export function redactText(text: string): RedactResult {
  const counts: RedactionCounts = {};
  // Most strings (names, labels, timestamps) cannot hold a secret: skip the line machinery.
  if (!ANY_SECRET_HINT.test(text)) return { text, counts };
  return { text: redactLines(text, new LineInspector(), counts, true), counts };
}

/**
 * Redacts the lines of `text` with `inspector`, whose multi-line state is carried in and out, so
 * a text can be redacted in consecutive parts cut at line breaks (json-blocks.ts) with the result
 * of redacting it whole. The piece after the last line break is a line of its own only when
 * `final` (an empty last line still moves the state, e.g. ends a private key's body).
 */
export function redactLines(text: string, inspector: LineInspector, counts: RedactionCounts, final: boolean): string {
  // Unchanged lines (nearly all) are copied in runs, not line by line.
  const parts: string[] = [];
  let copiedTo = 0;
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    if (nl < 0 && !final) break;
    const next = nl < 0 ? text.length + 1 : nl + 1;
    const end = nl < 0 ? text.length : nl > at && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl;
    const line = text.slice(at, end);
    const inspection = inspector.inspect(line);
    if (inspection.dropLine || inspection.spans.length > 0 || inspection.removals.length > 0) {
      parts.push(text.slice(copiedTo, at));
      const redacted = applyInspection(line, inspection, counts);
      if (redacted !== null) parts.push(redacted + text.slice(end, Math.min(next, text.length)));
      copiedTo = Math.min(next, text.length);
    }
    if (nl < 0) break;
    at = next;
  }
  if (copiedTo === 0) return text;
  parts.push(text.slice(copiedTo));
  return parts.join('');
}
