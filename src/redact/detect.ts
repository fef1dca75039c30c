/**
 * Single-line secret detectors: each finds the SPAN of a secret value inside one line of text.
 * They are shared by redaction (which replaces spans with markers) and by the leak scan (which
 * reports them), so what `scan` finds is exactly what redaction would have removed.
 *
 * Every regex starts only at a boundary (lookbehind) and bounds what it repeats, so a hostile
 * multi-megabyte line costs linear time. Detectors run in order and a later span never overlaps an
 * earlier one: a JWT after `token:` is reported once, as a JWT.
 */
import { isMarker, MARKER_PREFIX, type SecretKind } from './kinds.js';
import { secretKindForName } from './names.js';

export interface SecretSpan {
  start: number;
  end: number;
  kind: SecretKind;
}

interface Detector {
  kind: SecretKind;
  /** Cheap test that must pass before the regex runs (most lines hold no secret). */
  hint?: RegExp;
  /** A further exact test after the hint, where a regex would not stay linear. */
  alsoNeeds?: (line: string) => boolean;
  pattern: RegExp;
  /** Named group holding the secret; the whole match when absent. */
  group?: string;
  /** Extra check on the secret value; false rejects the match. */
  accept?: (value: string, match: RegExpExecArray, line: LineContext) => boolean;
  /** A kind that depends on the match (e.g. on the key name). */
  kindOf?: (match: RegExpExecArray) => SecretKind | undefined;
}

/** Decodes the start of a base64 or base64url string; '' when it is not decodable text. */
export function decodeBase64Prefix(value: string, maxChars = 512): string {
  const head = value.slice(0, maxChars - (maxChars % 4)).replace(/-/g, '+').replace(/_/g, '/');
  try {
    return Buffer.from(head, 'base64').toString('latin1');
  } catch {
    return '';
  }
}

