/**
 * Writes the diff in the formats asked for, with the same rules as the analyze reports: one format
 * may go to stdout ('-' or no --output); a directory (existing, ending in a slash or without an
 * extension) receives diff.html / diff.md / diff.json; a file takes one format whose extension
 * matches. Files are written under a temporary name beside the target and renamed into place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import type { ReportFormat } from '../report/render.js';
import { renderDiffHtml } from './html.js';
import { renderDiffJson } from './json.js';
import { renderDiffMarkdown } from './markdown.js';
import type { DiffReport } from './types.js';

const FILE_NAMES: Record<ReportFormat, string> = { html: 'diff.html', md: 'diff.md', json: 'diff.json' };
const EXTENSIONS: Record<ReportFormat, readonly string[]> = { html: ['.html', '.htm'], md: ['.md', '.markdown'], json: ['.json'] };

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

async function writeAtomically(target: string, text: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new UsageError(`--output ${target}: cannot write the diff (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function makeDirectory(dir: string, output: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--output ${output}: cannot create the directory (${err.code ?? err.message})`);
  });
}

/** Writes every requested format; returns the paths written, or ['-'] for stdout. */
export async function writeDiffReports(diff: DiffReport, options: { formats: readonly ReportFormat[]; output?: string; stdout?: NodeJS.WritableStream }): Promise<string[]> {
  const formats = [...new Set(options.formats)];
  const [only] = formats;
  if (only === undefined) return [];
  const output = options.output;
  if (output === undefined || output === '-') {
    if (formats.length > 1) throw new UsageError(`--format ${formats.join(',')}: several formats need --output DIR (writes diff.html, diff.md, diff.json there)`);
    const stdout = options.stdout ?? process.stdout;
    await new Promise<void>((done, fail) => stdout.write(renderDiff(diff, only), (err) => (err ? fail(err) : done())));
    return ['-'];
  }
  const isDir = await stat(output).then((s) => s.isDirectory(), () => false);
  if (isDir || output.endsWith('/') || output.endsWith(sep) || extname(output) === '') {
    await makeDirectory(resolve(output), output);
    const written: string[] = [];
    for (const format of formats) {
      await writeAtomically(join(resolve(output), FILE_NAMES[format]), renderDiff(diff, format));
      written.push(join(output, FILE_NAMES[format]));
    }
    return written;
  }
  if (formats.length > 1) throw new UsageError(`--output ${output}: a file takes one format; give a directory for ${formats.join(',')}`);
  const ext = extname(output).toLowerCase();
  if (!EXTENSIONS[only].includes(ext)) throw new UsageError(`--output ${output}: extension ${ext} does not match --format ${only} (use ${EXTENSIONS[only].join(' or ')})`);
  await makeDirectory(dirname(resolve(output)), output);
  await writeAtomically(resolve(output), renderDiff(diff, only));
  return [output];
}
