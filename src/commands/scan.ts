/**
 * `ztunnel-bundle scan BUNDLE`: the leak check to run before attaching a bundle anywhere public.
 * Prints one `file:line kind excerpt` line per hit (or a JSON document) and a summary, and returns
 * the exit code: 0 clean, 1 something found. A bundle that cannot be read throws a BundleError
 * (exit 2 at the CLI boundary).
 */
import { openBundle } from '../bundle/open.js';
import { ExitCode } from '../errors.js';
import { DEFAULT_MAX_HITS, scanBundle, type ScanHit } from '../scan/scan.js';

export interface ScanCommandOptions {
  bundle: string;
  format?: 'text' | 'json';
  stdout?: NodeJS.WritableStream;
}

export async function runScan(opts: ScanCommandOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const bundle = await openBundle(opts.bundle);
  let hits: ScanHit[];
  let files: number;
  try {
    files = bundle.list().length;
    hits = await scanBundle(bundle, { maxHits: DEFAULT_MAX_HITS });
  } finally {
    await bundle.close();
  }
  const truncated = hits.length >= DEFAULT_MAX_HITS;
  if (opts.format === 'json') {
    stdout.write(`${JSON.stringify({ bundle: opts.bundle, filesScanned: files, truncated, hits }, null, 2)}\n`);
  } else {
    for (const hit of hits) stdout.write(`${hit.file}:${hit.line} ${hit.kind} ${hit.excerpt}\n`);
    stdout.write(`${summaryLine(hits, files, truncated)}\n`);
  }
  return hits.length > 0 ? ExitCode.findings : ExitCode.ok;
}

export function summaryLine(hits: readonly ScanHit[], files: number, truncated: boolean): string {
  if (hits.length === 0) return `scan: no secrets found in ${files} file(s)`;
  const byKind = new Map<string, number>();
  for (const hit of hits) byKind.set(hit.kind, (byKind.get(hit.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ');
  const affected = new Set(hits.map((h) => h.file)).size;
  const more = truncated ? ` (stopped after ${DEFAULT_MAX_HITS} hits)` : '';
  return `scan: ${hits.length} possible secret(s) in ${affected} of ${files} file(s)${more}: ${kinds}`;
}
