/**
 * Log parsing entry point: one line (`parseLogLine`), a whole stream (`readLogEvents`), and the
 * classification of access-log error texts. The work is split over logs-*.ts: types, field
 * scanning, the line formats, JSON lines, access events, streaming and error classes.
 */
export type {
  AccessDestination,
  AccessEvent,
  AccessMessage,
  AccessSource,
  FieldValue,
  LogEvent,
  LogLevel,
  LogSpan,
  OtherEvent,
  UnparsedLine,
} from './logs-types.js';
export { MAX_RAW } from './logs-types.js';
export { parseLogLine, splitLinePrefix, normalizeTarget } from './logs-line.js';
export { durationToMs, splitAddress } from './logs-access.js';
export { readLogEvents, DEFAULT_MAX_LINE_BYTES, MAX_CONTINUATION_CHARS, MAX_CONTINUATION_LINES, type ReadLogOptions } from './logs-stream.js';
export { classifyAccessError, errorClass, type AccessErrorClass, type ClassifiedAccessError } from './logs-errors.js';
