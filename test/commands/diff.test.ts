/**
 * `runDiff` as the CLI calls it: both demo bundles analyzed, the three formats written to a
 * directory, JSON to stdout with the summary on stderr, suppressions applied to both sides,
 * and the exit code set by NEW findings at or above --fail-on only.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { TarArchive } from 'archiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDiff, type DiffOptions } from '../../src/commands/diff.js';
import { validateDiff } from '../../src/diff/schema.js';
import type { DiffReport } from '../../src/diff/types.js';
import { ToolError } from '../../src/errors.js';
import { ROOT } from '../support/cli.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-diff-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const HEALTHY = join(ROOT, 'fixtures/healthy');
const BROKEN = join(ROOT, 'fixtures/broken');

function options(extra: Partial<DiffOptions>): DiffOptions & { stdout: Capture; stderr: Capture } {
  return { before: HEALTHY, after: BROKEN, formats: [], ruleDirs: [], builtinRules: true, failOn: 'error', color: false, ...extra, stdout: new Capture(), stderr: new Capture() };
}

describe('runDiff', () => {
  it('healthy -> broken writes diff.html, diff.md and diff.json and exits 1 on new errors', async () => {
    const out = join(work, 'out');
    const opts = options({ formats: ['html', 'md', 'json'], output: out });
    expect(await runDiff(opts)).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['diff.html', 'diff.json', 'diff.md']);
    const diff = JSON.parse(await readFile(join(out, 'diff.json'), 'utf8')) as DiffReport;
    expect(validateDiff(diff)).toEqual([]);
    expect(diff.summary.new).toBeGreaterThan(0);
    expect(diff.summary.resolved + diff.summary.unchanged).toBe(0);
    expect(opts.stdout.text).toContain(`Findings: ${diff.summary.new} new, 0 resolved, 0 unchanged`);
    expect(opts.stdout.text).toContain(join(out, 'diff.html'));
    expect(await readFile(join(out, 'diff.md'), 'utf8')).toContain(`## New (${diff.summary.new})`);
  });

  it('exits 0 when nothing new reaches --fail-on: the reverse diff, or --fail-on none', async () => {
    expect(await runDiff(options({ before: BROKEN, after: HEALTHY }))).toBe(0);
    expect(await runDiff(options({ failOn: 'none' }))).toBe(0);
  });

  it('writes one format to stdout and then puts the summary on stderr', async () => {
    const opts = options({ before: BROKEN, after: BROKEN, formats: ['json'] });
    expect(await runDiff(opts)).toBe(0);
    const diff = JSON.parse(opts.stdout.text) as DiffReport;
    expect(diff.summary.new + diff.summary.resolved).toBe(0);
    expect(diff.summary.unchanged).toBeGreaterThan(0);
    expect(opts.stderr.text).toContain('Findings: 0 new, 0 resolved');
  });

  it('compares a directory with a .tar.gz of the same bundle as all unchanged (identity ignores where it came from)', async () => {
    const archive = join(work, 'broken.tar.gz');
    const tar = new TarArchive({ gzip: true });
    const done = new Promise<void>((resolve, reject) => {
      const stream = createWriteStream(archive);
      stream.on('close', () => resolve());
      tar.on('error', reject);
      tar.pipe(stream);
    });
    tar.directory(BROKEN, 'ztunnel-bundle-2026-11-25T09-30-00Z');
    await tar.finalize();
    await done;
    const opts = options({ before: BROKEN, after: archive, formats: ['json'] });
    expect(await runDiff(opts)).toBe(0);
    const diff = JSON.parse(opts.stdout.text) as DiffReport;
    expect(diff.after.source).toBe(archive);
    expect(diff.summary).toMatchObject({ new: 0, resolved: 0, messageChanged: 0 });
    expect(diff.summary.unchanged).toBe(diff.before.summary.critical + diff.before.summary.error + diff.before.summary.warning + diff.before.summary.info);
  });

  it('applies suppressions to both bundles, so accepted findings are neither new nor a failure', async () => {
    const first = options({ formats: ['json'] });
    await runDiff(first);
    const diff = JSON.parse(first.stdout.text) as DiffReport;
    const failing = [...new Set(diff.new.filter((f) => f.severity === 'critical' || f.severity === 'error').map((f) => f.ruleId))];
    const file = join(work, 'accepted.yaml');
    await writeFile(file, failing.map((rule) => `- rule: ${rule}\n  reason: accepted during the migration\n`).join(''));
    const second = options({ formats: ['json'], suppressionsFile: file });
    expect(await runDiff(second)).toBe(0);
    const suppressed = JSON.parse(second.stdout.text) as DiffReport;
    expect(suppressed.summary.newBySeverity.critical + suppressed.summary.newBySeverity.error).toBe(0);
    expect(suppressed.after.summary.suppressed).toBe(diff.summary.newBySeverity.critical + diff.summary.newBySeverity.error);
  });

  it('fails with one line naming the bundle when a bundle does not exist, and on a bad --suppress', async () => {
    await expect(runDiff(options({ after: join(work, 'nope') }))).rejects.toThrow(ToolError);
    await expect(runDiff(options({ after: join(work, 'nope') }))).rejects.toThrow(/nope/);
    await expect(runDiff(options({ suppress: ['Bad Id'] }))).rejects.toThrow(/^--suppress Bad Id:/);
  });
});