function isJwtHeader(segment: string): boolean {
  if (segment.length > 4096) return false;
  const text = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  try {
    const header: unknown = JSON.parse(text);
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

const BASE64_PEM_PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY/;

/** Values that are placeholders, switches or already redacted, never secrets. */
function isPlaceholderValue(raw: string): boolean {
  const value = raw.replace(/^["']|["']$/g, '');
  if (value.length === 0 || value.includes(MARKER_PREFIX)) return true;
  if (/^(true|false|null|nil|none|yes|no|~|\{\}|\[\])$/i.test(value)) return true;
  // Small numbers are counts, ports and TTLs (manifest.json's `"bearer-token": 2`), not secrets.
  if (/^-?\d{1,6}(\.\d+)?$/.test(value)) return true;
  // The user's own masking ("****", "xxx") and references to elsewhere ($(VAR), ${VAR}).
  if (/^[*xX.•-]+$/.test(value) || /^\$[({][^)}]*[)}]$/.test(value)) return true;
  // A file the secret is read from (`token: /var/run/secrets/tokens/istio-token`), a YAML tag
  // (`auth: !Token` in ztunnel's startup config dump): where the secret is, not what it is.
  return /^\.{0,2}\/[\w./-]*$/.test(value) || /^![A-Za-z]+$/.test(value);
}

const KUBECONFIG_KEYS = new Set(['token', 'id-token', 'refresh-token', 'access-token', 'client-key-data', 'client-key']);

/** The kind of a `key: value` / `key=value` secret, from the key name and separator. */
function kindForKey(key: string, separator: string): SecretKind | undefined {
  const lower = key.toLowerCase();
  if (separator === ':' && KUBECONFIG_KEYS.has(lower)) return 'kubeconfig-credential';
  if (/secret[_-]?access[_-]?key$/.test(lower)) return 'aws-secret-key';
  if (/(password|passwd|pwd|passphrase)$/.test(lower)) return 'password';
  return secretKindForName(key) ?? 'generic-secret';
}

const DETECTORS: readonly Detector[] = [
  {
    kind: 'private-key',
    hint: /LS0tLS1CRUdJT/,
    // A base64-encoded PEM private key (kubeconfig client-key-data, a key inside a JSON value).
    pattern: /(?<![A-Za-z0-9+/])LS0tLS1CRUdJT[A-Za-z0-9+/]+={0,2}/gd,
    accept: (value) => BASE64_PEM_PRIVATE.test(decodeBase64Prefix(value, 96)),
  },
  {
    kind: 'jwt',
    hint: /(?<![A-Za-z0-9_-])ey[A-Za-z0-9_-]{8,}\./,
    pattern: /(?<![A-Za-z0-9_-])(?<header>ey[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/gd,
    accept: (_value, m) => isJwtHeader(m.groups!.header!),
  },
  { kind: 'github-token', hint: /gh[pousr]_|github_pat_/, pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g },
  { kind: 'gitlab-token', hint: /glpat-/, pattern: /(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,255}(?![A-Za-z0-9_-])/g },
  { kind: 'slack-token', hint: /xox[abprs]-/, pattern: /(?<![A-Za-z0-9_-])xox[abprs]-[A-Za-z0-9-]{10,255}(?![A-Za-z0-9_-])/g },
  { kind: 'aws-access-key', hint: /AKIA|ASIA/, pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'gcp-api-key', hint: /AIza/, pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g },
  {
    kind: 'bearer-token',
    hint: /bearer/i,
    pattern: /(?<![A-Za-z])bearer[ \t]+(?<secret>[A-Za-z0-9._~+/-]{16,8192}=*)/gid,
    group: 'secret',
    // Prose such as "bearer authentication_required" is not a token: tokens mix in digits or symbols.
    accept: (value) => /[0-9A-Z+/.~]/.test(value.slice(1)),
  },
  {
    kind: 'basic-auth',
    hint: /basic/i,
    pattern: /(?<![A-Za-z])basic[ \t]+(?<secret>[A-Za-z0-9+/]{6,8192}={0,2})(?![A-Za-z0-9+/=])/gid,
    group: 'secret',
    // Basic credentials are base64("user:password"); anything else is just the word "basic".
    accept: (value) => {
      if (value.length % 4 !== 0) return false;
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
    },
  },
  {
    kind: 'basic-auth-url',
    hint: /:\/\//,
    // Every match has an '@' after its '://': lines of spiffe:// identities (metrics labels) have none.
    alsoNeeds: (line) => line.lastIndexOf('@') > line.indexOf('://'),
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s:/@"'<>[\]\\]{0,256}:(?<secret>[^\s@/"'<>\\]{1,256})@/gd,
    group: 'secret',
    accept: (value) => !isMarker(value),
  },
  {
    kind: 'secret-env',
    hint: /"name"/,
    // One-line JSON env entry, e.g. inside kubectl's last-applied-configuration annotation.
    pattern: /"name"\s*:\s*"(?<name>[A-Za-z_][A-Za-z0-9_.-]{0,128})"\s*,\s*"value"\s*:\s*"(?<secret>(?:[^"\\]|\\.){0,8192})"/gd,
    group: 'secret',
    accept: (value, m) => secretKindForName(m.groups!.name!) !== undefined && !isPlaceholderValue(value),
  },
  {
    kind: 'generic-secret',
    hint: /pass|pwd|secret|token|key|credential|auth/i,
    pattern:
      /(?<![A-Za-z0-9_.-])(?<q>["']?)(?<key>[A-Za-z0-9_.-]{0,64}?(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|secret[_-]?key|credentials?|client-key-data|client-key|auth))\k<q>(?<sep>[ \t]*[:=])[ \t]*(?<value>"(?:[^"\\\n]|\\.){0,8192}"|'[^'\n]{0,8192}'|\$[({][^)}\s]{0,256}[)}]|\\"[^"\\\n]{1,8192}\\"|(?:[^\s,;&"'{}()<>[\]\\]|&(?![A-Za-z0-9_.-]{1,64}=)|\\[^"nrt\s]){1,8192})/gid,
    group: 'value',
    // Inside a JSON string a raw '"' ends the string: it cannot open the value (`"url":"token: "`).
    accept: (value, m, line) =>
      !isPlaceholderValue(value) && !(m.groups!.value!.startsWith('"') && !m.groups!.q && line.quotesBefore(m.index) % 2 === 1),
    kindOf: (m) => kindForKey(m.groups!.key!, m.groups!.sep!.trim()),
  },
];

/** Facts about the line a match sits in, computed only when a detector asks. */
export class LineContext {
  private quotesSeen = 0;
  private scannedTo = 0;

  constructor(readonly text: string) {}

  /** Unescaped double quotes before index: odd means index is inside a JSON string. */
  quotesBefore(index: number): number {
    if (index < this.scannedTo) {
      this.quotesSeen = 0;
      this.scannedTo = 0;
    }
    for (; this.scannedTo < index; this.scannedTo++) {
      const ch = this.text.charCodeAt(this.scannedTo);
      if (ch === 92 /* \ */) this.scannedTo++;
      else if (ch === 34 /* " */) this.quotesSeen++;
    }
    return this.quotesSeen;
  }
}

/**
 * Could this text hold any secret at all? The union of every detector's hint plus what the
 * multi-line inspector looks for; false means redaction can return the text untouched.
 */
export const ANY_SECRET_HINT = new RegExp([...DETECTORS.map((d) => d.hint?.source ?? '[^]'), '-----BEGIN', 'name'].join('|'), 'i');

function overlaps(spans: readonly SecretSpan[], start: number, end: number): boolean {
  return spans.some((s) => start < s.end && s.start < end);
}

/**
 * Every known-format secret in one line (no line breaks expected). Spans are sorted and disjoint;
 * `taken` holds spans already claimed (e.g. by a PEM block) that new spans must not overlap.
 */
export function findSecrets(line: string, taken: readonly SecretSpan[] = []): SecretSpan[] {
  const spans: SecretSpan[] = [...taken];
  const context = new LineContext(line);
  for (const d of DETECTORS) {
    if ((d.hint && !d.hint.test(line)) || (d.alsoNeeds && !d.alsoNeeds(line))) continue;
    d.pattern.lastIndex = 0;
    for (let m = d.pattern.exec(line); m !== null; m = d.pattern.exec(line)) {
      let start = m.index;
      let value = m[0];
      if (d.group) {
        const at = m.indices?.groups?.[d.group];
        if (!at) continue;
        [start] = at;
        value = line.slice(at[0], at[1]);
        // A quoted value: the secret is what is inside the quotes (\"...\" inside a JSON string).
        const quote = /^(\\?["']).*\1$/s.exec(value)?.[1];
        if (quote && value.length >= 2 * quote.length) {
          value = value.slice(quote.length, -quote.length);
          start += quote.length;
        }
      }
      const end = start + value.length;
      if (value.length === 0 || (d.accept && !d.accept(value, m, context))) continue;
      // Overlapping a secret found first, or running into a marker left by an earlier pass.
      if (overlaps(spans, start, end) || line.startsWith(MARKER_PREFIX, end)) continue;
      const kind = d.kindOf ? d.kindOf(m) : d.kind;
      if (kind) spans.push({ start, end, kind });
    }
  }
  return spans.filter((s) => !taken.includes(s)).sort((a, b) => a.start - b.start);
}
