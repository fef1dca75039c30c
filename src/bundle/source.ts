/**
 * The read side of a bundle: one interface over a directory, a .tar.gz/.tgz and a .zip.
 * This module and its implementations are the only code that touches bundle files; everything
 * downstream (parsers, facts, rules, renderers) works on what a BundleSource returns.
 */
import type { Readable } from 'node:stream';

export interface BundleSource {
  /** What the user gave us (path as typed), for reports and messages. */
  readonly description: string;
  /** Every regular file, as a path relative to the bundle's top folder with '/' separators, sorted. */
  list(): readonly string[];
  has(path: string): boolean;
  /** Size in bytes, or undefined when the file is not in the bundle. */
  size(path: string): number | undefined;
  /**
   * The whole file as UTF-8 text. Throws BundleError naming the file when it is missing or larger
   * than maxBytes (default: the reader's per-file limit for whole-file reads).
   */
  readText(path: string, options?: { maxBytes?: number }): Promise<string>;
  /**
   * The whole file as bytes, with readText's checks and limits. With a `scratch` buffer large
   * enough, the bytes are read into it and a view of it is returned, valid until the scratch is
   * reused: for callers that read many large files in turn without keeping them (a string or a
   * fresh buffer per megabytes-large dump is what makes garbage collection dominate at scale).
   */
  readBytes(path: string, options?: { maxBytes?: number; scratch?: Buffer }): Promise<Buffer>;
  /**
   * The path, listed before `path`, of the very file `path` is (a hard link: a tar link entry, or
   * linked files in a directory), so readers can skip what they have already read; undefined when
   * `path` is stored on its own. Files with equal content stored separately are not matched.
   */
  sameFileAs(path: string): string | undefined;
  /** A byte stream of the file, for large files (logs) that must never be read whole. */
  openStream(path: string): Readable;
  /** Releases what the reader holds (e.g. removes its private temporary directory). Idempotent. */
  close(): Promise<void>;
}

/** Limits applied while opening an untrusted bundle. All sizes in bytes. */
export interface BundleLimits {
  /** Largest total of uncompressed bytes an archive may expand to. */
  maxTotalBytes: number;
  /** Largest single file. */
  maxFileBytes: number;
  /** Largest number of entries an archive may hold. */
  maxEntries: number;
  /** Largest file readText() returns whole (bigger ones must be streamed). */
  maxTextBytes: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxTotalBytes: 8 * 1024 ** 3,
  maxFileBytes: 2 * 1024 ** 3,
  maxEntries: 200_000,
  maxTextBytes: 512 * 1024 ** 2,
};
