/**
 * The log line parser on our own lines, written in ztunnel's real formats (TAB-separated current
 * format, kubectl decorations, JSON), plus hostile input: it never throws and stays linear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RAW, parseLogLine, type AccessEvent, type OtherEvent } from '../../src/parse/logs.js';

const T = '\t';
/** A ztunnel >= 1.31 outbound failure, TAB-separated, with cluster fields and an escaped quote. */
const FAILED_OUTBOUND = [
  '2026-11-20T08:00:01.123456Z',
  'error',
  'access',
  'connection complete',
  'src.addr=10.10.1.4:40110 src.workload="web-6d4f8c7b9-x2x7q" src.namespace="shop" src.identity="spiffe://cluster.local/ns/shop/sa/web" src.cluster="east" ' +
    'dst.addr=10.10.2.9:15008 dst.hbone_addr=10.10.2.9:8080 dst.service="cart.shop.svc.cluster.local" dst.workload="cart-7b8f9d-qq2rt" dst.namespace="shop" ' +
    'dst.identity="spiffe://cluster.local/ns/shop/sa/cart" dst.cluster="east" direction="outbound" bytes_sent=12 bytes_recv=0 duration="3ms" ' +
    'error="http status: 503 Service Unavailable, body \\"upstream \\\\ down\\""',
].join(T);

function event(line: string): OtherEvent {
  const parsed = parseLogLine(line, 7);
  expect(parsed?.kind).toBe('event');
  return parsed as OtherEvent;
}

function accessEvent(line: string): AccessEvent {
  const parsed = parseLogLine(line, 7);
  expect(parsed?.kind).toBe('access');
  return parsed as AccessEvent;
}

describe('parseLogLine: current TAB-separated format', () => {
  it('reads every access field, unescaping quoted values', () => {
    expect(accessEvent(FAILED_OUTBOUND)).toEqual({
      kind: 'access',
      line: 7,
      time: '2026-11-20T08:00:01.123456Z',
      level: 'error',
      message: 'connection complete',
      direction: 'outbound',
      src: { addr: '10.10.1.4:40110', ip: '10.10.1.4', port: 40110, workload: 'web-6d4f8c7b9-x2x7q', namespace: 'shop', identity: 'spiffe://cluster.local/ns/shop/sa/web', cluster: 'east' },
      dst: {
        addr: '10.10.2.9:15008',
        hboneAddr: '10.10.2.9:8080',
        service: 'cart.shop.svc.cluster.local',
        workload: 'cart-7b8f9d-qq2rt',
        namespace: 'shop',
        identity: 'spiffe://cluster.local/ns/shop/sa/cart',
        cluster: 'east',
      },
      bytesSent: 12,
      bytesRecv: 0,
      durationMs: 3,
      error: 'http status: 503 Service Unavailable, body "upstream \\ down"',
      raw: FAILED_OUTBOUND,
    });
  });

  it('accepts unquoted values for any key and bracketed IPv6 addresses', () => {
    const line = ['2026-11-20T08:00:02.000001Z', 'info', 'access', 'connection complete', 'src.addr=[fd00:10::4]:40111 src.workload=web-1 dst.addr=[fd00:10::9]:8080 direction=inbound bytes_sent=1 bytes_recv=2 duration=1.5s'].join(T);
    expect(accessEvent(line)).toMatchObject({
      direction: 'inbound',
      src: { addr: '[fd00:10::4]:40111', ip: 'fd00:10::4', port: 40111, workload: 'web-1' },
      dst: { addr: '[fd00:10::9]:8080' },
      durationMs: 1500,
    });
  });

  it('keeps bare Debug values with spaces inside brackets as one field', () => {
    const line = ['2026-11-20T08:00:03.5Z', 'warn', 'inpod::workloadmanager', 'failed to start proxy', 'error=Bind([::1]:15053, Os { code: 97, kind: Uncategorized }) retries=3'].join(T);
    expect(event(line)).toMatchObject({ target: 'inpod::workloadmanager', message: 'failed to start proxy', fields: { error: 'Bind([::1]:15053, Os { code: 97, kind: Uncategorized })', retries: 3 } });
  });

  it('reads span fields with spaces and several spans', () => {
    const line = ['2026-11-20T08:00:04.000000Z', 'debug', 'proxy::inbound:proxy{wl=shop/cart-1}:inbound{id=ab12 peer="10.0.0.1:5 x"}', 'got request', ''].join(T);
    expect(event(line)).toMatchObject({
      target: 'proxy::inbound',
      spans: [{ name: 'proxy', fields: { wl: 'shop/cart-1' } }, { name: 'inbound', fields: { id: 'ab12', peer: '10.0.0.1:5 x' } }],
      message: 'got request',
      fields: {},
    });
  });

  it('does not turn a message that merely contains `=` into fields when TABs are expanded', () => {
    const e = event('2026-11-20T08:00:05.000000Z  info    ztunnel  comparing a==b and x = y    count=2');
    expect(e.message).toBe('comparing a==b and x = y');
    expect(e.fields).toEqual({ count: 2 });
  });

  it('ignores a trailing CR (CRLF files)', () => {
    const e = event(`2026-11-20T08:00:06.000000Z${T}info${T}ztunnel${T}ready${T}\r`);
    expect(e.message).toBe('ready');
    expect(e.raw.endsWith('\r')).toBe(false);
  });
});

