/**
 * Line-by-line secret finding with the little state that multi-line secrets need: a PEM private
 * key spread over many lines (logs, YAML block scalars) and a YAML/pretty-JSON env entry whose
 * `value:` follows its `name:` line. redactText, the redaction stream and the leak scan all feed
 * lines through one LineInspector, so they agree on what a secret is.
 *
 * Public PEM blocks (certificates, public keys, CRLs) are reported as `publicRanges` so the scan's
 * entropy check skips their base64 bodies.
 */
import { findSecrets, decodeBase64Prefix, type SecretSpan } from './detect.js';
import { isMarker } from './kinds.js';
import { secretKindForName } from './names.js';

export interface LineInspection {
  /** Secrets to replace with a marker, sorted and disjoint. */
  spans: SecretSpan[];
  /** Parts of the line to delete without a marker (the rest of a multi-line private key). */
  removals: Array<{ start: number; end: number }>;
  /** The whole line, with its line break, belongs to a private key body: drop it. */
  dropLine: boolean;
  /** Public certificate material: not secret, and random-looking by nature. */
  publicRanges: Array<{ start: number; end: number }>;
}

const PRIVATE_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const PRIVATE_END = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
/** What may appear on the lines of a PEM body: base64, RFC 1421 headers, blank lines. */
const PEM_BODY_LINE = /^[\s"']*(?:[A-Za-z0-9+/=]+|(?:Proc-Type|DEK-Info|Comment|Version):.*)?[\s"',]*$/;
/** A public PEM block, or its start; the body stops at the next '-----' so the regex stays linear. */
const PUBLIC_PEM = /-----BEGIN (?!.{0,40}PRIVATE)[A-Z0-9 ]{1,40}-----(?:[^-]|-(?!----))*(?:-----END [A-Z0-9 ]{1,40}-----)?/g;
const BASE64_PEM = /(?<![A-Za-z0-9+/])LS0tLS1CRUdJT[A-Za-z0-9+/]+={0,2}/g;
const ENV_NAME_LINE = /^\s*(?:-\s+)?["']?name["']?\s*:\s*["']?([A-Za-z_][A-Za-z0-9_.-]{0,128})["']?\s*,?\s*$/;
const ENV_VALUE_LINE = /^\s*(?:-\s+)?["']?value["']?\s*:\s*/;

/** Index of the first '"' at or after from that is not escaped by a backslash, or -1. */
function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') i++;
    else if (ch === '"') return i;
  }
  return -1;
}

/**
 * Inspections of lines already seen, by state and line. A bundle repeats the same lines thousands
 * of times (every ztunnel's config_dump lists every workload of the cluster), and an inspection is
 * a pure function of the line and the inspector's three flags, so repeats cost a map lookup
 * instead of a dozen regular expressions: redaction and the leak scan of a 100-node bundle run
 * several times faster. Bounded: cleared when full; long lines (rarely repeated) are not kept.
 */
const MEMO_MAX_ENTRIES = 50_000;
const MEMO_MAX_LINE_CHARS = 512;
/** One map per state (8), so a lookup needs no key built per line. */
const memo = Array.from({ length: 8 }, () => new Map<string, { inspection: LineInspection; next: number }>());
let memoEntries = 0;

/**
 * A copy of a line that does not keep the whole text it was sliced from alive (V8 slices share
 * their parent's characters); only lines stored in a memo need it.
 */
export function detachedCopy(line: string): string {
  return (' ' + line).slice(1);
}

/** The inspector's state as one character, the prefix of its memo keys. */
const STATE_PRIVATE_KEY = 1;
const STATE_PUBLIC_PEM = 2;
const STATE_ENV_PENDING = 4;

export class LineInspector {
  private inPrivateKey = false;
  private inPublicPem = false;
  private secretEnvPending = false;

  /** The multi-line state (which lines before this one can change the next inspection), as a number. */
  state(): number {
    return (this.inPrivateKey ? STATE_PRIVATE_KEY : 0) | (this.inPublicPem ? STATE_PUBLIC_PEM : 0) | (this.secretEnvPending ? STATE_ENV_PENDING : 0);
  }

  /** Puts the inspector in a state state() returned (for callers that memoize lines themselves). */
  restore(state: number): void {
    this.inPrivateKey = (state & STATE_PRIVATE_KEY) !== 0;
    this.inPublicPem = (state & STATE_PUBLIC_PEM) !== 0;
    this.secretEnvPending = (state & STATE_ENV_PENDING) !== 0;
  }

  /** Inspect one line, without its line break. The result is shared: never modify it. */
  inspect(line: string): LineInspection {
    if (line.length > MEMO_MAX_LINE_CHARS) return this.inspectLine(line);
    const seen = memo[this.state()]!;
    const known = seen.get(line);
    if (known !== undefined) {
      this.restore(known.next);
      return known.inspection;
    }
    const inspection = deepFreeze(this.inspectLine(line));
    if (memoEntries >= MEMO_MAX_ENTRIES) {
      for (const m of memo) m.clear();
      memoEntries = 0;
    }
    seen.set(detachedCopy(line), { inspection, next: this.state() });
    memoEntries++;
    return inspection;
  }

  private inspectLine(line: string): LineInspection {
    const result: LineInspection = { spans: [], removals: [], dropLine: false, publicRanges: [] };
    let from = 0;
    if (this.inPrivateKey) {
      const end = PRIVATE_END.exec(line);
      if (end) {
        this.inPrivateKey = false;
        from = end.index + end[0].length;
        result.removals.push({ start: 0, end: from });
      } else if (PEM_BODY_LINE.test(line)) {
        result.dropLine = true;
        return result;
      } else {
        // Not key material: the key was truncated. Stop here rather than swallow the log.
        this.inPrivateKey = false;
      }
    }
    const taken = this.privateKeySpans(line, from);
    this.collectPublic(line, result);
    const envValue = this.pendingEnvValue(line);
    if (envValue && !taken.some((s) => s.start < envValue.end && envValue.start < s.end)) taken.push(envValue);
    result.spans = [...taken, ...findSecrets(line, taken)].sort((a, b) => a.start - b.start);
    return result;
  }

  /** Private keys that start on this line; a key that does not end here switches the state on. */
  private privateKeySpans(line: string, from: number): SecretSpan[] {
    const spans: SecretSpan[] = [];
    let rest = from;
    while (rest < line.length) {
      const tail = line.slice(rest);
      const begin = PRIVATE_BEGIN.exec(tail);
      if (!begin) break;
      const start = rest + begin.index;
      const afterBegin = start + begin[0].length;
      const endMatch = PRIVATE_END.exec(line.slice(afterBegin));
      if (endMatch) {
        const end = afterBegin + endMatch.index + endMatch[0].length;
        spans.push({ start, end, kind: 'private-key' });
        rest = end;
        continue;
      }
      // No END on this line: a JSON string ends at its closing quote; otherwise the key goes on.
      const quote = closingQuote(line, afterBegin);
      if (quote >= 0) {
        spans.push({ start, end: quote, kind: 'private-key' });
        rest = quote;
        continue;
      }
      spans.push({ start, end: line.length, kind: 'private-key' });
      this.inPrivateKey = true;
      break;
    }
    return spans;
  }

  private collectPublic(line: string, result: LineInspection): void {
    if (this.inPublicPem) {
      const end = /-----END [A-Z0-9 ]{1,40}-----/.exec(line);
      result.publicRanges.push({ start: 0, end: end ? end.index + end[0].length : line.length });
      if (end) this.inPublicPem = false;
    }
    if (line.includes('-----BEGIN ')) {
      PUBLIC_PEM.lastIndex = 0;
      for (let m = PUBLIC_PEM.exec(line); m !== null; m = PUBLIC_PEM.exec(line)) {
        result.publicRanges.push({ start: m.index, end: m.index + m[0].length });
        const toEndOfLine = m.index + m[0].length === line.length;
        if (toEndOfLine && !m[0].includes('-----END ') && closingQuote(m[0], 0) < 0) this.inPublicPem = true;
      }
    }
    if (line.includes('LS0tLS1CRUdJT')) {
      BASE64_PEM.lastIndex = 0;
      for (let m = BASE64_PEM.exec(line); m !== null; m = BASE64_PEM.exec(line)) {
        if (!/PRIVATE/.test(decodeBase64Prefix(m[0], 96))) result.publicRanges.push({ start: m.index, end: m.index + m[0].length });
      }
    }
  }

  /** The `value:` of a YAML or pretty-printed JSON env entry whose `name:` line named a secret. */
  private pendingEnvValue(line: string): SecretSpan | undefined {
    const pending = this.secretEnvPending;
    const name = ENV_NAME_LINE.exec(line);
    this.secretEnvPending = name !== null && secretKindForName(name[1]!) !== undefined;
    if (!pending) return undefined;
    const head = ENV_VALUE_LINE.exec(line);
    if (!head) return undefined;
    let start = head[0].length;
    let end = line.trimEnd().length;
    if (line[end - 1] === ',') end -= 1;
    const quote = line[start];
    if ((quote === '"' || quote === "'") && line[end - 1] === quote && end - start >= 2) {
      start += 1;
      end -= 1;
    }
    const value = line.slice(start, end);
    if (value.length === 0 || isMarker(value) || /^(true|false|null|[|>][-+]?)$/.test(value)) return undefined;
    return { start, end, kind: 'secret-env' };
  }
}

function deepFreeze(inspection: LineInspection): LineInspection {
  for (const list of [inspection.spans, inspection.removals, inspection.publicRanges]) {
    for (const item of list) Object.freeze(item);
    Object.freeze(list);
  }
  return Object.freeze(inspection);
}
