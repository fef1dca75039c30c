/**
 * Test helpers for the synthetic generator: locate the checked-in fixtures, list a bundle
 * directory, and read its files by the same path builders the generator uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../src/bundle/manifest.js';
import { cluster, MANIFEST } from '../../src/bundle/paths.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const HEALTHY = join(FIXTURES, 'healthy');
export const BROKEN = join(FIXTURES, 'broken');

export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export class Bundle {
  constructor(readonly root: string) {}
  text(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }
  json<T = any>(path: string): T {
    return JSON.parse(this.text(path)) as T;
  }
  has(path: string): boolean {
    return listFiles(this.root).includes(path);
  }
  manifest(): Manifest {
    return this.json<Manifest>(MANIFEST);
  }
  pods(): any[] {
    return this.json(cluster.pods).items;
  }
  /** ztunnel pod objects keyed by node name. */
  ztunnelsByNode(): Map<string, any> {
    return new Map(this.pods().filter((p) => p.metadata.labels?.app === 'ztunnel').map((p) => [p.spec.nodeName, p]));
  }
  istiodPod(): string {
    return this.pods().find((p) => p.metadata.labels?.app === 'istiod').metadata.name;
  }
  podByPrefix(prefix: string, node?: string): any {
    const pod = this.pods().find((p) => p.metadata.name.startsWith(prefix) && (!node || p.spec.nodeName === node));
    if (!pod) throw new Error(`no pod ${prefix} on ${node ?? 'any node'}`);
    return pod;
  }
}

export interface LogLine {
  time: string;
  level: string;
  target: string;
  message: string;
  fields: Record<string, string>;
}

/** Parses the lines of a ztunnel/istio plain log that start with a timestamp (continuations skipped). */
export function parseLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(line)) continue;
    const [time, level, target, message, rest = ''] = line.split('\t');
    const fields: Record<string, string> = {};
    for (const m of rest.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
      fields[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    }
    out.push({ time: time!, level: level!, target: target!, message: message!, fields });
  }
  return out;
}
