/**
 * Access-log error texts (upstream-formats.md §4.4) map to the rule vocabulary, policy denials name
 * their policy, and the grouping key is stable across addresses, ports and ids.
 */
import { describe, expect, it } from 'vitest';
import { classifyAccessError, errorClass } from '../../src/parse/logs.js';

describe('classifyAccessError', () => {
  const cases: Array<[string, string]> = [
    ['connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed', 'networkpolicy-timeout'],
    ['io error: deadline has elapsed', 'networkpolicy-timeout'],
    ['connection closed due to policy rejection', 'policy-denied'],
    ['connection closed due to policy rejection: workload not found', 'policy-denied'],
    ['connection closed due to policy change', 'policy-changed'],
    ['io error: Connection refused (os error 111)', 'connection-refused'],
    ['io error: Connection reset by peer (os error 104)', 'connection-reset'],
    ['while closing connection: send: io error: stream closed because of a broken pipe', 'connection-reset'],
    ['no healthy upstream: 10.43.0.1:443', 'no-healthy-upstream'],
    ['no endpoints for workload: shop/cart-1', 'no-healthy-upstream'],
    ['no service for target address: 10.96.0.20:80', 'no-service'],
    ['no service or workload for hostname: cart.shop.svc.cluster.local', 'no-service'],
    ['unknown waypoint: Address(10.96.1.1)', 'unknown-waypoint'],
    ['http status: 401 Unauthorized', 'policy-denied'],
    ['http status: 503 Service Unavailable', 'http-status'],
    ['io error: invalid peer certificate: ApplicationVerificationFailure', 'tls'],
    ['tls error: handshake failure', 'tls'],
    ['connection closed: peer certificate revoked by CRL', 'tls'],
    ['identity error: signing gRPC error (Unavailable): connection refused', 'identity'],
    ['http2 handshake failed: frame with invalid size', 'h2'],
    ['h2 failed: connection error detected: frame with invalid size', 'h2'],
    ['dns lookup: no record found for name', 'dns'],
    ['dns response had no valid IP addresses', 'dns'],
    ['failed to fetch information about local workload: default.istio-synthetic-tests (fortio-1)', 'workload-not-found'],
    ['attempted recursive call to ourselves', 'other'],
  ];
  it.each(cases)('%s -> %s', (text, expected) => {
    expect(classifyAccessError(text).errorClass).toBe(expected);
  });

  it('names the denying policy and the reason', () => {
    expect(classifyAccessError('connection closed due to policy rejection: explicitly denied by: shop/deny-legacy')).toEqual({
      errorClass: 'policy-denied',
      policy: 'shop/deny-legacy',
      reason: 'explicitly denied by: shop/deny-legacy',
      key: 'connection closed due to policy rejection: explicitly denied by: shop/deny-legacy',
    });
    const noneAllowed = classifyAccessError('connection closed due to policy rejection: allow policies exist, but none allowed');
    expect(noneAllowed.reason).toBe('allow policies exist, but none allowed');
    expect(noneAllowed).not.toHaveProperty('policy');
  });

  it('gives the status text for http status errors', () => {
    expect(classifyAccessError('http status: 503 Service Unavailable')).toMatchObject({ errorClass: 'http-status', reason: '503 Service Unavailable' });
  });
});

describe('errorClass', () => {
  it('groups the same error across addresses, ports, ids and durations', () => {
    expect(errorClass('no healthy upstream: 10.43.0.1:443')).toBe(errorClass('no healthy upstream: 10.43.9.7:8443'));
    expect(errorClass('no healthy upstream: [fd00::1]:443')).toBe('no healthy upstream: <addr>');
    expect(errorClass('identity error: workload is unknown: 3336f814-b191-4b56-9742-952fc1f64cc0')).toBe('identity error: workload is unknown: <uid>');
    expect(errorClass('io error: Connection refused (os error 111)')).toBe('io error: Connection refused (os error)');
    expect(errorClass('timed out after 10002ms')).toBe('timed out after <duration>');
  });

  it('keeps the names that tell groups apart', () => {
    expect(errorClass('connection closed due to policy rejection: explicitly denied by: shop/deny-a')).not.toBe(
      errorClass('connection closed due to policy rejection: explicitly denied by: shop/deny-b'),
    );
    expect(errorClass('no service or workload for hostname: cart-v2.shop.svc')).toBe('no service or workload for hostname: cart-v2.shop.svc');
  });

  it('is bounded for huge texts', () => {
    expect(errorClass(`tls error: ${'x'.repeat(100_000)}`).length).toBeLessThanOrEqual(200);
  });
});
