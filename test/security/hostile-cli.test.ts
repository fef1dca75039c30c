/**
 * Hostile bundles through the real CLI (`node bin/ztunnel-bundle.js analyze ... --format json`),
 * the way a user meets them: archives that try to escape (traversal, absolute and Windows paths,
 * links, devices; only a hard link to an earlier file of the same archive is accepted), bombs,
 * huge entry counts, truncation, overlapping zip records, and readable
 * bundles holding bad files (invalid JSON or UTF-8, a 50 MB line, 100k-deep nesting, duplicate
 * keys, links and FIFOs in a directory). Every input is generated here, in a temp dir.
 *
 * The documented outcomes: an unreadable archive exits 2 with one line on stderr naming the file
 * and the problem, and writes no report; a bad file inside a readable bundle gives a partial
 * analysis (exit 0/1) with an `artifact-unreadable` finding naming it. Always: nothing written
 * outside the output directory, no extraction directory left behind, each run under 30 s and
 * 1 GiB of peak RSS. Small caps for the bomb cases come from the ZTUNNEL_BUNDLE_LIMITS test hook.
 * The case -> outcome table is printed at the end.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TarArchive } from 'archiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateReport } from '../../src/report/schema.js';
import type { Report } from '../../src/report/types.js';
import { writeTar, zeros, zipBytes, type TarEntrySpec } from '../bundle/helpers.js';
import { ROOT } from '../support/cli.js';
import { overlappingZip, runMeasured, snapshotTree, treeChanges } from './support.js';

const TOP = 'ztunnel-bundle-2026-11-25T09-30-00Z';
const FIXTURE = join(ROOT, 'fixtures/broken');
const MB = 1024 * 1024;
const GiB = 1024 ** 3;
const TIME_BUDGET_MS = 30_000;
const SMALL_CAPS = JSON.stringify({ maxFileBytes: 10 * MB, maxTotalBytes: 12 * MB });
/** Marker text of files outside the bundle that links point at: it must never reach a report. */
const SECRET = `outside-secret-${randomBytes(6).toString('hex')}`;

/** Where one case runs: its bundle, the output dir, the child's TMPDIR, and a file outside the bundle. */
interface CaseDirs {
  dir: string;
  out: string;
  tmp: string;
  outside: string;
  /** An absolute path in the system temp dir that an escaping entry aims at; must never appear. */
  escape: string;
}

type Outcome =
  /** Exit 2, one stderr line "ztunnel-bundle: <bundle>: ..." matching `problem`, no report. */
  | { refused: RegExp }
  /** Exit 0/1 with an artifact-unreadable finding for `file` whose message matches `problem`. */
  | { unreadable: { file: string; problem: RegExp } }
  /** Exit 0/1, nothing unreadable; `check` asserts what the analysis made of the input. */
  | { accepted: (report: Report) => void };

interface HostileCase {
  name: string;
  /** Writes the hostile input and returns the bundle path to analyze. */
  build: (d: CaseDirs) => Promise<string>;
  outcome: Outcome;
  env?: NodeJS.ProcessEnv;
}

let work: string;
let baseline: Report;
const table: { name: string; exit: number | null; message: string; seconds: string; rssMB: string }[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'zb-sec-cli-'));
  const out = join(work, 'baseline-out');
  const run = await runMeasured(['analyze', FIXTURE, '--format', 'json', '--output', out], { rssFile: join(work, 'baseline.rss') });
  expect(run.code, run.stderr).toBe(1);
  baseline = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  if (table.length === 0) return;
  const rows = table.map((r) => `| ${r.name} | ${r.exit} | ${r.message.replace(/\|/g, '\\|')} | ${r.seconds} | ${r.rssMB} |`);
  console.log(['| case | exit | outcome | s | peak RSS MB |', '|---|---|---|---|---|', ...rows].join('\n'));
});

// ---- building inputs -------------------------------------------------------------------------

/** The broken fixture copied into the case dir, to be damaged in one place. */
async function fixtureCopy(d: CaseDirs): Promise<string> {
  const bundle = join(d.dir, 'bundle');
  await cp(FIXTURE, bundle, { recursive: true });
  return bundle;
}

async function fixtureTgz(path: string): Promise<void> {
  const archive = new TarArchive({ gzip: true });
  const done = pipeline(archive, createWriteStream(path));
  archive.directory(FIXTURE, TOP);
  await archive.finalize();
  await done;
}

