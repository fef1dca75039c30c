/**
 * High-entropy strings: the scan's last net for secrets in no known format (a random API key, a
 * base64 password). Known-public random-looking things are excluded on purpose: hex digests
 * (sha256, image digests), uids, base64 PEM certificates (excluded by the caller via public
 * ranges) and redaction markers, so a healthy bundle scans clean.
 */

export interface EntropyOptions {
  /** Shortest candidate, in characters. */
  minLength: number;
  /** Shannon entropy, in bits per character, at or above which a candidate is reported. */
  minBitsPerChar: number;
}

export const DEFAULT_ENTROPY: EntropyOptions = { minLength: 32, minBitsPerChar: 4.3 };

/** Runs of base64/base64url characters; the lookbehind keeps the regex linear on huge lines. */
const CANDIDATE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{16,}={0,2}/g;

export function shannonEntropy(value: string): number {
  const freq = new Map<string, number>();
  for (const ch of value) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of freq.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A run that mixes upper case, lower case and digits and is not a path or a hex digest. */
function looksRandom(value: string): boolean {
  if (/^[0-9a-fA-F-]+$/.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  // File paths and URL paths: several '/'-separated words, each readable on its own.
  if (value.includes('/') && value.split('/').every((part) => part.length < 24)) return false;
  return true;
}

export function findHighEntropy(line: string, options: EntropyOptions = DEFAULT_ENTROPY): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(line); m !== null; m = CANDIDATE.exec(line)) {
    const value = m[0];
    if (value.length < options.minLength || !looksRandom(value)) continue;
    // Entropy of a very long run is judged on a window: the score saturates and costs O(n).
    if (shannonEntropy(value.slice(0, 256)) < options.minBitsPerChar) continue;
    found.push({ start: m.index, end: m.index + value.length });
  }
  return found;
}
