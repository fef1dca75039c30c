/**
 * The JSON diff (schemas/diff.schema.json). The object is built in contract order by
 * buildDiffReport and its findings come from the engine in a fixed shape, so the same two
 * bundles always give the same bytes.
 */
import type { DiffReport } from './types.js';

export function renderDiffJson(diff: DiffReport): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}
