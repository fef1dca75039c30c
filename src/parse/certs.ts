/**
 * Certificates in a ztunnel config dump (`certificates[]`): one CertsDump per local identity with
 * a state, a chain (leaf first) and, since 1.26, separate root certs (before, the root was the last
 * chain entry). Each certificate is normalized the way `istioctl ztunnel-config certificates`
 * shows it: TYPE Leaf/Intermediate/Root, the decimal serial also in lowercase hex without leading
 * zeros (Go's %x of a big.Int), dates as given. The PEM (base64 of PEM text now, raw PEM before)
 * is decoded best-effort to read subject, issuer and SANs; a PEM that does not parse is not an error.
 */
import { X509Certificate } from 'node:crypto';
import { arr, childPointer, compact, isObject, str, warn, type FieldContext, type JsonObject } from './json-fields.js';

export type CertType = 'Leaf' | 'Intermediate' | 'Root';

export interface CertInfo {
  pointer: string;
  type: CertType;
  /** Decimal, as in the dump. */
  serialNumber?: string;
  /** Lowercase hex without leading zeros, as istioctl prints it. */
  serialHex?: string;
  validFrom?: string;
  expirationTime?: string;
  /** How `pem` was stored: base64 of PEM text (current), raw PEM (older), absent or unreadable. */
  pemEncoding: 'base64' | 'pem' | 'absent' | 'invalid';
  subject?: string;
  issuer?: string;
  /** e.g. "URI:spiffe://cluster.local/ns/default/sa/sleep". */
  subjectAltName?: string;
  fingerprint256?: string;
}

export interface CertsDumpEntry {
  pointer: string;
  identity: string;
  /** Available | Initializing | Unavailable (the part before ': '), or whatever else the dump says. */
  state: string;
  /** The text after 'Unavailable: ' ('' when none). */
  reason: string;
  /** The state exactly as in the dump. */
  rawState: string;
  /** Every certificate in istioctl's row order: chain (leaf first), then rootCerts. */
  certs: CertInfo[];
  chainLength: number;
  /** True when the dump has no rootCerts and the root is the last chain entry (before 1.26). */
  legacyRootInChain: boolean;
  leaf?: CertInfo;
  root?: CertInfo;
}

/** Lowercase hex of a decimal serial number, or undefined when it is not a decimal integer. */
export function serialToHex(decimal: string): string | undefined {
  if (!/^\d{1,200}$/.test(decimal)) return undefined;
  return BigInt(decimal).toString(16);
}

/** Splits `Unavailable: <reason>` into state and reason; other states pass through. */
export function splitCertState(raw: string): { state: string; reason: string } {
  const m = /^(Unavailable|Initializing|Available)\s*:\s*(.*)$/s.exec(raw);
  if (m) return { state: m[1]!, reason: m[2]!.trim() };
  // istioctl shortens any state containing "Unavailable" to Unavailable.
  if (raw.includes('Unavailable') && raw !== 'Unavailable') return { state: 'Unavailable', reason: raw };
  return { state: raw, reason: '' };
}

/** PEM text from a `pem` field: base64 of PEM text (current ztunnel) or PEM text itself (older). */
export function decodePem(pem: string): { encoding: CertInfo['pemEncoding']; text?: string } {
  if (pem === '') return { encoding: 'absent' };
  if (pem.includes('-----BEGIN')) return { encoding: 'pem', text: pem };
  // ztunnel writes canonical base64, which encodes back to itself: that settles it in native code,
  // where the anchored regex below took longer than the decoding. Anything else takes the regex.
  const bytes = Buffer.from(pem, 'base64');
  if (bytes.toString('base64') === pem) {
    const decoded = bytes.toString('utf8');
    return decoded.includes('-----BEGIN') ? { encoding: 'base64', text: decoded } : { encoding: 'invalid' };
  }
  const compacted = pem.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(compacted)) {
    const decoded = Buffer.from(compacted, 'base64').toString('utf8');
    if (decoded.includes('-----BEGIN')) return { encoding: 'base64', text: decoded };
  }
  return { encoding: 'invalid' };
}

/**
 * True when `isoTime` is strictly inside [validFrom, expirationTime], like istioctl's VALID CERT
 * column (which uses "now"). False when either date is missing or unparseable.
 */
export function certValidAt(cert: Pick<CertInfo, 'validFrom' | 'expirationTime'>, isoTime: string): boolean {
  const at = Date.parse(isoTime);
  const from = cert.validFrom ? Date.parse(cert.validFrom) : NaN;
  const to = cert.expirationTime ? Date.parse(cert.expirationTime) : NaN;
  if (Number.isNaN(at) || Number.isNaN(from) || Number.isNaN(to)) return false;
  return at > from && at < to;
}

