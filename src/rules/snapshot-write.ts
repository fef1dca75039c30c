/**
 * Writes the built-in rules' snapshot (snapshot.ts) at build time: every rule file parsed and
 * checked exactly as loadRules does. Nothing is written when a file has a problem (loadRules then
 * reports it at run time, as without a snapshot), and a document that would not survive JSON as it
 * is (none should) is left out, so loadRules parses that file itself.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BUILTIN_RULES_DIR, findRuleFiles, parseRuleFile } from './loader.js';
import { ruleKey, rulesDigest, SNAPSHOT_PATH, type RuleSnapshot } from './snapshot.js';
import type { RuleDocument } from './types.js';

export async function writeRuleSnapshot(dir = BUILTIN_RULES_DIR, file = SNAPSHOT_PATH): Promise<{ written: boolean; rules: number; problems: number }> {
  const paths = await findRuleFiles(dir);
  const texts = await Promise.all(paths.map((path) => readFile(path, 'utf8')));
  const docs: Record<string, RuleDocument> = {};
  let problems = 0;
  for (const [i, path] of paths.entries()) {
    const parsed = await parseRuleFile(path, texts[i]!);
    problems += parsed.problems.length;
    if (parsed.doc && isDeepStrictEqual(JSON.parse(JSON.stringify(parsed.doc)), parsed.doc)) docs[ruleKey(dir, path)] = parsed.doc;
  }
  if (problems > 0) {
    await rm(file, { force: true }); // a stale snapshot is ignored anyway; no snapshot is clearer
    return { written: false, rules: 0, problems };
  }
  const snapshot: RuleSnapshot = { digest: rulesDigest(dir, paths, texts), docs };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(snapshot)}\n`);
  return { written: true, rules: Object.keys(docs).length, problems };
}
