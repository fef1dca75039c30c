/**
 * The catalogue of fact collections (what rule authors and the loader rely on) against real facts
 * built from the fixtures: every field a fact has is documented, and every documented field shows
 * up in some fact, so the catalogue and the builders cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { BUNDLE_FIELDS, COLLECTIONS } from '../../src/facts/collections.js';
import { buildFacts } from '../../src/facts/build.js';
import type { FactModel } from '../../src/facts/types.js';
import { packagePath } from '../../src/util/package.js';

async function facts(name: string): Promise<FactModel> {
  const bundle = await openBundle(packagePath(`fixtures/${name}`));
  try {
    return await buildFacts(bundle);
  } finally {
    await bundle.close();
  }
}

const models = await Promise.all([facts('healthy'), facts('broken')]);

describe('fact collections catalogue', () => {
  it.each(Object.keys(COLLECTIONS))('%s: every field of every fact is documented', (name) => {
    const documented = new Set(Object.keys(COLLECTIONS[name as keyof typeof COLLECTIONS].fields));
    for (const model of models) {
      for (const fact of model[name as keyof typeof COLLECTIONS] as object[]) {
        const undocumented = Object.keys(fact).filter((k) => !documented.has(k));
        expect(undocumented, `${name} facts have undocumented fields`).toEqual([]);
      }
    }
  });

  it('every documented field appears in some fact of the fixtures (optional ones included)', () => {
    const neverSeen: string[] = [];
    for (const [name, info] of Object.entries(COLLECTIONS)) {
      const seen = new Set(models.flatMap((m) => (m[name as keyof typeof COLLECTIONS] as object[]).flatMap((f) => Object.keys(f))));
      // Collections the fixtures have no element of (e.g. waypoints) cannot be checked here.
      if (seen.size === 0) continue;
      for (const field of Object.keys(info.fields)) if (!seen.has(field)) neverSeen.push(`${name}.${field}`);
    }
    expect(neverSeen).toEqual([]);
  });

  it('the bundle facts are exactly the documented ones', () => {
    for (const model of models) expect(Object.keys(model.bundle).sort()).toEqual(Object.keys(BUNDLE_FIELDS).sort());
  });
});
