/**
 * readLogEvents: line splitting across chunk boundaries, CRLF, the per-line cap on a 50 MB line
 * (memory stays bounded), continuation lines and their bound, and stream failures.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/errors.js';
import { MAX_CONTINUATION_LINES, MAX_RAW, readLogEvents, type AccessEvent, type LogEvent, type OtherEvent } from '../../src/parse/logs.js';

const T = '\t';
const FILE = 'ztunnel/ztunnel-6hvcw/ztunnel.log';

function line(time: string, level: string, target: string, message: string, fields = ''): string {
  return [time, level, target, message, fields].join(T);
}

const ACCESS = line('2026-11-20T09:00:00.000001Z', 'info', 'access', 'connection complete', 'src.addr=10.1.0.5:5000 dst.addr=10.1.0.6:80 direction="inbound" bytes_sent=10 bytes_recv=20 duration="4ms"');
const XDS = line('2026-11-20T09:00:00.000002Z', 'warn', 'xds::client:xds{id=1}', 'XDS client connection error: boom, retrying in 10ms');

async function collect(stream: Readable, maxLineBytes?: number): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  const options = maxLineBytes === undefined ? { file: FILE } : { file: FILE, maxLineBytes };
  for await (const event of readLogEvents(stream, options)) events.push(event);
  return events;
}

/** Splits text into chunks of `size` bytes, so lines (and UTF-8 characters) straddle chunk borders. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

describe('readLogEvents', () => {
  it('splits lines across chunk borders and numbers them, counting blank lines', async () => {
    const text = `${ACCESS}\n\n${XDS}\nnot a log line at all\n${line('2026-11-20T09:00:01Z', 'info', 'dns::server', 'résumé ✓', 'address=127.0.0.1:15053')}`;
    const events = await collect(chunked(text, 7));
    expect(events.map((e) => [e.kind, e.line])).toEqual([['access', 1], ['event', 3], ['event', 5]]);
    expect((events[0] as AccessEvent).bytesRecv).toBe(20);
    // The garbage line after an event is kept as its continuation, not lost.
    expect((events[1] as OtherEvent).continuation).toBe('not a log line at all');
    expect((events[2] as OtherEvent).message).toBe('résumé ✓');
  });

  it('handles CRLF line endings', async () => {
    const events = await collect(Readable.from([`${ACCESS}\r\n${XDS}\r\n`]));
    expect(events).toHaveLength(2);
    expect((events[0] as AccessEvent).durationMs).toBe(4);
    expect((events[1] as OtherEvent).message).toBe('XDS client connection error: boom, retrying in 10ms');
    expect(events.every((e) => !e.raw.endsWith('\r'))).toBe(true);
  });

  it('reports unparsed lines that follow an access event or start the file', async () => {
    const events = await collect(Readable.from([`garbage first\n${ACCESS}\nmore garbage\n`]));
    expect(events.map((e) => e.kind)).toEqual(['unparsed', 'access', 'unparsed']);
    expect(events[2]).toEqual({ kind: 'unparsed', line: 3, raw: 'more garbage' });
  });

  it('attaches continuation lines only to the same pod when lines carry kubectl prefixes', async () => {
    const text = [
      `[pod/ztunnel-a/istio-proxy] ${line('2026-11-20T09:00:00Z', 'info', 'ztunnel', 'running with config: proxy: true')}`,
      '[pod/ztunnel-a/istio-proxy] dnsProxy: true',
      '[pod/ztunnel-b/istio-proxy]   secs: 300',
    ].join('\n');
    const events = await collect(Readable.from([text]));
    expect(events.map((e) => e.kind)).toEqual(['event', 'unparsed']);
    expect(events[0]).toMatchObject({ pod: 'ztunnel-a', continuation: 'dnsProxy: true' });
    expect(events[1]).toMatchObject({ pod: 'ztunnel-b', line: 3 });
  });

  it('attaches continuation lines carrying the bare `<pod> ` prefix of their event', async () => {
    const text = [
      `ztunnel-mvfd2 ${line('2026-11-20T09:00:00Z', 'info', 'ztunnel', 'running with config: proxy: true')}`,
      'ztunnel-mvfd2 dnsProxy: true',
      'ztunnel-kzg7c windowSize: 4194304',
    ].join('\n');
    const events = await collect(Readable.from([text]));
    expect(events.map((e) => e.kind)).toEqual(['event', 'unparsed']);
    expect(events[0]).toMatchObject({ pod: 'ztunnel-mvfd2', continuation: 'dnsProxy: true' });
  });

  it('bounds continuations: past the bound lines come back as unparsed and the event is marked', async () => {
    const yaml = Array.from({ length: MAX_CONTINUATION_LINES + 5 }, (_, i) => `key${i}: ${i}`);
    const text = [line('2026-11-20T09:00:00Z', 'info', 'ztunnel', 'running with config: proxy: true'), ...yaml, XDS].join('\n');
    const events = await collect(Readable.from([text]));
    const first = events[0] as OtherEvent;
    expect(first.continuation?.split('\n')).toHaveLength(MAX_CONTINUATION_LINES);
    expect(first.continuationTruncated).toBe(true);
    expect(events.filter((e) => e.kind === 'unparsed')).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ kind: 'event', target: 'xds::client', line: MAX_CONTINUATION_LINES + 7 });
  });

  it('streams a 50 MB single line keeping only its start, with bounded memory', async () => {
    const total = 50 * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024, 'x'.charCodeAt(0));
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from(`2026-11-20T09:00:00Z${T}error${T}access${T}connection complete${T}error="`);
      for (let sent = 0; sent < total; sent += piece.length) yield piece;
      yield Buffer.from(`"\n${ACCESS}\n`);
    }
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const events: LogEvent[] = [];
    for await (const event of readLogEvents(Readable.from(source()), { file: FILE, maxLineBytes: 64 * 1024 })) {
      events.push(event);
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(events).toHaveLength(2);
    const huge = events[0] as AccessEvent;
    expect(huge).toMatchObject({ kind: 'access', line: 1, truncated: true, level: 'error' });
    expect(huge.raw).toHaveLength(MAX_RAW);
    expect(huge.error?.length).toBeLessThan(64 * 1024);
    expect(events[1]).toMatchObject({ kind: 'access', line: 2, bytesSent: 10 });
    expect(events[1]).not.toHaveProperty('truncated');
    // Holding the line would cost >= 50 MB (100 MB as a JS string); the reader keeps 64 KiB.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('turns a failing stream into a BundleError naming the file', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ACCESS}\n`);
      throw new Error('EIO: i/o error');
    }
    const events: LogEvent[] = [];
    const run = async () => {
      for await (const event of readLogEvents(Readable.from(failing()), { file: FILE })) events.push(event);
    };
    await expect(run()).rejects.toThrow(BundleError);
    await expect(collect(Readable.from(failing()))).rejects.toThrow(`${FILE}: cannot read log: EIO: i/o error`);
    expect(events.map((e) => e.kind)).toEqual(['access']);
  });

  it('gives the same events however the bytes are chunked', async () => {
    const pool = [ACCESS, XDS, 'dnsProxy: ✓ true', '', '{"level":"info","scope":"access","message":"connection opened","src.addr":"10.0.0.1:1"}', `[pod/ztunnel-a/istio-proxy] ${XDS}`];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pool), { maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 97 }), async (lines, crlf, size) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const whole = await collect(Readable.from([Buffer.from(text)]));
        expect(await collect(chunked(text, size))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('emits a last line that has no newline', async () => {
    const events = await collect(Readable.from([`${ACCESS}\n${XDS}`]));
    expect(events.map((e) => e.line)).toEqual([1, 2]);
  });
});