/** What a `pem` field gives a CertInfo: its encoding and, when it parses, the X.509 details. */
type PemFacts = Pick<CertInfo, 'pemEncoding'> & Partial<CertInfo>;

/**
 * PEM fields already read, by their text as in the dump: every ztunnel's dump repeats the root and
 * intermediate certificates, and decoding and X.509 parsing are the costly part of a certificate.
 * Keyed by the field, so a repeat is not even decoded. Bounded (cleared when full).
 */
const factsByPemField = new Map<string, PemFacts>();
const MAX_REMEMBERED_CERTS = 1024;

function pemFacts(field: string): PemFacts {
  let facts = factsByPemField.get(field);
  if (facts === undefined) {
    const pem = decodePem(field);
    facts = { pemEncoding: pem.encoding, ...(pem.text ? readX509(pem.text) : {}) };
    if (factsByPemField.size >= MAX_REMEMBERED_CERTS) factsByPemField.clear();
    factsByPemField.set(field, facts);
  }
  return facts;
}

function readX509(pemText: string): Partial<CertInfo> {
  try {
    const x = new X509Certificate(pemText);
    return compact({
      subject: x.subject.replace(/\n/g, ', '),
      issuer: x.issuer.replace(/\n/g, ', '),
      subjectAltName: x.subjectAltName,
      fingerprint256: x.fingerprint256,
    });
  } catch {
    return {};
  }
}

export interface ParseCertsOptions {
  /**
   * Read subject, issuer, SANs and fingerprint with node:crypto (default true). Each distinct
   * certificate costs OpenSSL about 150 µs to parse, a real leaf per identity per node: 0.3 s at
   * 2,000 identities, and no fact reads these four fields (analyze could pass false; inspect shows them).
   */
  x509?: boolean;
}

function parseCert(ctx: FieldContext, raw: unknown, pointer: string, type: CertType, options: ParseCertsOptions): CertInfo | undefined {
  if (!isObject(raw)) {
    warn(ctx, pointer, 'expected a certificate object');
    return undefined;
  }
  const serialNumber = str(ctx, raw, 'serialNumber', pointer);
  const serialHex = serialNumber === undefined ? undefined : serialToHex(serialNumber);
  if (serialNumber !== undefined && serialHex === undefined) warn(ctx, childPointer(pointer, 'serialNumber'), 'serial number is not a decimal integer');
  const field = str(ctx, raw, 'pem', pointer) ?? '';
  const pem: PemFacts = options.x509 === false ? { pemEncoding: decodePem(field).encoding } : pemFacts(field);
  return compact({
    pointer,
    type,
    serialNumber,
    serialHex,
    validFrom: str(ctx, raw, 'validFrom', pointer),
    expirationTime: str(ctx, raw, 'expirationTime', pointer),
    ...pem,
  });
}

/** One `certificates[]` entry. */
export function parseCertsDump(ctx: FieldContext, raw: JsonObject, pointer: string, options: ParseCertsOptions = {}): CertsDumpEntry {
  const rawState = str(ctx, raw, 'state', pointer) ?? '';
  const { state, reason } = splitCertState(rawState);
  const chainRaw = arr(ctx, raw, 'certChain', pointer);
  const rootsRaw = arr(ctx, raw, 'rootCerts', pointer);
  const legacy = !rootsRaw || rootsRaw.value.length === 0;
  const certs: CertInfo[] = [];
  const chain = chainRaw?.value ?? [];
  chain.forEach((c, i) => {
    // Same rule as istioctl: first is the leaf; in legacy dumps the last (when not the leaf) is the root.
    const type: CertType = i === 0 ? 'Leaf' : i === chain.length - 1 && legacy ? 'Root' : 'Intermediate';
    const cert = parseCert(ctx, c, childPointer(chainRaw!.pointer, i), type, options);
    if (cert) certs.push(cert);
  });
  (rootsRaw?.value ?? []).forEach((c, i) => {
    const cert = parseCert(ctx, c, childPointer(rootsRaw!.pointer, i), 'Root', options);
    if (cert) certs.push(cert);
  });
  const leaf = certs.find((c) => c.type === 'Leaf');
  const root = certs.find((c) => c.type === 'Root');
  return compact({
    pointer,
    identity: str(ctx, raw, 'identity', pointer) ?? '',
    state,
    reason,
    rawState,
    certs,
    chainLength: chain.length,
    legacyRootInChain: legacy && chain.length > 1,
    leaf,
    root,
  });
}

/** Distinct root serials (hex, sorted) of some dump entries, to compare trust roots across ztunnels. */
export function rootSerials(entries: readonly CertsDumpEntry[]): string[] {
  const set = new Set<string>();
  for (const e of entries) for (const c of e.certs) if (c.type === 'Root' && c.serialHex) set.add(c.serialHex);
  return [...set].sort();
}
