/**
 * ready.txt as collect writes it (status line, then ztunnel's readiness body), and damaged files.
 */
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { parseReady } from '../../src/parse/ready.js';

const FILE = 'ztunnel/ztunnel-6hvcw/ready.txt';

describe('parseReady', () => {
  it.each([
    ['200\nready\n', { status: 200, ready: true, pending: [], body: 'ready' }],
    ['500\nnot ready, pending: state manager, proxy\n', { status: 500, ready: false, pending: ['state manager', 'proxy'], body: 'not ready, pending: state manager, proxy' }],
    ['500\nnot ready, pending: proxy listeners\n', { status: 500, ready: false, pending: ['proxy listeners'], body: 'not ready, pending: proxy listeners' }],
    ['HTTP/1.1 200 OK\r\nready\r\n', { status: 200, ready: true, pending: [], body: 'ready' }],
    ['503', { status: 503, ready: false, pending: [], body: '' }],
  ])('reads %j', (text, expected) => {
    expect(parseReady(text, FILE)).toEqual(expected);
  });

  it('is not ready on a 200 whose body is not "ready"', () => {
    expect(parseReady('200\n<html>proxy error</html>', FILE).ready).toBe(false);
  });

  it.each(['', 'ready\n', 'connection refused'])('refuses %j without a status line', (text) => {
    expect(() => parseReady(text, FILE)).toThrow(BundleError);
    expect(() => parseReady(text, FILE)).toThrow(/^ztunnel\/ztunnel-6hvcw\/ready\.txt: first line should be the HTTP status/);
  });
});
