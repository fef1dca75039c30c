/**
 * The leak scan: what a user runs before attaching a bundle anywhere public, and what collect runs
 * on its own output. Finds what redaction would remove plus high-entropy strings.
 */
export { scanBundle, mergeFileHits, DEFAULT_MAX_HITS, type ScanHit, type ScanOptions } from './scan.js';
export { FileScanner, type FileHit, type FileScannerOptions } from './file-scan.js';
export { LineScanner, type LineHit, type LineScannerOptions } from './lines.js';
export { findHighEntropy, shannonEntropy, DEFAULT_ENTROPY, type EntropyOptions } from './entropy.js';
export { maskSecret } from './excerpt.js';
