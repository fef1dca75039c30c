/**
 * Writes the diff in the formats asked for, with the same rules as the analyze reports: one format
 * may go to stdout ('-' or no --output); a directory (existing, ending in a slash or without an
 * extension) receives diff.html / diff.md / diff.json; a file takes one format whose extension
 * matches. Files are written under a temporary name beside the target and renamed into place.
 */
import type { ReportFormat } from '../report/render.js';
import { writeOutputs } from '../report/output.js';
import { renderDiffHtml } from './html.js';
import { renderDiffJson } from './json.js';
import { renderDiffMarkdown } from './markdown.js';
import type { DiffReport } from './types.js';

export function renderDiff(diff: DiffReport, format: ReportFormat): string {
  switch (format) {
    case 'html':
      return renderDiffHtml(diff);
    case 'md':
      return renderDiffMarkdown(diff);
    case 'json':
      return renderDiffJson(diff);
  }
}

/** Writes every requested format; returns the paths written, or ['-'] for stdout. */
export function writeDiffReports(diff: DiffReport, options: { formats: readonly ReportFormat[]; output?: string; stdout?: NodeJS.WritableStream }): Promise<string[]> {
  return writeOutputs({ ...options, baseName: 'diff', what: 'the diff', render: (format) => renderDiff(diff, format) });
}
