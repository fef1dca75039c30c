/**
 * The built-in rules' snapshot (src/rules/snapshot.ts, written at build time by snapshot-write.ts):
 * rules loaded from it are the rules loaded by parsing the YAML; it is taken only while every rule
 * file is the one it was made from (an edit, an added or a removed file turns it off); and rule
 * files with problems get no snapshot, so the problems are reported at run time as before.
 */
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_RULES_DIR, findRuleFiles, loadRules } from '../../src/rules/loader.js';
import { readSnapshot } from '../../src/rules/snapshot.js';
import { writeRuleSnapshot } from '../../src/rules/snapshot-write.js';
import type { Rule } from '../../src/rules/types.js';
import { makeTempRoot, removeTempRoot } from '../bundle/helpers.js';

let work: string;
beforeEach(async () => {
  work = await makeTempRoot('rule-snapshot');
});
afterEach(async () => {
  await removeTempRoot(work);
});

/** A rule without its compiled expressions (functions), for comparison. */
function plain(rule: Rule): unknown {
  const { condition, dataExpressions, ...rest } = rule;
  return { ...rest, expressions: Object.keys(dataExpressions).sort(), compiled: typeof condition };
}

async function filesOf(dir: string): Promise<{ paths: string[]; texts: string[] }> {
  const paths = await findRuleFiles(dir);
  return { paths, texts: await Promise.all(paths.map((p) => readFile(p, 'utf8'))) };
}

describe('the rule snapshot', () => {
  it('gives the very rules that parsing the YAML gives', async () => {
    const file = join(work, 'builtin-rules.json');
    const result = await writeRuleSnapshot(BUILTIN_RULES_DIR, file);
    const { paths } = await filesOf(BUILTIN_RULES_DIR);
    expect(result).toEqual({ written: true, rules: paths.length, problems: 0 });
    const fromSnapshot = await loadRules({ snapshot: file });
    const parsed = await loadRules({ snapshot: false });
    expect(fromSnapshot.length).toBeGreaterThan(40);
    expect(fromSnapshot.map(plain)).toEqual(parsed.map(plain));
  });

  it('is taken only while the rule files are the ones it was made from', async () => {
    const dir = join(work, 'rules');
    await cp(BUILTIN_RULES_DIR, dir, { recursive: true });
    const file = join(work, 'snapshot.json');
    await writeRuleSnapshot(dir, file);
    const same = await filesOf(dir);
    expect((await readSnapshot(dir, same.paths, same.texts, file))?.size).toBe(same.paths.length);

    // An edit.
    const edited = same.texts.map((t, i) => (i === 0 ? t.replace(/^title: .*$/m, 'title: edited after the build') : t));
    expect(edited[0]).not.toBe(same.texts[0]);
    expect(await readSnapshot(dir, same.paths, edited, file)).toBeUndefined();
    // A file removed, or one added.
    expect(await readSnapshot(dir, same.paths.slice(1), same.texts.slice(1), file)).toBeUndefined();
    expect(await readSnapshot(dir, [...same.paths, join(dir, 'extra.yaml')], [...same.texts, 'id: extra\n'], file)).toBeUndefined();
    // No snapshot at all.
    expect(await readSnapshot(dir, same.paths, same.texts, join(work, 'absent.json'))).toBeUndefined();
  });

  it('is not written when a rule file has a problem (and a stale one is removed)', async () => {
    const dir = join(work, 'rules');
    await cp(BUILTIN_RULES_DIR, dir, { recursive: true });
    const file = join(work, 'snapshot.json');
    await writeRuleSnapshot(dir, file);
    const category = (await readdir(dir))[0]!;
    await writeFile(join(dir, category, 'broken.yaml'), 'id: broken\ntitle: [unclosed\n');
    const result = await writeRuleSnapshot(dir, file);
    expect(result.written).toBe(false);
    expect(result.problems).toBeGreaterThan(0);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
    await rm(join(dir, category, 'broken.yaml'));
  });
});
