/**
 * The Go text/tabwriter layout (minwidth 0, padding 1 unless said, space padding, no flags):
 * expected strings are worked out by hand from Go's rules, which the golden tests then confirm
 * on real istioctl output.
 */
import { describe, expect, it } from 'vitest';
import { tabwrite, tabwriteRows } from '../../src/inspect/tabwriter.js';

describe('tabwrite', () => {
  it('pads each column to its widest cell plus the padding, and never pads the trailing text', () => {
    expect(tabwrite('a\tb\nccc\td\n')).toBe('a   b\nccc d\n');
    expect(tabwrite('a\tbb\tlast-is-not-padded\nccc\td\te\n')).toBe('a   bb last-is-not-padded\nccc d  e\n');
  });

  it('uses the given padding (istioctl certificates use 5) and minimum width', () => {
    expect(tabwrite('ab\tc\nd\te\n', { padding: 5 })).toBe('ab     c\nd      e\n');
    expect(tabwrite('ab\tc\n', { minWidth: 6, padding: 1 })).toBe('ab    c\n');
  });

  it('pads a tab-terminated last cell (a trailing tab leaves trailing spaces, as in Go)', () => {
    expect(tabwrite('a\tb\t\nccc\td\t\n')).toBe('a   b \nccc d \n');
  });

  it('ends a column block at a line without a cell in that column', () => {
    const text = 'aaaa\tb\tc\nx\ty\n\nlonger-cell\tz\n';
    expect(tabwrite(text)).toBe('aaaa b c\nx    y\n\nlonger-cell z\n');
  });

  it('gives empty cells the column width and counts code points, not UTF-16 units', () => {
    expect(tabwrite('\tb\nxx\ty\n')).toBe('   b\nxx y\n');
    expect(tabwrite('é😀\tb\nabc\tc\n')).toBe('é😀  b\nabc c\n');
  });

  it('writes text without a final newline unchanged at the end', () => {
    expect(tabwrite('a\tb')).toBe('a b');
    expect(tabwrite('')).toBe('');
  });
});

describe('tabwriteRows', () => {
  it('lays out header and rows with a newline after each', () => {
    expect(tabwriteRows([['NAME', 'IP'], ['a', '10.0.0.1'], ['longer', '10.0.0.2']])).toBe('NAME   IP\na      10.0.0.1\nlonger 10.0.0.2\n');
  });

  it('flattens tabs and newlines inside values so hostile data cannot break the table', () => {
    expect(tabwriteRows([['A', 'B'], ['x\ty', 'z\nw']])).toBe('A   B\nx y z w\n');
    expect(tabwriteRows([['A', 'B'], ['\u001b[2Jx', 'y\u0000\u009b']])).toBe('A     B\n?[2Jx y??\n');
  });
});
