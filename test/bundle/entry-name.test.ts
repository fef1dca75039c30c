/**
 * The entry-name check every archive entry (and every MemoryBundle key) goes through: whatever the
 * name, it is either refused with a BundleError or turned into segments that stay inside the
 * extraction directory. Property-based, with names built from the characters that matter.
 */
import { join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryNameSegments } from '../../src/bundle/archive.js';
import { BundleError } from '../../src/errors.js';

const ROOT = resolve('/tmp/ztunnel-bundle-extract');

/** Names made of path-ish pieces: separators, dots, drive letters, control characters. */
const nastyName = fc
  .array(fc.constantFrom('/', '\\', '.', '..', 'C:', 'a', 'cluster', 'pods.json', '\0', '\n', '~', ' ', 'é'), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('entryNameSegments', () => {
  it('never yields a path that leaves the extraction directory', () => {
    fc.assert(
      fc.property(fc.oneof(nastyName, fc.string()), (name) => {
        let segments: string[];
        try {
          segments = entryNameSegments(name, `b.tgz: ${name}`);
        } catch (err) {
          expect(err).toBeInstanceOf(BundleError);
          return;
        }
        const target = resolve(join(ROOT, ...segments));
        const rel = relative(ROOT, target);
        expect(rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep))).toBe(true);
        for (const segment of segments) {
          expect(segment).not.toBe('..');
          expect(segment).not.toBe('.');
          expect(segment).not.toBe('');
          expect(segment).not.toMatch(/[\\/\0]/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['top/cluster/pods.json', ['top', 'cluster', 'pods.json']],
    ['./top//ztunnel/z/./ready.txt', ['top', 'ztunnel', 'z', 'ready.txt']],
    ['top/', ['top']],
    ['...hidden', ['...hidden']],
  ])('keeps the harmless name %j as %j', (name, expected) => {
    expect(entryNameSegments(name, name)).toEqual(expected);
  });

  it.each([
    ['../x', "has a '..' segment"],
    ['a/../../x', "has a '..' segment"],
    ['/etc/passwd', 'is an absolute path'],
    ['C:/x', 'is a Windows drive path'],
    ['c:x', 'is a Windows drive path'],
    ['a\\b', 'has a backslash'],
    ['a\0b', 'has a NUL byte'],
    ['a\tb', 'has control characters'],
  ])('refuses %j', (name, problem) => {
    expect(() => entryNameSegments(name, `b.tgz: ${name}`)).toThrow(problem);
  });
});
