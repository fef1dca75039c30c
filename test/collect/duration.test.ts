/** --since durations: the forms users type, and one-line errors for the rest. */
import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../src/collect/duration.js';
import { UsageError } from '../../src/errors.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86400],
    ['1h30m', 5400],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '30', 'm', '1w', '-5m', '1.5h', '0m', '30m garbage'])('refuses %j naming the flag', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(UsageError);
    expect(() => parseDurationSeconds(text)).toThrow(/^--since: /);
  });
});
