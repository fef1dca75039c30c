/**
 * Progress on stderr. On a terminal: one status line rewritten in place (artifacts done/total,
 * bytes, what is in flight), at most every 100 ms. Elsewhere (CI logs, pipes): one plain line per
 * finished artifact that failed or was skipped, and a count every 25 artifacts, so logs stay short.
 * The summary at the end is the same in both modes.
 */
import type { ArtifactRecord } from '../bundle/manifest.js';
import type { ArtifactTask } from './artifact.js';

export interface ProgressOptions {
  stream: NodeJS.WritableStream;
  isTTY: boolean;
  now?: () => number;
}

const PLAIN_EVERY = 25;
const TTY_INTERVAL_MS = 100;

export class Progress {
  private total = 0;
  private done = 0;
  private bytes = 0;
  private readonly inFlight = new Set<string>();
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly options: ProgressOptions) {}

  addTotal(n: number): void {
    this.total += n;
  }

  start(task: ArtifactTask): void {
    this.inFlight.add(task.path);
    this.draw();
  }

  finish(record: ArtifactRecord): void {
    this.inFlight.delete(record.path);
    this.done++;
    this.bytes += record.bytes ?? 0;
    if (this.options.isTTY) {
      if (record.status === 'error') this.print(`error   ${record.path}: ${record.error ?? ''}`);
      this.draw();
      return;
    }
    if (record.status !== 'ok') this.print(`${record.status.padEnd(7)} ${record.path}: ${record.error ?? ''}`);
    if (this.done % PLAIN_EVERY === 0 || this.done === this.total) this.print(`collected ${this.done}/${this.total} artifacts, ${formatBytes(this.bytes)}`);
  }

  /** A line that must not be overwritten by the status line. */
  print(line: string): void {
    this.clear();
    this.options.stream.write(`${line}\n`);
  }

  clear(): void {
    if (this.options.isTTY && this.drawn) {
      this.options.stream.write('\r\x1b[2K');
      this.drawn = false;
    }
  }

  private draw(): void {
    if (!this.options.isTTY) return;
    const now = (this.options.now ?? Date.now)();
    if (now - this.lastDraw < TTY_INTERVAL_MS && this.done !== this.total) return;
    this.lastDraw = now;
    const current = [...this.inFlight].slice(0, 2).join(', ');
    const columns = (this.options.stream as { columns?: number }).columns ?? 100;
    const line = `[${this.done}/${this.total}] ${formatBytes(this.bytes)} ${current}`.slice(0, Math.max(20, columns - 1));
    this.options.stream.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
