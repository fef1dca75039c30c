/**
 * Writes generated artifacts into a bundle directory and records each one for manifest.json
 * (target, status, size, sha256, timing) the way `collect` does. Content is written chunk by chunk
 * so a large config_dump assembled from shared pre-serialized parts is never joined in memory.
 * A file whose bytes equal an earlier file's is written as a hard link to it, so that `tar -czf`
 * of the directory stores it once as a link entry, as `collect` does for identical artifacts
 * (istiod's per-ztunnel dumps); readers see two ordinary files either way.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { ArtifactRecord, Manifest } from '../bundle/manifest.js';
import { MANIFEST } from '../bundle/paths.js';
import type { Rng } from './random.js';
import { millisTimestamp } from './time.js';

export class BundleWriter {
  private readonly artifacts: ArtifactRecord[] = [];
  private readonly madeDirs = new Set<string>();
  /** sha256 -> the first file written with those bytes (bundle path). */
  private readonly firstCopies = new Map<string, string>();
  private clockMs: number;

  constructor(
    private readonly root: string,
    collectedAt: string,
    private readonly rng: Rng,
  ) {
    this.clockMs = Date.parse(collectedAt) + 35;
  }

  private async ensureDir(path: string): Promise<void> {
    const dir = dirname(join(this.root, path));
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  /** A plausible request duration, advancing the simulated collection clock. */
  private timing(bytes: number): { startedAt: string; durationMs: number } {
    const durationMs = 8 + this.rng.int(0, 40) + Math.floor(bytes / 200_000);
    const startedAt = millisTimestamp(this.clockMs);
    this.clockMs += durationMs + this.rng.int(1, 6);
    return { startedAt, durationMs };
  }

  async write(path: string, target: string, content: string | readonly string[]): Promise<void> {
    await this.ensureDir(path);
    const hash = createHash('sha256');
    let bytes = 0;
    let sha256: string;
    if (typeof content === 'string') {
      // Hashed before writing: a repeat of an earlier file becomes a link without being written.
      const buf = Buffer.from(content, 'utf8');
      sha256 = hash.update(buf).digest('hex');
      bytes = buf.length;
      if (!(await this.linkIfSeen(path, sha256, bytes))) await writeFile(join(this.root, path), buf);
    } else {
      // Streamed, so hashed only once written; a repeat is then replaced by the link.
      const out = createWriteStream(join(this.root, path));
      for (const chunk of content) {
        const buf = Buffer.from(chunk, 'utf8');
        hash.update(buf);
        bytes += buf.length;
        if (!out.write(buf)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      sha256 = hash.digest('hex');
      await this.linkIfSeen(path, sha256, bytes);
    }
    this.artifacts.push({ path, target, status: 'ok', bytes, sha256, ...this.timing(bytes), redactions: {} });
  }

  /**
   * Makes `path` a hard link to the first file with these bytes, if there is one (returns true);
   * otherwise remembers `path` as their first copy. Empty files stay files: a link saves nothing.
   */
  private async linkIfSeen(path: string, sha256: string, bytes: number): Promise<boolean> {
    if (bytes === 0) return false;
    const first = this.firstCopies.get(sha256);
    if (first === undefined) {
      this.firstCopies.set(sha256, path);
      return false;
    }
    const dest = join(this.root, path);
    // link() will not replace: clear a file already there (just streamed, or from an earlier run).
    await rm(dest, { force: true });
    await link(join(this.root, first), dest);
    return true;
  }

  /** An artifact the collector tried and failed to get: recorded, no file written. */
  recordError(path: string, target: string, error: string, httpStatus?: number): void {
    this.artifacts.push({ path, target, status: 'error', error, ...(httpStatus ? { httpStatus } : {}), ...this.timing(0) });
  }

  async writeManifest(base: Omit<Manifest, 'artifacts' | 'status' | 'completedAt'>): Promise<Manifest> {
    const failed = this.artifacts.some((a) => a.status === 'error');
    const manifest: Manifest = {
      ...base,
      completedAt: millisTimestamp(this.clockMs).replace(/\.\d{3}Z$/, 'Z'),
      status: failed ? 'partial' : 'complete',
      artifacts: this.artifacts,
    };
    await writeFile(join(this.root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }
}
