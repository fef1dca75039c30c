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
  // Paths, Kubernetes names and workload uids (`Kubernetes//Pod/ns/name-5d4f8c-x7k2p`) are short
  // words joined by separators; random tokens have long runs between them.
  if (longestRun(value) < 16) return false;
  // Identifiers (IstioOperatorSpecValues2024) are mostly readable words; random text is not.
  let wordy = 0;
  for (const word of value.match(/[A-Z]?[a-z]{3,}/g) ?? []) wordy += word.length;
  return wordy / value.length < 0.6;
}

function longestRun(value: string): number {
  let longest = 0;
  let run = 0;
  for (const ch of value) {
    run = ch === '/' || ch === '_' || ch === '-' ? 0 : run + 1;
    if (run > longest) longest = run;
  }
  return longest;
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
