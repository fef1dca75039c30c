/**
 * The check that ConfigDumpParser (sections parsed once per bundle) behaves exactly like
 * parseConfigDump on one text: the same dump or the same BundleError, and the same line for every
 * pointer a finding could cite. Shared by the unit tests and the differential fuzz test.
 */
import { expect } from 'vitest';
import { parseConfigDump, type ZtunnelConfigDump } from '../../src/parse/configDump.js';
import type { ConfigDumpParser } from '../../src/parse/configDump-reuse.js';
import { createLocator } from '../../src/parse/jsonLocate.js';

/** Every pointer the dump's items carry, their parents, a nested field of each, and some that do not exist. */
export function pointersOf(dump: ZtunnelConfigDump): string[] {
  const items = [...dump.workloads, ...dump.services, ...dump.policies, ...dump.certificates, ...dump.workloadState].map((x) => x.pointer);
  return [
    '', '/workloads', '/services', '/policies', '/certificates', '/workloadState', '/config', '/version', '/nope', '/workloads/99999',
    ...items, ...items.map((p) => `${p}/name`), ...items.map((p) => `${p}/uid`),
  ];
}

/** Parses `text` both ways and expects the same outcome; returns the dump, or undefined on an error. */
export function expectSameAsOrdinary(parser: ConfigDumpParser, text: string, file: string): ZtunnelConfigDump | undefined {
  let expected: ZtunnelConfigDump;
  try {
    expected = parseConfigDump(text, file);
  } catch (err) {
    expect(() => parser.parse(text, file)).toThrow(err as Error);
    return undefined;
  }
  const { dump, lines } = parser.parse(text, file);
  expect(dump).toEqual(expected);
  const pointers = pointersOf(expected);
  const locator = createLocator(text);
  const got = lines(pointers);
  expect(pointers.map((p) => [p, got.line(p)])).toEqual(pointers.map((p) => [p, locator.line(p)]));
  return dump;
}
