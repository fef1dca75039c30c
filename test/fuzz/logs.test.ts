/**
 * Mutation fuzzing of the log parsers: parseLogLine on mutated lines of our fixtures' ztunnel,
 * istiod and istio-cni logs, and readLogEvents on whole mutated logs cut into random chunks (so
 * multi-byte characters and CRLF straddle chunk boundaries) with small and default line caps.
 * parseLogLine never throws; readLogEvents throws only BundleError; both finish within the budget,
 * and every event keeps its line number inside the input and its raw excerpt bounded.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLogLine } from '../../src/parse/logs-line.js';
import { readLogEvents } from '../../src/parse/logs-stream.js';
import { MAX_RAW } from '../../src/parse/logs-types.js';
import { expectOnlyBundleError, expectOnlyBundleErrorAsync, mutatedBytes, printCounts, seeds, FUZZ_TEST_TIMEOUT_MS } from './mutate.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

afterAll(() => printCounts('fuzz: log parsers'));

const logs = seeds(/\.log$/);
const lines = logs.flatMap((log) => log.toString('utf8').split('\n').filter((l) => l !== '')).map((l) => Buffer.from(l, 'utf8'));

/** A buffer cut at the given fractions into a stream of chunks. */
function chunked(bytes: Buffer, cuts: number[]): Readable {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  chunks.push(bytes.subarray(from));
  return Readable.from(chunks.filter((c) => c.length > 0));
}

/** Whole-file raw excerpt limit plus room for the marker the parser appends. */
const RAW_LIMIT = MAX_RAW + 16;

describe('parseLogLine on mutated real log lines', () => {
  it('never throws, fast, and keeps its line number and a bounded excerpt', () => {
    fc.assert(
      fc.property(mutatedBytes(lines), fc.nat({ max: 1_000_000 }), (bytes, lineNo) => {
        const event = expectOnlyBundleError('parseLogLine', () => parseLogLine(bytes.toString('utf8'), lineNo + 1));
        if (event === undefined) return;
        expect(event.line).toBe(lineNo + 1);
        if ('raw' in event && typeof event.raw === 'string') expect(event.raw.length).toBeLessThanOrEqual(RAW_LIMIT);
      }),
      { numRuns: RUNS * 4 },
    );
  }, FUZZ_TEST_TIMEOUT_MS);
});

describe('readLogEvents on mutated whole logs in random chunks', () => {
  it('throws only BundleError, fast, with line numbers inside the input', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBytes(logs), fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom(undefined, 256, 1024), async (bytes, cuts, maxLineBytes) => {
        const newlines = bytes.reduce((n, b) => (b === 0x0a ? n + 1 : n), 0);
        const events = await expectOnlyBundleErrorAsync('readLogEvents', async () => {
          const out = [];
          const options = { file: 'ztunnel/ztunnel-fuzz/ztunnel.log', ...(maxLineBytes === undefined ? {} : { maxLineBytes }) };
          for await (const event of readLogEvents(chunked(bytes, cuts), options)) out.push(event);
          return out;
        });
        for (const event of events ?? []) {
          expect(event.line).toBeGreaterThanOrEqual(1);
          expect(event.line).toBeLessThanOrEqual(newlines + 1);
        }
      }),
      { numRuns: RUNS },
    );
  }, FUZZ_TEST_TIMEOUT_MS);

  it('a stream that fails mid-log becomes a BundleError naming the file', async () => {
    const failing = new Readable({
      read() {
        this.push(logs[0]!.subarray(0, 200));
        this.destroy(new Error('EIO: simulated read failure'));
      },
    });
    const run = async () => {
      for await (const event of readLogEvents(failing, { file: 'ztunnel/ztunnel-fuzz/ztunnel.log' })) void event;
    };
    await expect(run()).rejects.toThrow(/^ztunnel\/ztunnel-fuzz\/ztunnel\.log: cannot read log: .*EIO/);
  });
});
