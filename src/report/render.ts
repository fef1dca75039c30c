/**
 * Renders an `analyze` report in the formats asked for and writes them where --output says
 * (see output.ts for the rules: stdout, a directory of report.html/report.md/report.json, or a file).
 */
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { writeOutputs, type OutputFormat } from './output.js';
import type { Report } from './types.js';

export type ReportFormat = OutputFormat;

export interface WriteReportsOptions {
  formats: readonly ReportFormat[];
  /** A file, a directory or '-' (stdout); see output.ts. */
  output?: string;
  /** Where '-' goes; process.stdout unless a caller (or a test) captures it. */
  stdout?: NodeJS.WritableStream;
}

export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'html':
      return renderHtml(report);
    case 'md':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
  }
}

/** Writes every requested format; returns the paths written, or ['-'] for stdout. */
export function writeReports(report: Report, options: WriteReportsOptions): Promise<string[]> {
  return writeOutputs({ ...options, baseName: 'report', what: 'the report', render: (format) => renderReport(report, format) });
}