describe('parseLogLine: other layouts', () => {
  it('reads a legacy (<= 1.21) access line as an access event', () => {
    const e = accessEvent('2024-03-01T10:00:00.000001Z  INFO access: connection complete src.addr=10.244.1.5:51234 src.workload=sleep-7656cf8794-8fhdk src.namespace=default dst.addr=10.244.2.7:15008 dst.hbone_addr=10.244.2.7:80 direction="outbound" bytes_sent=78 bytes_recv=145 duration="3ms"');
    expect(e).toMatchObject({ level: 'info', direction: 'outbound', src: { workload: 'sleep-7656cf8794-8fhdk', namespace: 'default', port: 51234 }, dst: { hboneAddr: '10.244.2.7:80' }, bytesRecv: 145, durationMs: 3 });
  });

  it('reads tracing-subscriber’s stock JSON layout (nested fields and spans)', () => {
    const e = event('{"timestamp":"2026-11-20T08:00:00.1Z","level":"WARN","fields":{"message":"XDS client error: boom","retry":3},"target":"ztunnel::xds::client","span":{"id":4,"name":"xds"},"spans":[{"id":4,"name":"xds"}]}');
    expect(e).toEqual({
      kind: 'event',
      line: 7,
      time: '2026-11-20T08:00:00.1Z',
      level: 'warn',
      target: 'xds::client',
      spans: [{ name: 'xds', fields: { id: 4 } }],
      message: 'XDS client error: boom',
      fields: { retry: 3 },
      raw: e.raw,
    });
  });
});

describe('parseLogLine: kubectl decorations', () => {
  const body = ['2026-11-20T08:00:07.000000Z', 'info', 'xds::client:xds{id=2}', 'Stream established', ''].join(T);

  it('strips `[pod/<name>/<container>] ` and keeps the pod name', () => {
    expect(event(`[pod/ztunnel-6hvcw/istio-proxy] ${body}`)).toMatchObject({ pod: 'ztunnel-6hvcw', time: '2026-11-20T08:00:07.000000Z', target: 'xds::client', message: 'Stream established' });
  });

  it('strips a --timestamps timestamp but prefers ztunnel’s own', () => {
    expect(event(`[pod/ztunnel-6hvcw/istio-proxy] 2026-11-20T08:00:07.000123456Z ${body}`)).toMatchObject({ pod: 'ztunnel-6hvcw', time: '2026-11-20T08:00:07.000000Z' });
  });

  it('uses the --timestamps timestamp when the line has none, and for JSON lines without time', () => {
    const e = event(`2026-11-20T08:00:08.000000001Z warn${T}state${T}slow${T}`);
    expect(e).toMatchObject({ time: '2026-11-20T08:00:08.000000001Z', level: 'warn', target: 'state', message: 'slow' });
    const j = event('2026-11-20T08:00:09.5Z {"level":"error","scope":"ztunnel::dns::server","message":"dns lookup failed","hostname":"x.example"}');
    expect(j).toMatchObject({ time: '2026-11-20T08:00:09.5Z', level: 'error', target: 'dns::server', fields: { hostname: 'x.example' } });
  });
});

