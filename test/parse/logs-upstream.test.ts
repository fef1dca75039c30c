/**
 * Every real ztunnel log line in ../shared/upstream/ztunnel-log-samples.txt (read in place, never
 * copied) must parse into the right kind and fields. Skipped when ../shared is not present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { classifyAccessError, parseLogLine, readLogEvents, type AccessEvent, type LogEvent, type OtherEvent } from '../../src/parse/logs.js';

const samplesPath = fileURLToPath(new URL('../../../shared/upstream/ztunnel-log-samples.txt', import.meta.url));

interface Sample {
  lineNo: number;
  text: string;
  event: LogEvent;
}

function loadSamples(): Sample[] {
  const lines = readFileSync(samplesPath, 'utf8').split('\n');
  const samples: Sample[] = [];
  lines.forEach((text, index) => {
    if (text.trim() === '' || text.startsWith('#')) return;
    const event = parseLogLine(text, index + 1);
    if (event) samples.push({ lineNo: index + 1, text, event });
  });
  return samples;
}

function only(samples: Sample[], needle: string): Sample {
  const found = samples.filter((s) => s.text.includes(needle));
  expect(found, `exactly one sample containing ${needle}`).toHaveLength(1);
  return found[0] as Sample;
}

function access(sample: Sample): AccessEvent {
  expect(sample.event.kind).toBe('access');
  return sample.event as AccessEvent;
}

function other(sample: Sample): OtherEvent {
  expect(sample.event.kind).toBe('event');
  return sample.event as OtherEvent;
}

describe.skipIf(!existsSync(samplesPath))('real ztunnel log samples (skipped: ../shared not present)', () => {
  const samples = existsSync(samplesPath) ? loadSamples() : [];

  it('parses every sample line; the only unparsed ones are YAML continuation lines and bare error= fragments', () => {
    const text = readFileSync(samplesPath, 'utf8').split('\n');
    const configLine = text.findIndex((l) => l.includes('running with config:'));
    const yamlEnd = text.findIndex((l, i) => i > configLine && l.trim() === '');
    const unparsed = samples.filter((s) => s.event.kind === 'unparsed');
    for (const s of unparsed) {
      const isYamlContinuation = s.lineNo - 1 > configLine && s.lineNo - 1 < yamlEnd;
      // PR 1316 quotes `error="..."` values alone, not whole log lines.
      const isErrorFragment = s.text.startsWith('error="');
      expect(isYamlContinuation || isErrorFragment, `line ${s.lineNo} unparsed: ${s.text}`).toBe(true);
    }
    expect(unparsed.filter((s) => s.text.startsWith('error="'))).toHaveLength(2);
    expect(samples.length - unparsed.length).toBeGreaterThanOrEqual(50);
  });

  it('reads the istio.io doc access lines (TABs expanded to spaces, quoted hbone_addr)', () => {
    const inbound = access(only(samples, 'src.addr=10.244.1.12:60059'));
    expect(inbound).toMatchObject({
      time: '2024-05-04T09:59:05.028709Z',
      level: 'info',
      message: 'connection complete',
      direction: 'inbound',
      src: { addr: '10.244.1.12:60059', ip: '10.244.1.12', port: 60059, workload: 'curl-7656cf8794-r7zb9', namespace: 'default', identity: 'spiffe://cluster.local/ns/default/sa/curl' },
      dst: {
        addr: '10.244.1.10:9080',
        hboneAddr: '10.244.1.10:9080',
        service: 'productpage.default.svc.cluster.local',
        workload: 'productpage-v1-87d54dd59-fn6vw',
        namespace: 'productpage',
        identity: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage',
      },
      bytesSent: 175,
      bytesRecv: 80,
      durationMs: 1,
    });
    expect(inbound).not.toHaveProperty('error');
    const outbound = access(only(samples, 'src.addr=10.244.1.12:35552'));
    expect(outbound).toMatchObject({ direction: 'outbound', dst: { addr: '10.244.1.8:15008', hboneAddr: '10.244.1.8:9080', workload: 'reviews-v2-6f9b55c5db-c2dtw' }, bytesSent: 84, bytesRecv: 169, durationMs: 2 });
  });

  it('reads the NetworkPolicy 15008 timeout with its 10 s duration and classifies it', () => {
    const event = access(only(samples, 'maybe a NetworkPolicy'));
    expect(event).toMatchObject({
      level: 'error',
      direction: 'outbound',
      src: { workload: 'shell-56bd5dbdbf-gz6cq', namespace: 'default' },
      dst: { addr: '10.244.0.10:15008', hboneAddr: '10.244.0.10:80', service: 'echo.default.svc.cluster.local', workload: 'echo-66d88ff694-pnk6h' },
      bytesSent: 0,
      bytesRecv: 0,
      durationMs: 10002,
      error: 'connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed',
    });
    expect(classifyAccessError(event.error as string).errorClass).toBe('networkpolicy-timeout');
  });

  it('reads policy rejections with and without a reason (no timestamp in the PR sample)', () => {
    const old = access(only(samples, 'backend-translation-78f6c4d95-g4zkp'));
    expect(old.error).toBe('connection closed due to policy rejection');
    expect(classifyAccessError(old.error as string)).toMatchObject({ errorClass: 'policy-denied' });
    expect(classifyAccessError(old.error as string)).not.toHaveProperty('reason');

    const withReason = access(only(samples, 'reviews-v1-6584ddcf65-k78wz'));
    expect(withReason).not.toHaveProperty('time');
    expect(withReason).toMatchObject({ level: 'error', direction: 'inbound', dst: { workload: 'productpage-v1-d5789fdfb-c5w2c' } });
    expect(classifyAccessError(withReason.error as string)).toMatchObject({ errorClass: 'policy-denied', reason: 'allow policies exist, but none allowed' });
  });

  it('reads early-deny `connection failed` lines with no workload fields', () => {
    const event = access(only(samples, 'src.addr=192.168.158.154:40174'));
    expect(event).toEqual({
      kind: 'access',
      line: event.line,
      time: '2024-09-26T08:18:58.905945Z',
      level: 'warn',
      message: 'connection failed',
      direction: 'outbound',
      src: { addr: '192.168.158.154:40174', ip: '192.168.158.154', port: 40174 },
      dst: { addr: '10.43.0.1:443' },
      error: 'no healthy upstream: 10.43.0.1:443',
      raw: event.raw,
    });
    expect(classifyAccessError(event.error as string).errorClass).toBe('no-healthy-upstream');
    const local = access(only(samples, 'src.addr=10.68.7.10:57524'));
    expect(classifyAccessError(local.error as string).errorClass).toBe('workload-not-found');
  });

  it('reads TAB-separated lines, including a message with no fields but a trailing TAB', () => {
    const waiting = samples.filter((s) => s.text.includes('timed out waiting for workload'));
    expect(waiting).toHaveLength(2);
    expect(other(waiting[0] as Sample)).toMatchObject({
      level: 'warn',
      target: 'state',
      message: "timed out waiting for workload 'default.istio-synthetic-tests (fortio-ztunnel-server-7c957c9776-zj8c8)' from xds",
      fields: {},
    });
    const opened = access(only(samples, 'src.addr=10.4.23.127:46473'));
    expect(opened).toMatchObject({ level: 'debug', message: 'connection opened', direction: 'inbound', dst: { workload: 'configuration-api-7dd4dddc8f-g9zsf', namespace: 'igen-app' } });
    expect(opened.src).toEqual({ addr: '10.4.23.127:46473', ip: '10.4.23.127', port: 46473 });
    expect(access(only(samples, 'src.addr=10.4.22.41:26222')).durationMs).toBe(17440);
  });

  it('reads xds client errors with their span', () => {
    const event = other(only(samples, 'istiodx.istio-system.svc'));
    expect(event).toMatchObject({ level: 'warn', target: 'xds::client', spans: [{ name: 'xds', fields: { id: 10 } }] });
    expect(event.message).toMatch(/^XDS client connection error: gRPC connection error connecting to https:\/\/istiodx\.istio-system\.svc:15012: .*retrying in 10\.24s$/);
    const h2 = other(only(samples, 'Error in HBONE connection handshake'));
    expect(h2).toMatchObject({
      level: 'error',
      target: 'proxy::h2::client',
      spans: [{ name: 'proxy', fields: { wl: 'perf/tmp-shell' } }, { name: 'outbound', fields: { id: '7ed3da269339995f3b3b2c63ba1912c7' } }],
    });
  });

  it('reads kubectl --prefix pod names and inpod lifecycle fields', () => {
    const received = other(only(samples, 'pod received, starting proxy'));
    expect(received).toMatchObject({
      pod: 'ztunnel-mvfd2',
      time: '2024-08-10T15:27:16.336616Z',
      target: 'inpod::statemanager',
      message: 'pod received, starting proxy',
      fields: { uid: '3336f814-b191-4b56-9742-952fc1f64cc0', name: 'gitea-redis-cluster-1', namespace: 'gitea' },
    });
    const listener = other(only(samples, 'ztunnel-kzg7c'));
    expect(listener.fields).toEqual({ address: ':15008', component: 'inbound', transparent: true });
    const cni = other(only(samples, 'cmdAdd failed'));
    expect(cni).toMatchObject({ pod: 'istio-cni-node-tf8bz', level: 'error', target: 'cni-plugin', fields: { pod: '<appname>/dev-57bc46cc5-gspr9' } });
    expect(cni.message).toMatch(/no ztunnel connection$/);
  });

  it('reads legacy (<= 1.21) lines: uppercase level, span, ztunnel:: target, fields', () => {
    const xds = other(only(samples, 'Connection timed out (os error 110)'));
    expect(xds).toMatchObject({ time: '2023-12-14T19:31:01.050492Z', level: 'warn', target: 'xds::client', spans: [{ name: 'xds', fields: { id: 14 } }] });
    expect(xds.message).toMatch(/^XDS client connection error: .*retrying in 320ms$/);
    const readiness = other(only(samples, 'Readiness blocker complete'));
    expect(readiness).toMatchObject({ level: 'info', target: 'admin', message: 'Readiness blocker complete, still awaiting 2 tasks', fields: { task: 'workload manager', dur: '968.62µs' } });
    const version = other(only(samples, '1.18.0-beta.0'));
    expect(version).toMatchObject({ target: 'ztunnel', fields: {} });
    expect(version.message).toMatch(/^version: version\.BuildInfo\{/);
  });

  it('reads JSON lines: dotted fields, numbers as numbers, spans as nested objects', () => {
    const deny = other(only(samples, 'deny-http-server-protect'));
    expect(deny).toMatchObject({
      time: '2026-08-03T15:39:07.536444Z',
      level: 'info',
      target: 'state',
      message: 'deny policy match',
      fields: { policy: 'default/deny-http-server-protect' },
      spans: [
        { name: 'proxy', fields: { wl: 'default/http-server-6cbcc86f5d-lhq82' } },
        { name: 'inbound', fields: { id: '86c37af8d376fcc847c48d4730137d42', peer: '10.244.0.5:49084' } },
      ],
    });
    const json = access(only(samples, '"src.addr":"10.244.0.6:57866"'));
    expect(json).toMatchObject({ direction: 'outbound', bytesSent: 16, bytesRecv: 16, durationMs: 1006, dst: { hboneAddr: '10.244.0.7:18080', identity: 'spiffe://cluster.local/ns/default/sa/http-server-sa' } });
  });

  it('streams the multi-line `running with config:` entry as one event with its YAML attached', async () => {
    const text = readFileSync(samplesPath, 'utf8').split('\n');
    const start = text.findIndex((l) => l.includes('version: version.BuildInfo{Version:"7537'));
    const end = text.findIndex((l, i) => i > start && l.trim() === '');
    const group = text.slice(start, end);
    const events: LogEvent[] = [];
    for await (const e of readLogEvents(Readable.from([group.join('\n') + '\n']), { file: 'ztunnel/ztunnel-x/ztunnel.log' })) events.push(e);
    expect(events.map((e) => e.kind)).toEqual(['event', 'event', 'event']);
    const config = events[2] as OtherEvent;
    expect(config.message).toBe('running with config: proxy: true');
    expect(config.continuation?.split('\n')).toEqual(group.slice(3));
    expect(config.continuation).toMatch(/^dnsProxy: true\n/);
    expect(config.continuation).toMatch(/\n- 15053$/);
  });
});
