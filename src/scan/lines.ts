/**
 * The scan of one line: known-format secrets (the same detectors redaction uses) plus, optionally,
 * high-entropy strings that are not inside a public PEM block, a known secret or a marker.
 * Stateful across lines of one file, like redaction, for multi-line PEM blocks.
 */
import { LineInspector } from '../redact/lines.js';
import type { SecretKind } from '../redact/kinds.js';
import { findHighEntropy, type EntropyOptions } from './entropy.js';
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

export class LineScanner {
  private readonly inspector = new LineInspector();

  constructor(private readonly options: LineScannerOptions = {}) {}

  scanLine(line: string): LineHit[] {
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
