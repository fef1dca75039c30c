/**
 * The scan of one line: known-format secrets (the same detectors redaction uses) plus, optionally,
 * high-entropy strings that are not inside a public PEM block, a known secret or a marker.
 * Stateful across lines of one file, like redaction, for multi-line PEM blocks.
 */
import { detachedCopy, LineInspector } from '../redact/lines.js';
import type { SecretKind } from '../redact/kinds.js';
import { DEFAULT_ENTROPY, findHighEntropy, type EntropyOptions } from './entropy.js';
import { buildExcerpt, type Range } from './excerpt.js';

export interface LineHit {
  kind: SecretKind;
  excerpt: string;
}

export interface LineScannerOptions {
  /** false turns the high-entropy check off; known formats are always checked. */
  entropy?: EntropyOptions | false;
}

function overlapsAny(ranges: readonly Range[], r: Range): boolean {
  return ranges.some((o) => r.start < o.end && o.start < r.end);
}

/**
 * Hits of lines already scanned, by inspector state and line, per LineScanner options: like the
 * inspections (src/redact/lines.ts), the entropy check is a pure function of the line and the state,
 * and bundles repeat their lines thousands of times. Bounded; long lines are not kept.
 */
const MEMO_MAX_ENTRIES = 50_000;
const MEMO_MAX_LINE_CHARS = 512;
interface KnownLine {
  hits: readonly LineHit[];
  /** The inspector's state after the line. */
  next: number;
}
const memos = new WeakMap<object, Map<string, KnownLine>[]>();
const NO_ENTROPY = {};

export class LineScanner {
  private readonly inspector = new LineInspector();
  /** By inspector state, then line. */
  private readonly memo: Map<string, KnownLine>[];

  constructor(private readonly options: LineScannerOptions = {}) {
    // One memo per entropy setting object (the default one is shared by every scan).
    const settings = options.entropy === false ? NO_ENTROPY : (options.entropy ?? DEFAULT_ENTROPY);
    let memo = memos.get(settings);
    if (memo === undefined) memos.set(settings, (memo = Array.from({ length: 8 }, () => new Map<string, KnownLine>())));
    this.memo = memo;
  }

  /** The multi-line state carried from line to line (LineInspector.state). */
  state(): number {
    return this.inspector.state();
  }

  restore(state: number): void {
    this.inspector.restore(state);
  }

  /** Hits on one line; the result is shared: never modify it. */
  scanLine(line: string): readonly LineHit[] {
    if (line.length > MEMO_MAX_LINE_CHARS) return this.scan(line);
    const seen = this.memo[this.inspector.state()]!;
    const known = seen.get(line);
    if (known !== undefined) {
      this.inspector.restore(known.next);
      return known.hits;
    }
    const hits = Object.freeze(this.scan(line));
    if (seen.size >= MEMO_MAX_ENTRIES) seen.clear();
    seen.set(detachedCopy(line), { hits, next: this.inspector.state() });
    return hits;
  }

  private scan(line: string): LineHit[] {
    const inspection = this.inspector.inspect(line);
    if (inspection.dropLine) return [];
    const hits: Array<Range & { kind: SecretKind }> = [...inspection.spans];
    if (this.options.entropy !== false) {
      const skip = [...inspection.spans, ...inspection.publicRanges, ...inspection.removals];
      for (const r of findHighEntropy(line, this.options.entropy)) {
        if (!overlapsAny(skip, r)) hits.push({ ...r, kind: 'high-entropy' });
      }
    }
    hits.sort((a, b) => a.start - b.start);
    return hits.map((h) => ({ kind: h.kind, excerpt: buildExcerpt(line, h, hits) }));
  }
}
