/**
 * Shared bits of the inspect tests: runInspect with captured stdout/stderr, and where the real
 * istioctl testdata lives (read in place from ../shared, never copied).
 */
import { existsSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runInspect, type InspectOptions } from '../../src/commands/inspect.js';

export const TESTDATA = fileURLToPath(new URL('../../../shared/upstream/istio/istioctl/pkg/writer/ztunnel/configdump/testdata/', import.meta.url));
export const UPSTREAM_DUMP = `${TESTDATA}dump.json`;
export const upstreamPresent = existsSync(UPSTREAM_DUMP);
export const readGolden = (name: string): string => readFileSync(`${TESTDATA}${name}`, 'utf8');

export const HEALTHY = fileURLToPath(new URL('../../fixtures/healthy', import.meta.url));
export const BROKEN = fileURLToPath(new URL('../../fixtures/broken', import.meta.url));

/** A time inside the golden's Leaf validity (2023-03-21..2033-03-22) and after its backdated Root. */
export const GOLDEN_TIME = '2026-11-25T09:30:00Z';

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

export async function inspect(opts: Omit<InspectOptions, 'stdout' | 'stderr' | 'output'> & { output?: InspectOptions['output'] }): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await runInspect({ output: 'table', ...opts, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
