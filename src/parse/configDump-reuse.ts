/**
 * Parses many ztunnel config_dumps of one bundle, each distinct workloads/services/policies section
 * once. Every ztunnel lists the whole cluster, so in an N-node bundle the same sections appear N
 * times, byte for byte: parsing them N times is most of analyze's work (issue 5). A dump's
 * top-level members are located in its bytes without parsing (jsonMembers.ts), each shared
 * section's bytes are compared with the sections seen most recently, and only new ones are decoded
 * and parsed; the rest of the dump (certificates, workloadState, config: the per-ztunnel part) is
 * decoded and parsed as usual. A known section is never even decoded: at 1,000 nodes, turning every
 * 6 MB dump into a string was enough to keep the garbage collector busy for half of analyze's time.
 * The result is the same ZtunnelConfigDump that parseConfigDump returns (shared sections yield the
 * same lists and item objects, which is what src/facts/intern.ts would make of them anyway).
 *
 * Line numbers stay exact: each section is replaced in the remaining text by `null`, and a pointer
 * is located in that text, shifted by the newlines of the sections before it, or within the
 * section's own text, offset by the line where the section starts.
 */
import {
  normalizeConfigDump, parseConfigDump, parseSection,
  type ConfigDumpOptions, type ParsedSection, type ZtunnelConfigDump,
} from './configDump.js';
import { escapePointer, isObject } from './json-fields.js';
import { MAX_JSON_DEPTH, parseJson } from './json.js';
import { topLevelMembers, type MemberSpan } from './jsonMembers.js';
import { createLocator, type JsonLocator } from './jsonLocate.js';
import { decodeText } from '../bundle/limits.js';
import { BundleError } from '../errors.js';

const SHARED = ['workloads', 'services', 'policies'] as const;
type SharedName = (typeof SHARED)[number];

/** Distinct texts remembered per section; dumps of one bundle nearly always share the latest. */
const REMEMBERED = 2;

interface KnownSection {
  /** A copy of the section's bytes, compared with the next dumps'. */
  bytes: Buffer;
  parsed: ParsedSection;
  newlines: number;
  /** Built on first use, then shared by every dump with this section. */
  locator?: JsonLocator;
}

export interface ParsedDump {
  dump: ZtunnelConfigDump;
  /** Line numbers of the given pointers in this dump's text (see citedLines in src/facts). */
  lines(pointers: Iterable<string>): JsonLocator;
}

/** Counts of what was parsed and what was reused, for tests and the bench. */
export interface ReuseStats {
  dumps: number;
  sectionsParsed: number;
  sectionsReused: number;
}

export class ConfigDumpParser {
  private readonly known = new Map<SharedName, KnownSection[]>();
  readonly stats: ReuseStats = { dumps: 0, sectionsParsed: 0, sectionsReused: 0 };

  constructor(private readonly options: ConfigDumpOptions = {}) {}

  /** One dump's text (decodeText's output); parseBytes is the same on the bytes it came from. */
  parse(text: string, file: string): ParsedDump {
    return this.parseBytes(Buffer.from(text, 'utf8'), file);
  }

  /**
   * One dump's bytes, which may be a reused scratch buffer: nothing of them is kept after the call
   * (the sections it remembers are copied).
   */
  parseBytes(bytes: Buffer, file: string): ParsedDump {
    this.stats.dumps++;
    const body = hasBom(bytes) ? bytes.subarray(3) : bytes;
    const matched = new Map<SharedName, KnownSection>();
    const members = topLevelMembers(body, MAX_JSON_DEPTH, (key, b, start) => this.knownEnd(key, b, start, matched));
    const sections = members ? this.sectionsOf(body, members, matched) : undefined;
    // Not plainly an object (or a section is not valid JSON): the ordinary path, with its errors.
    if (!members || !sections) return this.ordinary(decodeText(bytes), file);
    const rest = withoutSections(body, members, sections);
    let doc: unknown;
    try {
      doc = parseJson(rest, file);
    } catch {
      return this.ordinary(decodeText(bytes), file); // for an error message with the right line numbers
    }
    if (!isObject(doc)) throw new BundleError(file, 'config dump is not a JSON object');
    const parsed = Object.fromEntries([...sections].map(([name, s]) => [name, s.parsed]));
    const dump = normalizeConfigDump(doc, file, parsed, this.options);
    return { dump, lines: (pointers) => sectionLines(rest, members, sections, pointers) };
  }

  private ordinary(text: string, file: string): ParsedDump {
    const dump = parseConfigDump(text, file, this.options);
    return { dump, lines: (pointers) => linesOf(createLocator(text), pointers) };
  }

