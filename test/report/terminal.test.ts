/**
 * renderTerminalSummary: counts, the most severe findings one per line within the width,
 * skipped rules, rule errors and report paths; colour only when asked and NO_COLOR is unset;
 * control characters from the bundle never reach the terminal.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { buildReport, certFinding, manyFindings, realisticReport } from './reports.js';

const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI, '');

describe('renderTerminalSummary', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('summarises counts, top findings, skipped rules, rule errors and where reports went', () => {
    const out = renderTerminalSummary(realisticReport(), { color: false, written: ['out/report.html', 'out/report.json'] });
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('ztunnel-bundle 0.1.0: bundles/prod-eu1-2024-05-04.tar.gz (3 ztunnel pods)');
    expect(lines[1]).toBe('Findings: 1 critical, 1 error, 1 warning, 1 info  (14 rules run, 1 suppressed)');
    expect(lines[2]).toMatch(/^ {2}CRITICAL certificate-unavailable {2}Certificate spiffe:\/\/cluster\.local\/ns\/reviews/);
    expect(lines[3]).toMatch(/^ {2}ERROR {4}access-log-connection-refused {2}Workload reviews\/reviews-v1-5fd6d4f8f8-26j92: 3 outbound/);
    expect(out).toContain('1 rule not checked: the bundle lacks their inputs');
    expect(out).toContain('Rule error: policy-denials (ztunnel-6hvcw): no such key: rbac');
    expect(lines.at(-1)).toBe('Reports: out/report.html, out/report.json');
    expect(out).not.toMatch(ANSI);
  });

  it('cuts every line to the width and lists only the top findings', () => {
    const out = renderTerminalSummary(manyFindings(40), { color: false });
    for (const line of out.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    expect(out.match(/^ {2}(CRITICAL|ERROR|WARNING|INFO) /gm)).toHaveLength(10);
    expect(out).toContain('… and 30 more findings in the report');
    const narrow = renderTerminalSummary(manyFindings(3), { color: false, width: 60, top: 2 });
    for (const line of narrow.trimEnd().split('\n').slice(2, 4)) expect([...line].length).toBeLessThanOrEqual(60);
  });

  it('colours severities when asked, and the plain text stays the same', () => {
    const report = realisticReport();
    const coloured = renderTerminalSummary(report, { color: true });
    expect(coloured).toMatch(ANSI);
    expect(plain(coloured)).toBe(renderTerminalSummary(report, { color: false }));
  });

  it('respects NO_COLOR even when colour is asked for', () => {
    vi.stubEnv('NO_COLOR', '1');
    expect(renderTerminalSummary(realisticReport(), { color: true })).not.toMatch(ANSI);
  });

  it('strips escape sequences and newlines that come from the bundle', () => {
    const hostile = { ...certFinding, subject: { kind: 'Pod' as const, name: 'evil\u001b[2J\u001b]0;pwned\u0007\nFindings: 0 critical' }, message: 'a\u202eb\rc' };
    const out = renderTerminalSummary(buildReport([hostile]), { color: false });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(out.split('\n').filter((l) => l.startsWith('Findings:'))).toHaveLength(1);
  });

  it('says so when there are no findings', () => {
    expect(renderTerminalSummary(buildReport([]), { color: false })).toContain('No findings.');
  });
});
