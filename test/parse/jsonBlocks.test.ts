/**
 * memoBlocks: the blocks of a JSON object's large members, with values seen before skipped over
 * by one comparison. The blocks must be the ones a memo that knows nothing finds, whatever the
 * memo has seen (the same section elsewhere, a section of the same length and start that differs
 * near its end); a section is remembered from its second sighting, and known from its third.
 */
import { describe, expect, it } from 'vitest';
import { BlockMemo, memoBlocks } from '../../src/parse/jsonBlocks.js';

const workloads = Array.from({ length: 1200 }, (_, i) => ({ uid: `Kubernetes//Pod/apps/app-${i}-7d8c9b6c8f-abcde`, name: `app-${i}`, namespace: 'apps', protocol: 'HBONE' }));
const services = Array.from({ length: 600 }, (_, i) => ({ hostname: `svc-${i}.apps.svc.cluster.local`, vips: [`10.96.${i >> 8}.${i & 255}`] }));
const dump = (node: string, members: Record<string, unknown>) => Buffer.from(JSON.stringify({ node, ...members }, null, 2));

/** A memo that counts the values it answered for. */
class CountingMemo extends BlockMemo<number> {
  known = 0;
  override knownEnd(key: string, bytes: Buffer, start: number): number | undefined {
    const end = super.knownEnd(key, bytes, start);
    if (end !== undefined) this.known++;
    return end;
  }
}

const plain = (bytes: Buffer) => memoBlocks(bytes, 64 * 1024, new BlockMemo<number>())?.map(({ key, start, end }) => ({ key, start, end }));

describe('memoBlocks', () => {
  it('finds the blocks a fresh memo finds, skipping values it has seen twice', () => {
    const memo = new CountingMemo();
    const renamed = workloads.map((w, i) => (i === workloads.length - 1 ? { ...w, name: 'app-XXXX' } : w)); // same length, differs at the end
    const bodies = [
      dump('a', { workloads, services }),
      dump('b', { workloads, services, extra: 'x' }),
      dump('c', { services, config: { moved: true }, workloads }),
      dump('d', { workloads: renamed, services }),
      dump('e', { workloads: [...workloads, { name: 'one more' }], services }),
    ];
    const remembered: boolean[][] = [];
    for (const body of bodies) {
      const blocks = memoBlocks(body, 64 * 1024, memo)!;
      expect(blocks.map(({ key, start, end }) => ({ key, start, end }))).toEqual(plain(body));
      remembered.push(blocks.map((b) => b.remember));
    }
    // a: first sighting; b: copied; c: known (both sections), d and e: workloads new, services known.
    expect(remembered).toEqual([[false, false], [true, true], [true, true], [false, true], [false, true]]);
    expect(memo.known).toBe(2 + 1 + 1);
  });

  it('answers undefined for what is not plainly a JSON object, known values or not', () => {
    const memo = new BlockMemo<number>();
    const body = dump('a', { workloads });
    for (let i = 0; i < 3; i++) expect(memoBlocks(body, 64 * 1024, memo)).toHaveLength(1);
    expect(memoBlocks(Buffer.concat([body, Buffer.from(' trailing')]), 64 * 1024, memo)).toBeUndefined();
    expect(memoBlocks(Buffer.from(`[${body}]`), 64 * 1024, memo)).toBeUndefined();
    const twice = Buffer.from(body.toString().replace('"node": "a"', `"workloads": ${JSON.stringify(workloads)}`));
    expect(memoBlocks(twice, 64 * 1024, memo)).toBeUndefined(); // a duplicate key
  });
});
