/**
 * Excerpts for scan hits: enough of the line to find the spot, never the secret. Every secret on
 * the line is masked (all but its first few characters), control characters are made visible and
 * the excerpt is cut to a short window around the hit, so a scan report is itself safe to share.
 */

export interface Range {
  start: number;
  end: number;
}

const CONTEXT_BEFORE = 40;
const CONTEXT_AFTER = 30;
const SHOWN_PREFIX = 4;

/** "ghp_…(40 chars)": the first characters say what it was, the length says how much is hidden. */
export function maskSecret(secret: string): string {
  const shown = secret.length >= 12 ? secret.slice(0, SHOWN_PREFIX) : '';
  return `${shown}…(${secret.length} chars)`;
}

export function buildExcerpt(line: string, hit: Range, allHits: readonly Range[]): string {
  const from = Math.max(0, hit.start - CONTEXT_BEFORE);
  const to = Math.min(line.length, hit.end + CONTEXT_AFTER);
  let out = from > 0 ? '…' : '';
  let at = from;
  for (const r of [...allHits].sort((a, b) => a.start - b.start)) {
    if (r.end <= from || r.start >= to) continue;
    const start = Math.max(r.start, at);
    out += visible(line.slice(at, start)) + maskSecret(line.slice(r.start, r.end));
    at = Math.max(at, r.end);
  }
  if (at < to) out += visible(line.slice(at, to));
  return out + (to < line.length ? '…' : '');
}

function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
