/**
 * Real upstream data through the whole collect path: istioctl's ztunnel config dump fixture, the
 * real ztunnel log lines and metrics excerpt from /work/shared/upstream are served (in place, from
 * a temporary replay bundle) as one ztunnel's artifacts; what collect writes must equal the input
 * after redaction, byte for byte. Skipped when ../shared is not present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { redactText } from '../../src/redact/index.js';
import { ExitCode } from '../../src/errors.js';
import { clusterFiles } from './fixture.js';
import { type CollectRun, collectFromReplay } from './replay.js';

const upstream = (p: string) => fileURLToPath(new URL(`../../../shared/upstream/${p}`, import.meta.url));
const DUMP = upstream('istio/istioctl/pkg/writer/ztunnel/configdump/testdata/dump.json');
const LOGS = upstream('ztunnel-log-samples.txt');
const METRICS = upstream('ztunnel-metrics-samples.txt');

const runs: CollectRun[] = [];
afterEach(async () => {
  while (runs.length) await runs.pop()!.cleanup();
});

describe.skipIf(![DUMP, LOGS, METRICS].every(existsSync))('collect with upstream ztunnel data (skipped: ../shared not present)', () => {
  it('stores the upstream config dump, log and metrics exactly as served, after redaction', async () => {
    const dump = readFileSync(DUMP, 'utf8');
    const log = readFileSync(LOGS, 'utf8');
    const metrics = readFileSync(METRICS, 'utf8');
    const files = {
      ...clusterFiles(),
      'ztunnel/ztunnel-aaaaa/config_dump.json': dump,
      'ztunnel/ztunnel-aaaaa/ztunnel.log': log,
      'ztunnel/ztunnel-aaaaa/metrics.prom': metrics,
    };
    const r = await collectFromReplay({ files });
    runs.push(r);
    expect(r.code).toBe(ExitCode.ok);
    const { bundle, manifest } = await r.open();
    const collectedDump = await bundle.readText('ztunnel/ztunnel-aaaaa/config_dump.json');
    expect(collectedDump).toBe(redactText(dump).text);
    expect(JSON.parse(collectedDump)).toEqual(JSON.parse(redactText(dump).text));
    expect(Object.keys(JSON.parse(collectedDump) as object)).toEqual(Object.keys(JSON.parse(dump) as object));
    expect(await bundle.readText('ztunnel/ztunnel-aaaaa/metrics.prom')).toBe(redactText(metrics).text);
    // The log is streamed line by line through the redaction transform; it must match whole-text redaction.
    expect(await bundle.readText('ztunnel/ztunnel-aaaaa/ztunnel.log')).toBe(redactText(log).text);
    const logRecord = manifest.artifacts.find((a) => a.path === 'ztunnel/ztunnel-aaaaa/ztunnel.log');
    expect(logRecord?.bytes).toBe(Buffer.byteLength(redactText(log).text));
  });
});
