/**
 * How analyze and diff turn findings into an exit code. A module of its own so that the commands
 * can decide it without loading the rule machinery (CEL, ajv, YAML) up front.
 */
import { ExitCode } from '../errors.js';
import { severityRank, type Severity } from '../report/types.js';

/** 1 when a finding is at or above the --fail-on severity, 0 otherwise (or with 'none'). */
export function exitCodeForFindings(findings: readonly { severity: Severity }[], failOn: Severity | 'none'): number {
  if (failOn === 'none') return ExitCode.ok;
  const threshold = severityRank(failOn);
  return findings.some((f) => severityRank(f.severity) >= threshold) ? ExitCode.findings : ExitCode.ok;
}
