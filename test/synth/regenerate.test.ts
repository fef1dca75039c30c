/**
 * The checked-in fixtures are exactly what the generator writes (so they never drift from it),
 * every JSON file parses, and manifest.json validates against the schema and describes the files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { generateBundle } from '../../src/synth/generate.js';
import { brokenPreset, healthyPreset } from '../../src/synth/presets.js';
import { BROKEN, Bundle, HEALTHY, listFiles } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'synth-regen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const schema = JSON.parse(readFileSync(new URL('../../schemas/manifest.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateManifest = ajv.compile(schema);

describe.each([
  ['healthy', HEALTHY, healthyPreset],
  ['broken', BROKEN, brokenPreset],
])('fixture %s', (name, fixtureDir, preset) => {
  it('is byte-identical to a fresh generation', async () => {
    const out = join(tmp, name);
    await generateBundle(preset(), out);
    const expected = listFiles(fixtureDir);
    expect(listFiles(out)).toEqual(expected);
    for (const f of expected) {
      const same = readFileSync(join(out, f)).equals(readFileSync(join(fixtureDir, f)));
      expect(same, `${f} differs from the generator's output: regenerate with synth --preset ${name} --force`).toBe(true);
    }
  });

  it('has only JSON files that parse', () => {
    const jsonFiles = listFiles(fixtureDir).filter((f) => f.endsWith('.json'));
    expect(jsonFiles.length).toBeGreaterThan(20);
    for (const f of jsonFiles) expect(() => JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')), f).not.toThrow();
  });

  it('has a manifest that validates and matches every file it lists', () => {
    const bundle = new Bundle(fixtureDir);
    const manifest = bundle.manifest();
    expect(validateManifest(manifest), ajv.errorsText(validateManifest.errors)).toBe(true);
    const files = listFiles(fixtureDir).filter((f) => f !== 'manifest.json');
    const ok = manifest.artifacts.filter((a) => a.status === 'ok');
    expect(ok.map((a) => a.path).sort()).toEqual(files);
    for (const a of ok) {
      const content = readFileSync(join(fixtureDir, a.path));
      expect(a.bytes, a.path).toBe(content.length);
      expect(a.sha256, a.path).toBe(createHash('sha256').update(content).digest('hex'));
    }
    for (const a of manifest.artifacts.filter((x) => x.status !== 'ok')) expect(existsSync(join(fixtureDir, a.path))).toBe(false);
  });

  it('stays small enough to check in', () => {
    const total = listFiles(fixtureDir).reduce((sum, f) => sum + readFileSync(join(fixtureDir, f)).length, 0);
    expect(total).toBeLessThan(700_000);
  });
});

describe('manifest status', () => {
  it('is complete for healthy and partial for broken', () => {
    expect(new Bundle(HEALTHY).manifest().status).toBe('complete');
    expect(new Bundle(BROKEN).manifest().status).toBe('partial');
  });
});
