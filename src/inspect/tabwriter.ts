/**
 * A formatter that lays out tab-separated text exactly like Go's text/tabwriter with the settings
 * istioctl uses (space padding, no flags), so `inspect` tables match `istioctl ztunnel-config`
 * byte for byte. Go's rules, reproduced here: a cell is text terminated by a tab; the text after a
 * line's last tab is not a cell and is never padded; a column block is a run of consecutive lines
 * that all have a cell in that column, and its width is the widest cell plus the padding (at least
 * minWidth); widths count Unicode code points, as Go counts runes.
 */

export interface TabwriterOptions {
  /** Smallest column width, padding included (istioctl: 0). */
  minWidth?: number;
  /** Spaces added to the widest cell of a column (istioctl: 1; certificates: 5). */
  padding?: number;
}

interface Layout {
  /** lines[i] = the cells of line i; the last entry is the unterminated trailing text. */
  lines: string[][];
  minWidth: number;
  padding: number;
  out: string[];
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Lays out `text` (lines separated by '\n', cells by '\t'). */
export function tabwrite(text: string, options: TabwriterOptions = {}): string {
  const layout: Layout = {
    lines: text.split('\n').map((line) => line.split('\t')),
    minWidth: options.minWidth ?? 0,
    padding: options.padding ?? 1,
    out: [],
  };
  formatColumns(layout, [], 0, layout.lines.length);
  return layout.out.join('');
}

/** A table: header and rows, each an array of cells, every line ending in a newline. */
export function tabwriteRows(rows: readonly (readonly string[])[], options: TabwriterOptions = {}): string {
  // Cells are joined by tabs and the last cell stays unterminated, like `fmt.Fprintf(w, "%v\t%v\n")`.
  // Tabs and newlines inside a value would break the layout (Go would split there too), and other
  // control characters (ESC above all) would reach the terminal: hostile bundle values are
  // flattened to spaces and '?' instead.
  const clean = (cell: string) => cell.replace(/[\t\n\r\f\v]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return tabwrite(rows.map((row) => `${row.map(clean).join('\t')}\n`).join(''), options);
}

/** Go's Writer.format: find each column block, fix its width, recurse into the columns to its right. */
function formatColumns(layout: Layout, widths: number[], line0: number, line1: number): void {
  const column = widths.length;
  let start = line0;
  let i = line0;
  while (i < line1) {
    if (column >= layout.lines[i]!.length - 1) {
      i++;
      continue;
    }
    // A block begins at line i: everything before it is laid out with the widths known so far.
    writeLines(layout, widths, start, i);
    start = i;
    let width = layout.minWidth;
    for (; i < line1 && column < layout.lines[i]!.length - 1; i++) {
      width = Math.max(width, codePoints(layout.lines[i]![column]!) + layout.padding);
    }
    widths.push(width);
    formatColumns(layout, widths, start, i);
    widths.pop();
    start = i;
  }
  writeLines(layout, widths, start, line1);
}

function writeLines(layout: Layout, widths: readonly number[], line0: number, line1: number): void {
  for (let i = line0; i < line1; i++) {
    const cells = layout.lines[i]!;
    cells.forEach((cell, j) => {
      layout.out.push(cell);
      if (j < widths.length) layout.out.push(' '.repeat(Math.max(0, widths[j]! - codePoints(cell))));
    });
    // The last line is what followed the final newline (usually nothing): it gets no newline.
    if (i + 1 < layout.lines.length) layout.out.push('\n');
  }
}
