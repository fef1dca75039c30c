/**
 * The leak scan of a bundle while collect writes it: every entry handed to the archive (artifacts,
 * logs, the manifest) is scanned as the bundle file it becomes, and at the end the hits are listed
 * as scanBundle would list them reading the finished archive back (paths sorted, at most maxHits),
 * without that second pass (gunzip, extract, read and scan hundreds of megabytes again). Bytes
 * scanned where they were made (large bodies, on a redaction worker) come with their hits; large
 * entries without hits are scanned on the worker pool, small ones here. Entries with the same
 * bytes (the hard-linked istiod dumps) are scanned once and reported under every name, as
 * scanBundle reports a hard link's hits.
 *
 * result() says "read it back" (undefined) instead of answering when only a read of the archive
 * can: when the reader would refuse the archive (over its limits: the read gives that error), when
 * a scan failed, or when more hits pile up than it is reasonable to hold.
 */
import { resolveLimits } from '../bundle/limits.js';
import type { BundleLimits } from '../bundle/source.js';
import type { FileHit } from '../scan/file-scan.js';
import { DEFAULT_MAX_HITS, mergeFileHits, type ScanHit } from '../scan/scan.js';
import { scanBytes, scanFile } from './artifact-work.js';
import { LARGE_BODY_BYTES, type ScanSettings } from './redact-payload.js';
import type { RedactPool } from './redact-pool.js';

/** An archive entry's bytes: in memory, or a file the archive reads. */
export type EntrySource = { data: Buffer | string } | { file: string; bytes: number };

export interface EntryScanInfo {
  /** Hex sha256 of the bytes, when known: entries with the same bytes are scanned once. */
  sha256?: string;
  /** The entry's hits, when its producer already scanned it. */
  hits?: readonly FileHit[];
  /** How the archive stores it: a hard link takes no bytes of the archive's total, only of its links'. */
  stored: 'copy' | 'link';
}

export interface OutputScanOptions {
  settings: ScanSettings;
  pool?: RedactPool;
  maxHits?: number;
  /** Bytes of entries waiting for a worker's scan before waitForRoom() holds the caller back. */
  maxBacklogBytes?: number;
}

/** Hits held before giving up and reading the archive back (which holds maxHits at most). */
const MAX_HELD_HITS_FACTOR = 100;
const DEFAULT_MAX_BACKLOG_BYTES = 64 * 1024 ** 2;

export class OutputScan {
  /** Hits by bundle path; a promise while a worker scans. */
  private readonly byPath = new Map<string, Promise<readonly FileHit[]>>();
  /** The same, by content (sha256 and the scan's route), for entries with the same bytes. */
  private readonly byContent = new Map<string, Promise<readonly FileHit[]>>();
  /** Scans not finished yet: the result waits for them even when it will not use them. */
  private readonly inFlight = new Set<Promise<readonly FileHit[]>>();
  private readonly maxHits: number;
  private readonly maxBacklogBytes: number;
  private heldHits = 0;
  private failed = false;
  private backlogBytes = 0;
  private waiters: (() => void)[] = [];
  /** What the reader's limits are checked against, in archive order. */
  private entries = 0;
  private copiedBytes = 0;
  private linkedBytes = 0;
  private largestEntry = 0;

  constructor(private readonly options: OutputScanOptions) {
    this.maxHits = options.maxHits ?? DEFAULT_MAX_HITS;
    this.maxBacklogBytes = options.maxBacklogBytes ?? DEFAULT_MAX_BACKLOG_BYTES;
  }

  /** Scans (or takes the hits of) one entry, as it is handed to the archive. */
  add(path: string, source: EntrySource, info: EntryScanInfo): void {
    const bytes = 'data' in source ? (typeof source.data === 'string' ? Buffer.byteLength(source.data) : source.data.length) : source.bytes;
    this.entries++;
    this.largestEntry = Math.max(this.largestEntry, bytes);
    if (info.stored === 'link') this.linkedBytes += bytes;
    else this.copiedBytes += bytes;
    if (this.failed) return;
    const key = info.sha256 === undefined ? undefined : `${info.sha256}:${path.endsWith('.json') ? 'json' : 'lines'}`;
    const known = key === undefined ? undefined : this.byContent.get(key);
    if (known) {
      this.byPath.set(path, known);
      return;
    }
    const hits = info.hits ? Promise.resolve(info.hits) : this.scan(path, source, bytes);
    const counted = hits.then(
      (found) => {
        this.heldHits += found.length;
        if (this.heldHits > MAX_HELD_HITS_FACTOR * this.maxHits) this.giveUp();
        return this.failed ? [] : found;
      },
      () => {
        this.giveUp();
        return [];
      },
    );
    this.inFlight.add(counted);
    void counted.then(() => this.inFlight.delete(counted));
    this.byPath.set(path, counted);
    if (key !== undefined) this.byContent.set(key, counted);
  }

  /** Resolves once the bytes waiting for a worker's scan are under the limit. */
  waitForRoom(): Promise<void> {
    if (this.backlogBytes <= this.maxBacklogBytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * The hits scanBundle would find in the archive once finished (call after the last add), or
   * undefined when reading the archive back is the only way to know (see the top of the file).
   */
  async result(): Promise<ScanHit[] | undefined> {
    // Workers must not be left scanning files the collection is about to remove.
    await Promise.all(this.inFlight);
    if (this.failed || !this.withinReaderLimits()) return undefined;
    const settled = new Map<string, readonly FileHit[]>();
    for (const [path, hits] of this.byPath) settled.set(path, await hits);
    return mergeFileHits(settled.keys(), (path) => settled.get(path) ?? [], this.maxHits);
  }

  private scan(path: string, source: EntrySource, bytes: number): Promise<readonly FileHit[]> {
    const { pool, settings } = this.options;
    const maxTextBytes = settings.maxTextBytes;
    const data = 'data' in source ? (typeof source.data === 'string' ? Buffer.from(source.data) : source.data) : undefined;
    if (!pool || (data && bytes < LARGE_BODY_BYTES)) {
      // Small entries here: a worker round trip would cost more than their scan.
      try {
        return Promise.resolve(data ? scanBytes(path, data, maxTextBytes) : scanFile({ file: (source as { file: string }).file, scanPath: path, maxTextBytes }));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    const pending = data
      ? pool.finishBody({ body: data, redact: false, scanPath: path, maxTextBytes }).then((r) => r.hits ?? [])
      : pool.scanFile({ file: (source as { file: string }).file, scanPath: path, maxTextBytes });
    this.backlogBytes += bytes;
    return pending.finally(() => {
      this.backlogBytes -= bytes;
      if (this.backlogBytes <= this.maxBacklogBytes) this.wake();
    });
  }

  /** Stops scanning and lets go of the hits: the archive will be read back instead. */
  private giveUp(): void {
    this.failed = true;
    this.byContent.clear();
    this.byPath.clear();
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }

  /** Whether the bundle reader would open the archive (the checks of src/bundle/archive.ts). */
  private withinReaderLimits(): boolean {
    let limits: BundleLimits;
    try {
      limits = resolveLimits();
    } catch {
      return false; // the read gives the error about the limits themselves
    }
    return (
      this.entries <= limits.maxEntries &&
      this.largestEntry <= limits.maxFileBytes &&
      this.copiedBytes <= limits.maxTotalBytes &&
      this.linkedBytes <= limits.maxTotalBytes
    );
  }
}
