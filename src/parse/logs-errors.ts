/**
 * Classifies the `error=` text of ztunnel access logs (upstream-formats.md §4.4) into a small,
 * stable vocabulary that rules match on, and normalizes the text into a grouping key so a million
 * `no healthy upstream: 10.43.0.1:443` lines with different ports become one group. The checks run
 * in a fixed order because texts nest (a policy rejection can say `workload not found`; a TLS
 * failure arrives wrapped in `io error:`).
 */

export type AccessErrorClass =
  | 'networkpolicy-timeout'
  | 'policy-denied'
  | 'policy-changed'
  | 'connection-refused'
  | 'connection-reset'
  | 'no-healthy-upstream'
  | 'no-service'
  | 'unknown-waypoint'
  | 'http-status'
  | 'tls'
  | 'identity'
  | 'h2'
  | 'dns'
  | 'workload-not-found'
  | 'other';

export interface ClassifiedAccessError {
  errorClass: AccessErrorClass;
  /** For `explicitly denied by: ns/name`: the policy, as `ns/name`. */
  policy?: string;
  /** For policy denials the reason after `policy rejection: `; for `http status:` the status text. */
  reason?: string;
  /** errorClass(text): the normalized text, to group repeats of the same error. */
  key: string;
}

const MAX_KEY = 200;

/**
 * A stable group key for an error text: addresses, ports, ids, uids and numbers are replaced by
 * placeholders; names (policies, hostnames, workloads) are kept because they tell groups apart.
 */
export function errorClass(errorText: string): string {
  return errorText
    .slice(0, 1000)
    .replace(/\[[0-9a-fA-F:.]+\](?::\d+)?/g, '<addr>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<addr>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uid>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<id>')
    .replace(/\b\d+(?:\.\d+)?(?:ns|µs|us|ms|s|m|h)\b/g, '<duration>')
    .replace(/\(os error \d+\)/g, '(os error)')
    .replace(/(?<![\w.-])\d+(?![\w.-])/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_KEY);
}

const POLICY_REJECTION = 'connection closed due to policy rejection';
const DENIED_BY = 'explicitly denied by: ';

function policyDenial(text: string, at: number): Omit<ClassifiedAccessError, 'key'> {
  const rest = text.slice(at + POLICY_REJECTION.length);
  const reason = rest.startsWith(': ') ? rest.slice(2).trim() : '';
  const result: Omit<ClassifiedAccessError, 'key'> = { errorClass: 'policy-denied' };
  if (reason) result.reason = reason;
  const by = reason.indexOf(DENIED_BY);
  if (by !== -1) {
    const policy = reason.slice(by + DENIED_BY.length).split(/[\s,;)]/, 1)[0];
    if (policy) result.policy = policy;
  }
  return result;
}

/** Ordered (pattern, class) checks after the special cases; the first match wins. */
const CHECKS: ReadonlyArray<readonly [RegExp, AccessErrorClass]> = [
  [/maybe a NetworkPolicy is blocking HBONE|^io error: deadline has elapsed$/i, 'networkpolicy-timeout'],
  [/connection closed due to policy change/i, 'policy-changed'],
  [/identity error/i, 'identity'],
  [/invalid peer certificate|tls error|certificate revoked|handshake failure|certificate/i, 'tls'],
  [/http2 handshake failed|h2 failed|GoAway|FRAME_SIZE_ERROR/i, 'h2'],
  [/connection refused/i, 'connection-refused'],
  [/connection reset|broken pipe|disconnected before all data was written/i, 'connection-reset'],
  [/no healthy upstream|no endpoints for workload|no valid routing destination/i, 'no-healthy-upstream'],
  [/no service for target address|no service or workload for hostname|has no IP addresses/i, 'no-service'],
  [/unknown waypoint/i, 'unknown-waypoint'],
  [/failed to fetch information about local workload|workload is unknown|workload not found/i, 'workload-not-found'],
  [/^dns|dns lookup|dns response|dns error/i, 'dns'],
];

/** The class of an access-log `error=` text, with the policy and reason for policy denials. */
export function classifyAccessError(text: string): ClassifiedAccessError {
  const key = errorClass(text);
  const head = text.slice(0, 2000);
  const rejection = head.indexOf(POLICY_REJECTION);
  if (rejection !== -1) return { ...policyDenial(head, rejection), key };
  const status = /http status: (\d{3}[^,;]*)/i.exec(head);
  // A 401 from the HBONE peer is how the client side sees the server ztunnel's RBAC deny
  // (upstream-formats.md §4.4), so it is a policy denial, not a generic HTTP error.
  if (status?.[1]?.startsWith('401')) return { errorClass: 'policy-denied', reason: status[1].trim(), key };
  if (status?.[1]) return { errorClass: 'http-status', reason: status[1].trim(), key };
  for (const [pattern, errorClassName] of CHECKS) {
    if (pattern.test(head)) return { errorClass: errorClassName, key };
  }
  return { errorClass: 'other', key };
}
