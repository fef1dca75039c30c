/**
 * Reads and parses bundle files for the fact builders, once each. A file that is present but
 * cannot be parsed does not stop the analysis: it is recorded as unreadable (and reported by the
 * collection rules), and the builders carry on without it.
 */
import type { BundleSource } from '../bundle/source.js';
import { BundleError, errorText } from '../errors.js';

export interface Unreadable {
  path: string;
  error: string;
}

export class FactReader {
  readonly unreadable: Unreadable[] = [];
  private scratch = Buffer.allocUnsafeSlow(1024 * 1024);

  constructor(readonly bundle: BundleSource) {}

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
    const text = await this.text(path);
    if (text === undefined) return undefined;
    try {
      return { value: parser(text, path), text };
    } catch (err) {
      this.record(path, err);
      return undefined;
    }
  }

  record(path: string, err: unknown): void {
    // BundleError messages already start with the file name; keep only the problem.
    const error = err instanceof BundleError ? err.problem : errorText(err);
    if (!this.unreadable.some((u) => u.path === path)) this.unreadable.push({ path, error });
  }
}
