/**
 * Durations as users type them on the command line (`--since 30m`, `2h`, `1d`, `90s`, `1h30m`),
 * turned into whole seconds for the Kubernetes log API's sinceSeconds.
 */
import { UsageError } from '../errors.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in a duration such as "30m" or "1h30m"; throws UsageError naming the flag otherwise. */
export function parseDurationSeconds(text: string, flag = '--since'): number {
  const trimmed = text.trim();
  const part = /(\d+)([smhd])/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(trimmed); m; m = part.exec(trimmed)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    consumed = part.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length || total <= 0 || !Number.isSafeInteger(total)) {
    throw new UsageError(`${flag}: "${text}" is not a duration like 30m, 2h or 1d`);
  }
  return total;
}
