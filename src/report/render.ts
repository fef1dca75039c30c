/**
 * Writes the reports an `analyze` run asked for. Where they go:
 *   - no --output, or --output -: one format goes to stdout (returned as '-'); several formats
 *     are a usage error, because mixing documents on stdout is useless and writing into the
 *     current directory unasked could overwrite somebody's report.md;
 *   - --output naming an existing directory, or a path that ends in a slash or has no
 *     extension: a directory (created if missing) receiving report.html / report.md / report.json;
 *   - --output with an extension (out.html): a file, only with one format whose extension matches.
 * Every file is written under a temporary name in its final directory and renamed into place,
 * so a crash never leaves a half-written report, and nothing is written outside the output path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './types.js';

export type ReportFormat = 'html' | 'md' | 'json';

export interface WriteReportsOptions {
  formats: readonly ReportFormat[];
  /** A file, a directory or '-' (stdout); see the file comment. */
  output?: string;
  /** Where '-' goes; process.stdout unless a caller (or a test) captures it. */
  stdout?: NodeJS.WritableStream;
}

const FILE_NAMES: Record<ReportFormat, string> = { html: 'report.html', md: 'report.md', json: 'report.json' };
const EXTENSIONS: Record<ReportFormat, readonly string[]> = { html: ['.html', '.htm'], md: ['.md', '.markdown'], json: ['.json'] };

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

/** Temporary file beside the target, created exclusively (never follows a planted file), then renamed. */
async function writeAtomically(target: string, text: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new UsageError(`--output ${target}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function writeToStdout(text: string, stdout: NodeJS.WritableStream): Promise<void> {
  await new Promise<void>((done, fail) => stdout.write(text, (err) => (err ? fail(err) : done())));
}

/** Writes every requested format; returns the paths written, or ['-'] for stdout. */
export async function writeReports(report: Report, options: WriteReportsOptions): Promise<string[]> {
  const formats = [...new Set(options.formats)];
  if (formats.length === 0) return [];
  const output = options.output;

  if (output === undefined || output === '-') {
    const [only] = formats;
    if (formats.length > 1 || only === undefined) {
      throw new UsageError(`--format ${formats.join(',')}: several formats need --output DIR (writes report.html, report.md, report.json there)`);
    }
    await writeToStdout(renderReport(report, only), options.stdout ?? process.stdout);
    return ['-'];
  }

  const looksLikeDirectory = output.endsWith('/') || output.endsWith(sep) || extname(output) === '' || (await isDirectory(output));
  if (looksLikeDirectory) {
    const dir = resolve(output);
    await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`--output ${output}: cannot create the directory (${err.code ?? err.message})`);
    });
    const written: string[] = [];
    for (const format of formats) {
      const target = join(dir, FILE_NAMES[format]);
      await writeAtomically(target, renderReport(report, format));
      written.push(join(output, FILE_NAMES[format])); // as the user wrote it, for the summary line
    }
    return written;
  }

  const [only] = formats;
  if (formats.length > 1 || only === undefined) {
    throw new UsageError(`--output ${output}: a file takes one format; give a directory for ${formats.join(',')}`);
  }
  const ext = extname(output).toLowerCase();
  if (!EXTENSIONS[only].includes(ext)) {
    throw new UsageError(`--output ${output}: extension ${ext} does not match --format ${only} (use ${EXTENSIONS[only].join(' or ')})`);
  }
  const target = resolve(output);
  await mkdir(dirname(target), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--output ${output}: cannot create its directory (${err.code ?? err.message})`);
  });
  await writeAtomically(target, renderReport(report, only));
  return [output];
}