const manifestEntry = async (): Promise<TarEntrySpec> => ({ name: `${TOP}/manifest.json`, content: await readFile(join(FIXTURE, 'manifest.json')) });

/** The fixture's files as tar entries, each file identical to an earlier one as a hard link to it. */
async function linkedFixtureEntries(): Promise<TarEntrySpec[]> {
  const firstBySha = new Map<string, string>();
  const entries: TarEntrySpec[] = [];
  let links = 0;
  for (const f of await readdirFiles(FIXTURE)) {
    const content = await readFile(join(FIXTURE, f));
    const sha = createHash('sha256').update(content).digest('hex');
    const first = firstBySha.get(sha);
    if (first !== undefined && content.length > 0) {
      entries.push({ name: `${TOP}/${f}`, type: 'link', linkname: first });
      links++;
    } else {
      firstBySha.set(sha, `${TOP}/${f}`);
      entries.push({ name: `${TOP}/${f}`, content });
    }
  }
  // The broken fixture's four istiod dumps are identical: three of them are links.
  expect(links).toBeGreaterThanOrEqual(3);
  return entries;
}

/** A .tar.gz whose first entries are a normal bundle start, then the hostile ones. */
function tgz(entries: (d: CaseDirs) => TarEntrySpec[]) {
  return async (d: CaseDirs): Promise<string> => {
    const path = join(d.dir, 'bundle.tar.gz');
    await writeTar(path, [{ name: `${TOP}/`, type: 'directory' }, await manifestEntry(), ...entries(d)], { gzip: true });
    return path;
  };
}