describe('parseLogLine: lines that are not log entries', () => {
  it('returns undefined for blank lines and unparsed for other text', () => {
    expect(parseLogLine('   \t ', 1)).toBeUndefined();
    expect(parseLogLine('dnsProxy: true', 2)).toEqual({ kind: 'unparsed', line: 2, raw: 'dnsProxy: true' });
    expect(parseLogLine('{"not":"a log"}', 3)?.kind).toBe('unparsed');
    expect(parseLogLine('{"level":"info","message":', 4)?.kind).toBe('unparsed');
    expect(parseLogLine('2026-11-20T08:00:06.000000Zinfo ztunnel x', 5)?.kind).toBe('unparsed');
  });

  it('does not let a field named __proto__ change the fields object', () => {
    const e = event(`2026-11-20T08:00:06Z${T}info${T}x${T}m${T}__proto__=polluted a=1`);
    expect(Object.getPrototypeOf(e.fields)).toBe(Object.prototype);
    expect(e.fields).toEqual({ a: 1 });
    const j = event('{"level":"info","message":"m","__proto__":{"x":1},"b":2}');
    expect(j.fields).toEqual({ b: 2 });
  });

  it('survives unterminated quotes and unbalanced brackets', () => {
    const e = event(`2026-11-20T08:00:06Z${T}info${T}x${T}m${T}a="never closed b=1`);
    expect(e.fields).toEqual({ a: 'never closed b=1' });
    const b = event(`2026-11-20T08:00:06Z${T}info${T}x${T}m${T}a=Foo(( b=2`);
    expect(b.fields.b).toBe(2);
  });

  it('cuts raw evidence to MAX_RAW characters', () => {
    const long = `2026-11-20T08:00:06Z${T}info${T}x${T}${'m'.repeat(10_000)}${T}`;
    const e = event(long);
    expect(e.raw).toHaveLength(MAX_RAW);
    expect(e.message).toHaveLength(10_000);
  });

  it('never throws on arbitrary text and keeps line numbers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat(), (text, n) => {
        const e = parseLogLine(text, n);
        if (e !== undefined) expect(e.line).toBe(n);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on lines built from ztunnel-like pieces', () => {
    const piece = fc.constantFrom('2026-11-20T08:00:06Z', 'info', 'WARN', '\t', ' ', '  ', 'access', 'connection complete', 'a=', '"', '\\"', '{', '}', '(', ')', '[pod/z/c] ', 'src.addr=', '1.2.3.4:5', ':', '::', 'x{id=1}:', 'error=');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const e = parseLogLine(pieces.join(''), 1);
        expect(e === undefined || ['access', 'event', 'unparsed'].includes(e.kind)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('stays linear on hostile 64 KiB lines', () => {
    const hostile = [
      `2026-11-20T08:00:06Z  info  x  ${'a=b= '.repeat(13_000)}`,
      `2026-11-20T08:00:06Z\tinfo\tx\tm\t${'k="\\u{'.repeat(10_000)}`,
      `2026-11-20T08:00:06Z  INFO ${'{'.repeat(30_000)}: ${'('.repeat(30_000)}`,
      `2026-11-20T08:00:06Z  info  x  ${'k= '.repeat(20_000)}`,
      `{"level":"info","message":${'['.repeat(20_000)}`,
      `2026-11-20T08:00:06Z  info  x  m ${'a=( '.repeat(16_000)}`,
      `2026-11-20T08:00:06Z  info  x  m ${'a=b" '.repeat(13_000)}`,
    ];
    for (const line of hostile) {
      const started = performance.now();
      expect(parseLogLine(line, 1)).toBeDefined();
      // Linear work on 64 KiB is a few ms; a quadratic scan takes seconds.
      expect(performance.now() - started, line.slice(0, 60)).toBeLessThan(750);
    }
  });
});