  /**
   * The end of a shared section whose bytes, from `start`, are those of one already parsed. A known
   * section is a complete JSON value, so an identical run of bytes is that value, as long as a
   * separator follows it (topLevelMembers checks: `12` is not the start of `123`).
   */
  private knownEnd(key: string, bytes: Buffer, start: number, matched: Map<SharedName, KnownSection>): number | undefined {
    const name = SHARED.find((n) => n === key);
    if (name === undefined) return undefined;
    const known = this.known.get(name)?.find((k) => start + k.bytes.length <= bytes.length && bytes.compare(k.bytes, 0, k.bytes.length, start, start + k.bytes.length) === 0);
    if (known === undefined) return undefined;
    matched.set(name, known);
    return start + known.bytes.length;
  }

  /** Each shared section of the dump, known or newly parsed; undefined when one is not valid JSON. */
  private sectionsOf(bytes: Buffer, members: MemberSpan[], matched: ReadonlyMap<SharedName, KnownSection>): Map<SharedName, KnownSection> | undefined {
    const found = new Map<SharedName, KnownSection>();
    for (const member of members) {
      const name = SHARED.find((n) => n === member.key);
      if (name === undefined) continue;
      let section = matched.get(name);
      if (section) {
        this.stats.sectionsReused++;
      } else {
        const text = bytes.toString('utf8', member.start, member.end);
        let value: unknown;
        try {
          value = JSON.parse(text); // depth already bounded by topLevelMembers
        } catch {
          return undefined;
        }
        section = { bytes: Buffer.from(bytes.subarray(member.start, member.end)), parsed: parseSection(name, value), newlines: countNewlines(text) };
        this.stats.sectionsParsed++;
        this.known.set(name, [section, ...(this.known.get(name) ?? [])].slice(0, REMEMBERED));
      }
      found.set(name, section);
    }
    return found;
  }
}

const hasBom = (bytes: Buffer) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/**
 * The dump's text with each shared section replaced by `null`. Cuts fall on ASCII (a value's first
 * or last byte), so decoding the pieces apart gives what decoding the whole would.
 */
function withoutSections(bytes: Buffer, members: readonly MemberSpan[], sections: ReadonlyMap<SharedName, KnownSection>): string {
  const parts: string[] = [];
  let from = 0;
  for (const member of members) {
    if (!sections.has(member.key as SharedName)) continue;
    parts.push(bytes.toString('utf8', from, member.start), 'null');
    from = member.end;
  }
  parts.push(bytes.toString('utf8', from));
  return parts.join('');
}

/**
 * Lines of pointers in the original text, from the text without its sections: a member after a
 * section is lower by the section's newlines, and a pointer inside a section is found in the
 * section's own text (its first line being the one where the section starts).
 */
function sectionLines(rest: string, members: readonly MemberSpan[], sections: ReadonlyMap<SharedName, KnownSection>, pointers: Iterable<string>): JsonLocator {
  const restLocator = createLocator(rest);
  // Newlines removed before each top-level member, by the member's pointer segment.
  const shift = new Map<string, number>();
  let removed = 0;
  for (const member of members) {
    shift.set(escapePointer(member.key), removed);
    removed += sections.get(member.key as SharedName)?.newlines ?? 0;
  }
  const lines = new Map<string, number | undefined>();
  for (const pointer of pointers) {
    if (lines.has(pointer)) continue;
    if (!pointer.startsWith('/')) {
      lines.set(pointer, restLocator.line(pointer)); // the whole document (''), or not a pointer
      continue;
    }
    const slash = pointer.indexOf('/', 1);
    const top = slash < 0 ? pointer.slice(1) : pointer.slice(1, slash);
    const before = shift.get(top);
    const section = sections.get(top as SharedName);
    let line: number | undefined;
    if (before !== undefined && section !== undefined && slash >= 0) {
      const start = restLocator.line(`/${top}`);
      // Decoded only when a finding cites a line inside the section.
      section.locator ??= createLocator(section.bytes.toString('utf8'));
      const within = section.locator.line(pointer.slice(slash));
      line = start === undefined || within === undefined ? undefined : start + before + within - 1;
    } else if (before !== undefined) {
      const inRest = restLocator.line(pointer);
      line = inRest === undefined ? undefined : inRest + before;
    }
    lines.set(pointer, line);
  }
  return { line: (pointer) => lines.get(pointer) };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function linesOf(locator: JsonLocator, pointers: Iterable<string>): JsonLocator {
  const lines = new Map<string, number | undefined>();
  for (const pointer of pointers) if (!lines.has(pointer)) lines.set(pointer, locator.line(pointer));
  return { line: (pointer) => lines.get(pointer) };
}
