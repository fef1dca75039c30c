/**
 * Streams a log file into events without ever holding the file: bytes are split into lines as they
 * arrive, each line is capped at maxLineBytes (the start is kept and the event marked `truncated`),
 * and lines without a header that follow an event (the YAML after `running with config:`, a
 * backtrace) are attached to that event as `continuation`, up to a bound; past the bound they are
 * reported as `unparsed` so nothing disappears silently.
 */
import type { Readable } from 'node:stream';
import { BundleError, ToolError, errorText } from '../errors.js';
import { parseLogBody, rawExcerpt, splitLinePrefix, type LinePrefix } from './logs-line.js';
import type { LogEvent, OtherEvent } from './logs-types.js';

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** Continuation lines kept per event; ztunnel's startup config is ~150 lines. */
export const MAX_CONTINUATION_LINES = 1000;
export const MAX_CONTINUATION_CHARS = 64 * 1024;

export interface ReadLogOptions {
  /** Bundle path of the log, for error messages. */
  file: string;
  maxLineBytes?: number;
}

interface RawLine {
  text: string;
  truncated: boolean;
}

/** Splits byte chunks into lines, keeping at most `cap` bytes of each. */
class LineSplitter {
  private parts: Buffer[] = [];
  private kept = 0;
  private truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer, out: RawLine[]): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.keep(chunk, start, end);
      if (newline === -1) return;
      out.push(this.take());
      start = newline + 1;
    }
  }

  end(out: RawLine[]): void {
    if (this.kept > 0 || this.truncated) out.push(this.take());
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const room = this.cap - this.kept;
    const take = Math.min(end - start, room);
    if (take > 0) {
      this.parts.push(chunk.subarray(start, start + take));
      this.kept += take;
    }
    if (take < end - start) this.truncated = true;
  }

  private take(): RawLine {
    const bytes = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.kept);
    let text = bytes.toString('utf8');
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    const line = { text, truncated: this.truncated };
    this.parts = [];
    this.kept = 0;
    this.truncated = false;
    return line;
  }
}

/** Collects continuation lines for the event before them, within the bounds. */
class Continuation {
  private lines: string[] = [];
  private chars = 0;
  private overflow = false;

  constructor(readonly event: OtherEvent) {}

  /** True when the line was taken; false when it is not ours or the bound is reached (the caller reports it). */
  add(text: string | undefined): boolean {
    if (text === undefined) return false;
    if (this.lines.length >= MAX_CONTINUATION_LINES || this.chars + text.length > MAX_CONTINUATION_CHARS) {
      this.overflow = true;
      return false;
    }
    this.lines.push(text);
    this.chars += text.length + 1;
    return true;
  }

  finish(): OtherEvent {
    if (this.lines.length > 0) this.event.continuation = this.lines.join('\n');
    if (this.overflow) this.event.continuationTruncated = true;
    return this.event;
  }
}

/**
 * The text a header-less line adds to the open event, or undefined when it belongs to another pod.
 * With `kubectl logs --prefix` every line carries the pod; the bare `<pod> ` form is only
 * recognizable before a timestamp, so on a continuation line it is matched against the event's pod.
 */
function continuationText(event: OtherEvent, prefix: LinePrefix): string | undefined {
  if (prefix.pod !== undefined) return prefix.pod === event.pod ? prefix.body : undefined;
  if (event.pod === undefined) return prefix.body;
  return prefix.body.startsWith(`${event.pod} `) ? prefix.body.slice(event.pod.length + 1) : undefined;
}

/**
 * The events of a log fed chunk by chunk, synchronously: the core of readLogEvents, also used on a
 * log already in memory (src/facts/early.ts parses logs as an archive is extracted).
 */
export class LogEventReader {
  private readonly splitter: LineSplitter;
  private lineNo = 0;
  private open: Continuation | undefined;
  private readonly lines: RawLine[] = [];

  constructor(options: { maxLineBytes?: number } = {}) {
    this.splitter = new LineSplitter(Math.max(256, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES));
  }

  /** The events completed by this chunk (an event stays open while continuation lines may follow). */
  push(chunk: Buffer, out: LogEvent[]): void {
    this.splitter.push(chunk, this.lines);
    for (const line of this.lines) this.handle(line, out);
    this.lines.length = 0;
  }

  /** The events left at the end of the log. */
  end(out: LogEvent[]): void {
    this.splitter.end(this.lines);
    for (const line of this.lines) this.handle(line, out);
    this.lines.length = 0;
    if (this.open) out.push(this.open.finish());
    this.open = undefined;
  }

  private handle(raw: RawLine, out: LogEvent[]): void {
    this.lineNo++;
    const text = this.lineNo === 1 && raw.text.charCodeAt(0) === 0xfeff ? raw.text.slice(1) : raw.text;
    const prefix = splitLinePrefix(text);
    const event = parseLogBody({ lineNo: this.lineNo, prefix, raw: rawExcerpt(text) });
    if (event === undefined) return;
    if (raw.truncated) event.truncated = true;
    const open = this.open;
    if (event.kind === 'unparsed' && open && open.add(continuationText(open.event, prefix))) return;
    if (open) out.push(open.finish());
    this.open = undefined;
    if (event.kind === 'event') this.open = new Continuation(event);
    else out.push(event);
  }
}

/** Events of a log stream, in order. Throws only BundleError (for a failing stream). */
export async function* readLogEvents(stream: Readable, options: ReadLogOptions): AsyncIterable<LogEvent> {
  const reader = new LogEventReader(options);
  const ready: LogEvent[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, ready);
      yield* ready;
      ready.length = 0;
    }
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new BundleError(options.file, `cannot read log: ${errorText(err)}`);
  }
  reader.end(ready);
  yield* ready;
}