function tinyEntries(count: number): TarEntrySpec[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${TOP}/extra/${String(i).padStart(6, '0')}`, content: 'x' }));
}

/** A config_dump, log or list with one edit: the real file's text in, the damaged bytes out. */
function editFile(path: string, edit: (original: Buffer) => Buffer | string) {
  return async (d: CaseDirs): Promise<string> => {
    const bundle = await fixtureCopy(d);
    const file = join(bundle, ...path.split('/'));
    await writeFile(file, edit(await readFile(file)));
    return bundle;
  };
}

const LOG = 'ztunnel/ztunnel-zfjjh/ztunnel.log';
const DUMP = 'ztunnel/ztunnel-zfjjh/config_dump.json';
const PODS = 'cluster/pods.json';

function unreadableOf(report: Report, file: string) {
  return report.findings.filter((f) => f.ruleId === 'artifact-unreadable' && f.subject.name === file);
}

function ruleIdsOf(report: Report): string[] {
  return [...new Set(report.findings.map((f) => `${f.ruleId} ${f.subject.name}`))].sort();
}

// ---- the cases -------------------------------------------------------------------------------

const cases: HostileCase[] = [
  {
    name: "tar.gz: '../' entry climbing to an absolute path in /tmp",
    build: tgz((d) => [{ name: `${TOP}/cluster/${'../'.repeat(20)}${d.escape.slice(1)}`, content: 'pwned' }]),
    outcome: { refused: /: has a '\.\.' segment, which would leave the bundle$/ },
  },
  {
    name: "tar.gz: '../' entry into the extraction dir's parent",
    build: tgz(() => [{ name: `${TOP}/../../escape.txt`, content: 'pwned' }]),
    outcome: { refused: /: has a '\.\.' segment, which would leave the bundle$/ },
  },
  {
    name: 'tar.gz: absolute entry path',
    build: tgz((d) => [{ name: d.escape, content: 'pwned' }]),
    outcome: { refused: /: is an absolute path$/ },
  },
  {
    name: "zip: Windows '..\\' entry path",
    build: async (d) => {
      const path = join(d.dir, 'bundle.zip');
      await writeFile(path, zipBytes([{ name: `${TOP}/manifest.json`, content: '{}' }, { name: `${TOP}\\..\\..\\escape.txt`, content: 'pwned' }]));
      return path;
    },
    outcome: { refused: /: has a backslash in its name \(a Windows path\)$/ },
  },
  {
    name: 'tar.gz: symlink to a file outside, then a file written through it',
    build: tgz((d) => [
      { name: `${TOP}/cluster/pods.json`, type: 'symlink', linkname: d.outside },
      { name: `${TOP}/cluster/pods.json`, content: 'pwned' },
    ]),
    outcome: { refused: /cluster\/pods\.json: is a symbolic link; a bundle may hold only regular files and directories$/ },
  },
  // Hard links: accepted only to a regular file an earlier entry extracted (how collect stores identical files).
  {
    name: 'tar.gz: hard link to a file outside',
    build: tgz((d) => [{ name: `${TOP}/cluster/pods.json`, type: 'link', linkname: d.outside }]),
    outcome: { refused: /cluster\/pods\.json: is a hard link to "\/[^"]*outside[^"]*": the target is an absolute path$/ },
  },
  {
    name: "tar.gz: hard link climbing out with '..'",
    build: tgz(() => [{ name: `${TOP}/cluster/pods.json`, type: 'link', linkname: `${TOP}/../../../etc/passwd` }]),
    outcome: { refused: /cluster\/pods\.json: is a hard link to "[^"]*": the target has a '\.\.' segment, which would leave the bundle$/ },
  },
  {
    name: 'tar.gz: hard link to a file that only comes later in the archive',
    build: tgz(() => [
      { name: `${TOP}/cluster/nodes.json`, type: 'link', linkname: `${TOP}/cluster/pods.json` },
      { name: `${TOP}/cluster/pods.json`, content: '{"kind":"PodList","items":[]}' },
    ]),
    outcome: { refused: /cluster\/nodes\.json: is a hard link to "[^"]*cluster\/pods\.json", which no earlier entry of the archive holds as a regular file$/ },
  },
  {
    name: 'tar.gz: hard link to a directory',
    build: tgz(() => [{ name: `${TOP}/cluster/`, type: 'directory' }, { name: `${TOP}/cluster/pods.json`, type: 'link', linkname: `${TOP}/cluster/` }]),
    outcome: { refused: /cluster\/pods\.json: is a hard link to "[^"]*cluster\/", which is a directory$/ },
  },
  {
    name: 'tar.gz: the fixture with its identical files stored once as hard-link entries (as collect writes it)',
    build: async (d) => {
      const path = join(d.dir, 'bundle.tar.gz');
      await writeTar(path, [{ name: `${TOP}/`, type: 'directory' }, ...(await linkedFixtureEntries())], { gzip: true });
      return path;
    },
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'zip: symlink entry (Unix mode 120777)',
    build: async (d) => {
      const path = join(d.dir, 'bundle.zip');
      await writeFile(path, zipBytes([{ name: `${TOP}/manifest.json`, content: '{}' }, { name: `${TOP}/cluster/pods.json`, content: d.outside, mode: 0o120777 }]));
      return path;
    },
    outcome: { refused: /cluster\/pods\.json: is a symbolic link/ },
  },
  {
    name: 'tar.gz: character device entry',
    build: tgz(() => [{ name: `${TOP}/ztunnel/ztunnel-zfjjh/ztunnel.log`, type: 'character-device' }]),
    outcome: { refused: /ztunnel\.log: is a character device/ },
  },
  {
    name: 'tar.gz: gzip bomb, one 200 MB file of zeros (10 MB cap)',
    env: { ZTUNNEL_BUNDLE_LIMITS: SMALL_CAPS },
    build: tgz(() => [{ name: `${TOP}/ztunnel/ztunnel-zfjjh/ztunnel.log`, stream: () => zeros(200 * MB), size: 200 * MB }]),
    outcome: { refused: /ztunnel\.log: declares 200 MB, over the 10 MB per-file limit$/ },
  },
  {
    name: 'tar.gz: gzip bomb, five 4 MB files of zeros (12 MB total cap)',
    env: { ZTUNNEL_BUNDLE_LIMITS: SMALL_CAPS },
    build: tgz(() => Array.from({ length: 5 }, (_, i) => ({ name: `${TOP}/extra/zeros-${i}`, stream: () => zeros(4 * MB), size: 4 * MB }))),
    outcome: { refused: /extra\/zeros-2: the archive expands past the 12 MB limit for a whole bundle$/ },
  },
  {
    name: 'zip: bomb with lying sizes, 64 MB of zeros declared as 1 KB (10 MB cap)',
    env: { ZTUNNEL_BUNDLE_LIMITS: SMALL_CAPS },
    build: async (d) => {
      const path = join(d.dir, 'bundle.zip');
      await writeFile(path, zipBytes([{ name: `${TOP}/manifest.json`, content: '{}' }, { name: `${TOP}/extra/zeros`, content: Buffer.alloc(64 * MB), deflate: true, declaredSize: 1024 }]));
      return path;
    },
    outcome: { refused: /extra\/zeros: (expands past the 10 MB per-file limit|truncated or corrupt archive.*)$/ },
  },
  {
    name: 'zip: overlapping entries, 40 records sharing one 1 MB local file (12 MB total cap)',
    env: { ZTUNNEL_BUNDLE_LIMITS: SMALL_CAPS },
    build: async (d) => {
      const path = join(d.dir, 'bundle.zip');
      await writeFile(path, overlappingZip(Array.from({ length: 40 }, (_, i) => `${TOP}/extra/copy-${i}`), Buffer.alloc(MB)));
      return path;
    },
    outcome: { refused: /extra\/copy-1[12]: the archive expands past the 12 MB limit for a whole bundle$/ },
  },
  {
    name: 'tar.gz: 100,000 tiny entries (20,000 entry cap)',
    env: { ZTUNNEL_BUNDLE_LIMITS: JSON.stringify({ maxEntries: 20_000 }) },
    build: tgz(() => tinyEntries(100_000)),
    outcome: { refused: /: holds more than 20000 entries, over the limit$/ },
  },
  {
    name: 'tar.gz: 100,000 tiny entries (default limits: extracted and analyzed)',
    build: async (d) => {
      const path = join(d.dir, 'bundle.tar.gz');
      const fixture = await readdirFiles(FIXTURE);
      const real = await Promise.all(fixture.map(async (f) => ({ name: `${TOP}/${f}`, content: await readFile(join(FIXTURE, f)) })));
      await writeTar(path, [{ name: `${TOP}/`, type: 'directory' }, ...real, ...tinyEntries(100_000 - real.length - 1)], { gzip: true });
      return path;
    },
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'tar.gz: truncated (first half of the fixture archive)',
    build: async (d) => {
      const path = join(d.dir, 'bundle.tar.gz');
      await fixtureTgz(path);
      await truncate(path, Math.floor((await stat(path)).size / 2));
      return path;
    },
    outcome: { refused: /^[^:]+\.tar\.gz: truncated or corrupt archive: / },
  },
  {
    name: 'zip: truncated (end of central directory cut off)',
    build: async (d) => {
      const path = join(d.dir, 'bundle.zip');
      const bytes = zipBytes([{ name: `${TOP}/manifest.json`, content: await readFile(join(FIXTURE, 'manifest.json')), deflate: true }]);
      await writeFile(path, bytes.subarray(0, bytes.length - 30));
      return path;
    },
    outcome: { refused: /^[^:]+\.zip: truncated or corrupt archive: no end of central directory record$/ },
  },
  {
    name: 'tar.gz: duplicate entry (two versions of one file)',
    build: tgz(() => [
      { name: `${TOP}/cluster/pods.json`, content: '{"kind":"PodList","items":[]}' },
      { name: `${TOP}/cluster/pods.json`, content: 'pwned' },
    ]),
    outcome: { refused: /cluster\/pods\.json: duplicate entry: an earlier entry has the same path$/ },
  },
  {
    name: 'dir: invalid JSON (cluster/pods.json cut mid-document)',
    build: editFile(PODS, (b) => b.subarray(0, Math.floor(b.length / 2))),
    outcome: { unreadable: { file: PODS, problem: /cluster\/pods\.json is in the bundle but could not be read: invalid JSON at line \d+ column \d+: / } },
  },
  {
    name: 'dir: invalid UTF-8 bytes between JSON tokens (config_dump)',
    build: editFile(DUMP, (b) => Buffer.concat([Buffer.from([0xff, 0xfe]), b])),
    outcome: { unreadable: { file: DUMP, problem: /config_dump\.json is in the bundle but could not be read: invalid JSON at line 1 column 1: / } },
  },
  {
    name: 'dir: invalid UTF-8 inside JSON strings (pod name in cluster/pods.json)',
    build: editFile(PODS, (b) => Buffer.from(b.toString('latin1').replace('"name": "ratings-v1-', '"name": "ratings-\xff\xc3(v1-'), 'latin1')),
    outcome: {
      accepted: (report) => {
        // Decoded with U+FFFD replacement, as any UTF-8 reader would; the pod is still analyzed.
        const names = report.findings.map((f) => f.subject.name);
        expect(names.some((n) => n.includes('ratings-\ufffd\ufffd(v1-'))).toBe(true);
      },
    },
  },
  {
    name: 'dir: invalid UTF-8 in a log line',
    build: editFile(LOG, (b) => {
      const lines = b.toString('latin1').split('\n');
      lines.splice(2, 0, `${lines[1]!.slice(0, 40)}\xff\xfe\xc3\x28 connection complete src.addr=\xed\xa0\x80`);
      return Buffer.from(lines.join('\n'), 'latin1');
    }),
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'dir: one 50 MB log line without a newline',
    build: async (d) => {
      const bundle = await fixtureCopy(d);
      await appendFile(join(bundle, LOG), Buffer.alloc(50 * MB, 'a'));
      return bundle;
    },
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'dir: config_dump nested 100,000 levels deep',
    build: editFile(DUMP, () => `{"workloads":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
    outcome: { unreadable: { file: DUMP, problem: /could not be read: invalid JSON at line 1 column \d+: nesting deeper than 512 levels/ } },
  },
  {
    name: 'dir: duplicate JSON keys (an empty "items" before the real one)',
    build: editFile(PODS, (b) => b.toString('utf8').replace(/^\{/, '{"items": [],')),
    // Last one wins, as with JSON.parse, jq and Go's encoding/json: the findings are the fixture's.
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'dir: wrong-typed fields in cluster/pods.json (containers a number, annotations a list, env a string)',
    build: editFile(PODS, (b) => {
      const list = JSON.parse(b.toString('utf8')) as { items: { metadata: Record<string, unknown>; spec: Record<string, unknown> }[] };
      for (const pod of list.items) {
        pod.spec['containers'] = 5;
        pod.spec['initContainers'] = [{ env: 'x', name: 7 }];
        pod.metadata['annotations'] = ['not', 'a', 'map'];
      }
      return JSON.stringify(list);
    }),
    // Wrong-typed fields are ignored as if absent (with parser warnings), never a crash.
    outcome: { accepted: (report) => expect(report.findings.map((f) => f.ruleId)).toContain('pod-not-captured') },
  },
  {
    name: 'dir: manifest.json artifacts holding null, a number and a record without a path',
    build: editFile('manifest.json', (b) => {
      const manifest = JSON.parse(b.toString('utf8')) as { artifacts: unknown[] };
      manifest.artifacts.unshift(null, 42, { status: 'error' });
      return JSON.stringify(manifest, null, 2);
    }),
    // The malformed entries are skipped; the real failed attempt is still reported.
    outcome: { accepted: (report) => expect(report.findings.filter((f) => f.ruleId === 'artifact-collection-failed').map((f) => f.subject.name)).toEqual(['ztunnel/ztunnel-ps9n7/config_dump.json']) },
  },
  {
    name: 'dir: cluster/pods.json is a symlink to a file outside',
    build: async (d) => {
      const bundle = await fixtureCopy(d);
      await rm(join(bundle, PODS));
      await symlink(d.outside, join(bundle, PODS));
      return bundle;
    },
    outcome: {
      accepted: (report) => {
        const missing = report.findings.filter((f) => f.ruleId === 'artifact-missing').map((f) => f.subject.name);
        expect(missing).toContain(PODS);
      },
    },
  },
  {
    name: 'dir: a ztunnel folder that is a symlink to /',
    build: async (d) => {
      const bundle = await fixtureCopy(d);
      await symlink('/', join(bundle, 'ztunnel/ztunnel-evil'));
      return bundle;
    },
    outcome: { accepted: (report) => expect(ruleIdsOf(report)).toEqual(ruleIdsOf(baseline)) },
  },
  {
    name: 'dir: ztunnel.log is a FIFO nobody writes to',
    build: async (d) => {
      const bundle = await fixtureCopy(d);
      await rm(join(bundle, LOG));
      execFileSync('mkfifo', [join(bundle, LOG)]);
      return bundle;
    },
    outcome: {
      accepted: (report) => {
        // Not a regular file, so never opened (opening a FIFO would block for ever): it is missing.
        const missing = report.findings.filter((f) => f.ruleId === 'artifact-missing').map((f) => f.subject.name);
        expect(missing).toContain(LOG);
      },
    },
  },
];

async function readdirFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1).split('\\').join('/')).sort();
}

