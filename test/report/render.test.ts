/**
 * writeReports: where each format goes (stdout, a directory, a file), the usage errors for
 * combinations that make no sense, atomic writes (no temporary files left, old reports replaced
 * whole) and that nothing is written outside the output path.
 */
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { writeReports } from '../../src/report/render.js';
import { validateReport } from '../../src/report/schema.js';
import { realisticReport } from './reports.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztb-render-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  const report = realisticReport();

  it('writes one format to stdout when no output is given, and with --output -', async () => {
    for (const output of [undefined, '-']) {
      const stdout = new Capture();
      expect(await writeReports(report, { formats: ['json'], output, stdout })).toEqual(['-']);
      expect(validateReport(JSON.parse(stdout.text))).toEqual([]);
    }
  });

  it('refuses several formats on stdout', async () => {
    await expect(writeReports(report, { formats: ['html', 'json'], stdout: new Capture() })).rejects.toThrow(UsageError);
    await expect(writeReports(report, { formats: ['html', 'json'], output: '-', stdout: new Capture() })).rejects.toThrow(/several formats need --output DIR/);
  });

  it('writes report.* into a directory, creating it, and leaves no temporary files', async () => {
    const out = join(dir, 'out', 'nested');
    const written = await writeReports(report, { formats: ['html', 'md', 'json'], output: out });
    expect(written).toEqual([join(out, 'report.html'), join(out, 'report.md'), join(out, 'report.json')]);
    expect((await readdir(out)).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/^# ztunnel-bundle report/);
  });

  it('treats an existing directory with a dot in its name as a directory', async () => {
    const out = join(dir, 'reports.v1');
    await mkdir(out);
    expect(await writeReports(report, { formats: ['md'], output: out })).toEqual([join(out, 'report.md')]);
  });

  it('writes a single format to a file whose extension matches', async () => {
    const file = join(dir, 'sub', 'findings.json');
    expect(await writeReports(report, { formats: ['json'], output: file })).toEqual([file]);
    expect(validateReport(JSON.parse(await readFile(file, 'utf8')))).toEqual([]);
    expect(await readdir(join(dir, 'sub'))).toEqual(['findings.json']);
  });

  it('refuses a file output with a wrong extension or several formats', async () => {
    await expect(writeReports(report, { formats: ['html'], output: join(dir, 'r.json') })).rejects.toThrow(/extension \.json does not match --format html/);
    await expect(writeReports(report, { formats: ['html', 'md'], output: join(dir, 'r.html') })).rejects.toThrow(/a file takes one format/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces an old report whole, and replaces a planted symlink instead of writing through it', async () => {
    const out = join(dir, 'out');
    await mkdir(out);
    const outside = join(dir, 'outside.txt');
    await writeFile(outside, 'keep me');
    await symlink(outside, join(out, 'report.md'));
    await writeFile(join(out, 'report.json'), 'x'.repeat(1_000_000));
    await writeReports(report, { formats: ['md', 'json'], output: out });
    expect(await readFile(outside, 'utf8')).toBe('keep me');
    expect(await readFile(join(out, 'report.md'), 'utf8')).toMatch(/^# ztunnel-bundle report/);
    expect(validateReport(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')))).toEqual([]);
    expect((await readdir(out)).sort()).toEqual(['report.json', 'report.md']);
  });

  it('fails with a one-line usage error, and no leftovers, when the directory cannot be written', async () => {
    const blocker = join(dir, 'file-not-dir');
    await writeFile(blocker, '');
    await expect(writeReports(report, { formats: ['md'], output: join(blocker, 'out') })).rejects.toThrow(/^--output .*file-not-dir\/out: cannot create the directory \(ENOTDIR\)$/);
    expect(await readdir(dir)).toEqual(['file-not-dir']);
  });

  it('removes its temporary file when the final rename fails', async () => {
    const out = join(dir, 'out');
    await mkdir(join(out, 'report.md'), { recursive: true }); // a directory where the report should go
    await expect(writeReports(report, { formats: ['md'], output: out })).rejects.toThrow(/report\.md: cannot write the report \(EISDIR\)/);
    expect(await readdir(out)).toEqual(['report.md']);
  });
});
