/**
 * A snapshot of the built-in rules, parsed from YAML and checked against the rule schema when the
 * package is built (`prepare` runs scripts/snapshot-rules.mjs; see snapshot-write.ts), so that
 * analyze neither loads a YAML parser nor compiles the rule schema on every run (about 0.15 s of
 * its start). It is used only while it matches: it records a digest of every rule file's path and
 * text, and a file added, removed or edited since makes loadRules parse them all, as without a
 * snapshot. What follows parsing (meaning checks, CEL compilation) runs as usual.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { packagePath } from '../util/package.js';
import type { RuleDocument } from './types.js';

export const SNAPSHOT_PATH = packagePath('dist/rules/builtin-rules.json');

export interface RuleSnapshot {
  /** rulesDigest() of the files the documents were parsed from. */
  digest: string;
  /** Rule documents by path relative to the rules directory ('/' separators). */
  docs: Record<string, RuleDocument>;
}

/** Path relative to the rules directory, with '/' separators. */
export function ruleKey(dir: string, path: string): string {
  return relative(dir, path).split(sep).join('/');
}

/** A digest of the rule files: their paths (relative to `dir`) and texts, in the order given. */
export function rulesDigest(dir: string, paths: readonly string[], texts: readonly string[]): string {
  const hash = createHash('sha256');
  paths.forEach((path, i) => hash.update(`${ruleKey(dir, path)}\0${texts[i] ?? ''}\0`));
  return hash.digest('hex');
}

/** The snapshot's documents by ruleKey, when there is one and it was made from these very files. */
export async function readSnapshot(dir: string, paths: readonly string[], texts: readonly string[], file = SNAPSHOT_PATH): Promise<Map<string, RuleDocument> | undefined> {
  let snapshot: RuleSnapshot;
  try {
    snapshot = JSON.parse(await readFile(file, 'utf8')) as RuleSnapshot;
  } catch {
    return undefined; // not built (running from src/ without a build), or unreadable: parse the files
  }
  if (typeof snapshot?.digest !== 'string' || snapshot.digest !== rulesDigest(dir, paths, texts)) return undefined;
  return new Map(Object.entries(snapshot.docs ?? {}));
}
