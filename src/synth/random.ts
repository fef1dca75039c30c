/**
 * Seeded pseudo-random numbers for the synthetic cluster generator. Everything the generator
 * invents (pod name suffixes, uids, IP orderings, serials, ports, byte counts) comes from here, so
 * the same spec and seed always give byte-identical bundles. `fork(label)` derives an independent
 * stream per concern, so adding draws in one place does not shift every value elsewhere.
 */

/** Lowercase alphanumerics Kubernetes uses for generated name suffixes (no vowels, no 0/1/3). */
const KUBE_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function hashLabel(label: string): number {
  // FNV-1a, enough to spread labels over the seed space.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    // sfc32 state from a splitmix-style expansion of the seed.
    this.a = 0x9e3779b9 ^ seed;
    this.b = 0x243f6a88 ^ Math.imul(seed, 0x85ebca6b);
    this.c = 0xb7e15162 ^ Math.imul(seed, 0xc2b2ae35);
    this.d = seed | 0;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** An independent stream for one concern, stable under changes elsewhere. */
  fork(label: string): Rng {
    return new Rng((this.seed ^ hashLabel(label)) >>> 0);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  chars(length: number, alphabet: string): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  /** A Kubernetes-style generated suffix, e.g. the `6hvcw` of `ztunnel-6hvcw`. */
  kubeSuffix(length = 5): string {
    return this.chars(length, KUBE_SUFFIX_ALPHABET);
  }

  hex(length: number): string {
    return this.chars(length, '0123456789abcdef');
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.nextUint32() & 0xff;
    return out;
  }

  /** An RFC 4122 version-4 UUID, as Kubernetes uses for metadata.uid. */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = '89ab'[this.int(0, 3)]!;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** A 128-bit certificate serial number as ztunnel prints it: a decimal string. */
  serialDecimal(): string {
    const bytes = this.bytes(16);
    bytes[0] = bytes[0]! & 0x7f; // positive, as X.509 serials must be
    return BigInt(`0x${bytes.toString('hex')}`).toString(10);
  }
}
