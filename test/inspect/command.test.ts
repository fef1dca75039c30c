/**
 * The command surface the CLI wires: view names and istioctl's aliases, and the help text that
 * documents them.
 */
import { describe, expect, it } from 'vitest';
import { INSPECT_HELP, parseInspectView } from '../../src/commands/inspect.js';
import { UsageError } from '../../src/errors.js';
import { VIEWS } from '../../src/inspect/render.js';

describe('parseInspectView', () => {
  it.each([
    ['w', 'workloads'], ['workload', 'workloads'], ['svc', 'services'], ['s', 'services'], ['pol', 'policies'],
    ['p', 'policies'], ['certs', 'certificates'], ['cert', 'certificates'], ['cons', 'connections'], ['ALL', 'all'],
  ])('%s is %s, as in istioctl', (alias, view) => {
    expect(parseInspectView(alias)).toBe(view);
  });

  it('rejects an unknown view with the list of views', () => {
    expect(() => parseInspectView('listeners')).toThrow(new UsageError('inspect: unknown view "listeners"; expected one of workloads, services, policies, certificates, connections, all'));
    expect(() => parseInspectView('constructor')).toThrow(UsageError);
    expect(() => parseInspectView('__proto__')).toThrow(UsageError);
  });

  it('documents every view in the help text', () => {
    for (const view of VIEWS) expect(INSPECT_HELP).toContain(`  ${view}`);
  });
});
