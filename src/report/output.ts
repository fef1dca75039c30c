/**
 * Where rendered documents go, for every command that writes them (analyze's reports, diff):
 *   - no --output, or --output -: one format goes to stdout (returned as '-'); several formats
 *     are a usage error, because mixing documents on stdout is useless and writing into the
 *     current directory unasked could overwrite somebody's report.md;
 *   - --output naming an existing directory, or a path that ends in a slash or has no
 *     extension: a directory (created if missing) receiving <base>.html / <base>.md / <base>.json;
 *   - --output with an extension (out.html): a file, only with one format whose extension matches.
 * Every file is written under a temporary name in its final directory and renamed into place,
 * so a crash never leaves a half-written document, and nothing is written outside the output path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

export type OutputFormat = 'html' | 'md' | 'json';

const EXTENSIONS: Record<OutputFormat, readonly string[]> = { html: ['.html', '.htm'], md: ['.md', '.markdown'], json: ['.json'] };
const SUFFIX: Record<OutputFormat, string> = { html: '.html', md: '.md', json: '.json' };

export interface WriteOutputsOptions {
  formats: readonly OutputFormat[];
  /** A file, a directory or '-' (stdout); see the file comment. */
  output?: string;
  /** Where '-' goes; process.stdout unless a caller (or a test) captures it. */
  stdout?: NodeJS.WritableStream;
  /** File name without extension inside an output directory: 'report' or 'diff'. */
  baseName: string;
  /** What is written, for error messages ("the report", "the diff"). */
  what: string;
  render: (format: OutputFormat) => string;
}

/** Temporary file beside the target, created exclusively (never follows a planted file), then renamed. */
async function writeAtomically(target: string, text: string, what: string): Promise<void> {
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx', mode: 0o644 });
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new UsageError(`--output ${target}: cannot write ${what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

async function makeDirectory(dir: string, output: string, which: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`--output ${output}: cannot create ${which} (${err.code ?? err.message})`);
  });
}

/** Writes every requested format; returns the paths written (as the user wrote them), or ['-'] for stdout. */
export async function writeOutputs(options: WriteOutputsOptions): Promise<string[]> {
  const formats = [...new Set(options.formats)];
  const [only] = formats;
  if (only === undefined) return [];
  const { output, baseName, what, render } = options;
  const fileName = (format: OutputFormat) => `${baseName}${SUFFIX[format]}`;

  if (output === undefined || output === '-') {
    if (formats.length > 1) {
      throw new UsageError(`--format ${formats.join(',')}: several formats need --output DIR (writes ${formats.map(fileName).join(', ')} there)`);
    }
    const stdout = options.stdout ?? process.stdout;
    await new Promise<void>((done, fail) => stdout.write(render(only), (err) => (err ? fail(err) : done())));
    return ['-'];
  }

  const isDirectory = await stat(output).then((s) => s.isDirectory(), () => false);
  if (isDirectory || output.endsWith('/') || output.endsWith(sep) || extname(output) === '') {
    const dir = resolve(output);
    await makeDirectory(dir, output, 'the directory');
    const written: string[] = [];
    for (const format of formats) {
      await writeAtomically(join(dir, fileName(format)), render(format), what);
      written.push(join(output, fileName(format)));
    }
    return written;
  }

  if (formats.length > 1) throw new UsageError(`--output ${output}: a file takes one format; give a directory for ${formats.join(',')}`);
  const ext = extname(output).toLowerCase();
  if (!EXTENSIONS[only].includes(ext)) {
    throw new UsageError(`--output ${output}: extension ${ext} does not match --format ${only} (use ${EXTENSIONS[only].join(' or ')})`);
  }
  const target = resolve(output);
  await makeDirectory(dirname(target), output, 'its directory');
  await writeAtomically(target, render(only), what);
  return [output];
}
