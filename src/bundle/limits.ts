/**
 * Size and count limits for reading untrusted bundles: merging the caller's overrides with
 * DEFAULT_LIMITS, a byte budget that counts the bytes actually produced (never a header's claim),
 * and the human-readable sizes used in one-line error messages.
 */
import { isAscii } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { BundleError, UsageError } from '../errors.js';
import { DEFAULT_LIMITS, type BundleLimits } from './source.js';

/**
 * Undocumented test hook: a JSON object of limits (e.g. {"maxFileBytes":10485760}) applied under
 * the caller's overrides, so end-to-end tests can run the real CLI against small caps instead of
 * inflating gigabytes to prove a bomb is stopped.
 */
export const LIMITS_ENV = 'ZTUNNEL_BUNDLE_LIMITS';

export function resolveLimits(overrides: Partial<BundleLimits> = {}): BundleLimits {
  return mergeLimits({ ...limitsFromEnv(), ...overrides });
}

function limitsFromEnv(): Partial<BundleLimits> {
  const raw = process.env[LIMITS_ENV];
  if (raw === undefined || raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`${LIMITS_ENV}: not a JSON object of limits`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${LIMITS_ENV}: not a JSON object of limits`);
  const limits: Partial<BundleLimits> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) throw new UsageError(`${LIMITS_ENV}: unknown limit "${key}"`);
    if (!Number.isSafeInteger(value) || (value as number) <= 0) throw new UsageError(`${LIMITS_ENV}: ${key} must be a positive integer`);
    limits[key as keyof BundleLimits] = value as number;
  }
  return limits;
}

function mergeLimits(overrides: Partial<BundleLimits>): BundleLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof BundleLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    // A zero, negative or fractional limit is a programming error, not a property of the bundle.
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`bundle limit ${key} must be a positive integer, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

/** "512 bytes", "3.5 KB", "1.2 MB", "8 GB": short enough for a one-line message. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} bytes`;
  const rounded = value >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1);
  return `${rounded.replace(/\.0$/, '')} ${units[unit]}`;
}

/** Two sizes that read differently even when they round to the same text (e.g. a file just over its limit). */
export function formatBytesPair(actual: number, limit: number): [string, string] {
  const a = formatBytes(actual);
  const l = formatBytes(limit);
  return a === l ? [`${actual} bytes`, `${limit} bytes`] : [a, l];
}

/** The message readText() gives for a file too big to read whole. */
export function tooBigForTextMessage(size: number, maxBytes: number): string {
  const [actual, limit] = formatBytesPair(size, maxBytes);
  return `file is ${actual}, over the ${limit} limit for whole-file reads`;
}

/**
 * A pass-through that counts bytes and fails as soon as a limit is passed, so that a compression
 * bomb stops after at most one chunk over the cap instead of inflating to the end. `onOver`
 * builds the error, so each caller names the right file and limit.
 */
export class ByteCap extends Transform {
  private seen = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onOver: () => BundleError,
    private readonly onBytes: (n: number) => void = () => {},
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      callback(this.onOver());
      return;
    }
    try {
      this.onBytes(chunk.length);
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback(null, chunk);
  }

  get bytes(): number {
    return this.seen;
  }
}

/** UTF-8 text of a whole file, without the BOM that Windows editors add (JSON.parse rejects it). */
export function decodeText(bytes: Buffer): string {
  // Bundles are nearly all ASCII; a one-byte string copies instead of decoding (3x faster here).
  const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
