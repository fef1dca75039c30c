/**
 * The part of EarlyParses (early.ts) that runs on the extraction's worker thread (loaded by
 * src/bundle/extract-worker.ts as its parser module): it reads the logs, so that the main thread
 * only parses the dumps and lists while the archive is extracted. What it returns is posted to
 * EarlyParses.workerParser.onParsed; undefined leaves the file to the main thread.
 */
import { logOf, readEarlyLog, type EarlyLog } from './early-logs.js';

export function parseInWorker(path: string, bytes: Buffer): EarlyLog | undefined {
  const log = logOf(path);
  return log ? readEarlyLog(path, log, bytes) : undefined;
}
