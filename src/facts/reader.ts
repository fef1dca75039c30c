/**
 * Reads and parses bundle files for the fact builders, once each. A file that is present but
 * cannot be parsed does not stop the analysis: it is recorded as unreadable (and reported by the
 * collection rules), and the builders carry on without it.
 */
import type { BundleSource } from '../bundle/source.js';
import { BundleError, errorText } from '../errors.js';
import type { EarlyParses, EarlyResult } from './early.js';

export interface Unreadable {
  path: string;
  error: string;
}

export class FactReader {
  readonly unreadable: Unreadable[] = [];
  private scratch = Buffer.allocUnsafeSlow(1024 * 1024);

  /** Files parsed while the archive was extracted (early.ts), taken instead of reading them again. */
  constructor(readonly bundle: BundleSource, readonly early?: EarlyParses) {}

  has(path: string): boolean {
    return this.bundle.has(path);
  }

  /** Text of a file, or undefined when absent or unreadable (then recorded). */
  async text(path: string): Promise<string | undefined> {
    if (!this.bundle.has(path)) return undefined;
    try {
      return await this.bundle.readText(path);
    } catch (err) {
      this.record(path, err);
      return undefined;
    }
  }

  /**
   * A parsed file, read as bytes into a buffer reused from call to call (the parser must copy what
   * it keeps), or undefined when absent or unreadable (then recorded). For the many large files
   * of one kind, the ztunnel config dumps: no string or buffer is allocated per file.
   */
  async parseBytes<T>(path: string, parser: (bytes: Buffer, file: string) => T): Promise<T | undefined> {
    if (!this.bundle.has(path)) return undefined;
    const early = this.early?.take(path, parser);
    if (early) return this.settle<T>(path, early)?.value;
    let bytes: Buffer;
    try {
      const size = this.bundle.size(path) ?? 0;
      if (size > this.scratch.length) this.scratch = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.scratch.length));
      bytes = await this.bundle.readBytes(path, { scratch: this.scratch });
    } catch (err) {
      this.record(path, err);
      return undefined;
    }
    try {
      return parser(bytes, path);
    } catch (err) {
      this.record(path, err);
      return undefined;
    }
  }

  /** Parsed file, or undefined when absent or unreadable (then recorded). */
  async parse<T>(path: string, parser: (text: string, file: string) => T): Promise<{ value: T; text: string } | undefined> {
    const early = this.bundle.has(path) ? this.early?.take(path, parser) : undefined;
    if (early) {
      const settled = this.settle<T>(path, early);
      if (settled === undefined) return undefined;
      // A file parsed early for its value only (see parseValue) is read again for its text.
      const text = settled.text ?? (await this.text(path));
      return text === undefined ? undefined : { value: settled.value, text };
    }
    const text = await this.text(path);
    if (text === undefined) return undefined;
    try {
      return { value: parser(text, path), text };
    } catch (err) {
      this.record(path, err);
      return undefined;
    }
  }

  /** Like parse, for callers that need only the value (an early parse then keeps no text). */
  async parseValue<T>(path: string, parser: (text: string, file: string) => T): Promise<T | undefined> {
    if (!this.bundle.has(path)) return undefined;
    const early = this.early?.take(path, parser);
    if (early) return this.settle<T>(path, early)?.value;
    return (await this.parse(path, parser))?.value;
  }

  /** An early result as parse would have returned it: a parse error is recorded, like any other. */
  private settle<T>(path: string, early: EarlyResult): { value: T; text?: string } | undefined {
    if ('error' in early) {
      this.record(path, early.error);
      return undefined;
    }
    return { value: early.value as T, ...(early.text === undefined ? {} : { text: early.text }) };
  }

  record(path: string, err: unknown): void {
    // BundleError messages already start with the file name; keep only the problem.
    const error = err instanceof BundleError ? err.problem : errorText(err);
    if (!this.unreadable.some((u) => u.path === path)) this.unreadable.push({ path, error });
  }
}