// ---- running them ----------------------------------------------------------------------------

async function caseDirs(index: number): Promise<CaseDirs> {
  const dir = join(work, `case-${index}`);
  const d: CaseDirs = {
    dir,
    out: join(dir, 'out'),
    tmp: join(dir, 'tmp'),
    outside: join(dir, 'outside.txt'),
    escape: join(tmpdir(), `zb-escape-${randomBytes(6).toString('hex')}`),
  };
  await mkdir(d.tmp, { recursive: true });
  await writeFile(d.outside, `${SECRET}\n`);
  return d;
}

describe('analyze on hostile bundles: documented outcome, nothing written outside, bounded time and memory', () => {
  cases.forEach((c, index) => {
    it(c.name, async () => {
      const d = await caseDirs(index);
      const bundle = await c.build(d);
      const before = await snapshotTree(d.dir);
      const run = await runMeasured(['analyze', bundle, '--format', 'json', '--output', d.out], {
        rssFile: join(work, `case-${index}.rss`),
        timeoutMs: TIME_BUDGET_MS * 2,
        // TMPDIR puts the extraction dir inside the case dir, so the snapshot covers its parent too.
        env: { TMPDIR: d.tmp, ...c.env },
      });
      const stderrLines = run.stderr.split('\n').filter((l) => l !== '');
      const row = {
        name: c.name,
        exit: run.code,
        message: (stderrLines[0] ?? '').split(bundle).join('<bundle>'),
        seconds: (run.ms / 1000).toFixed(1),
        rssMB: run.peakRss === undefined ? '?' : (run.peakRss / MB).toFixed(0),
      };
      table.push(row);

      // Bounded: time and peak memory of the whole CLI process.
      expect(run.ms).toBeLessThan(TIME_BUDGET_MS);
      expect(run.peakRss, 'the child reported its peak RSS').toBeDefined();
      expect(run.peakRss!).toBeLessThan(GiB);

      // Nothing written anywhere but the output dir; no extraction dir left behind.
      const changes = treeChanges(before, await snapshotTree(d.dir)).filter((p) => !/^(out|tmp)(\/|$)/.test(p));
      expect(changes).toEqual([]);
      expect(await readdir(d.tmp)).toEqual([]);
      expect(existsSync(d.escape)).toBe(false);
      expect(await readFile(d.outside, 'utf8')).toBe(`${SECRET}\n`);

      if ('refused' in c.outcome) {
        expect(run.code, run.stderr).toBe(2);
        expect(stderrLines).toHaveLength(1);
        const prefix = `ztunnel-bundle: ${bundle}: `;
        expect(stderrLines[0]!.startsWith(prefix), stderrLines[0]).toBe(true);
        expect(stderrLines[0]!.slice('ztunnel-bundle: '.length)).toMatch(c.outcome.refused);
        expect(stderrLines[0]).not.toContain('internal error');
        expect(existsSync(join(d.out, 'report.json'))).toBe(false);
        return;
      }
      expect([0, 1], run.stderr).toContain(run.code);
      expect(run.stderr).toBe('');
      const text = await readFile(join(d.out, 'report.json'), 'utf8');
      expect(text).not.toContain(SECRET);
      const report = JSON.parse(text) as Report;
      expect(validateReport(report)).toEqual([]);
      expect(report.ruleErrors).toEqual([]);
      row.message = summarize(report);
      if ('unreadable' in c.outcome) {
        const { file, problem } = c.outcome.unreadable;
        const found = unreadableOf(report, file);
        expect(found, `artifact-unreadable for ${file}`).toHaveLength(1);
        expect(found[0]!.message).toMatch(problem);
        expect(found[0]!.message).not.toMatch(/[\n\r]/);
        expect(found[0]!.message.length).toBeLessThan(1000);
      } else {
        expect(report.findings.filter((f) => f.ruleId === 'artifact-unreadable')).toEqual([]);
        c.outcome.accepted(report);
      }
    }, 180_000);
  });
});

/** The table's outcome text for a partial analysis: what it could not read, or "analyzed". */
function summarize(report: Report): string {
  const unreadable = report.findings.filter((f) => f.ruleId === 'artifact-unreadable').map((f) => f.message.slice(0, 160));
  return unreadable.length > 0 ? `partial: ${unreadable.join('; ')}` : `analyzed (${report.findings.length} findings)`;
}
