/**
 * The replay clock: the moment the bundle was collected, so that `--since 1h` on a replayed log
 * means "the last hour before collection", not the last hour of today. It is manifest.json's
 * collectedAt, else the newest timestamp in the pod and event lists, else now.
 */
import { MANIFEST, cluster } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';

const MAX_CLOCK_SOURCE_BYTES = 256 * 1024 ** 2;

async function readJsonQuietly(bundle: BundleSource, path: string): Promise<unknown> {
  if (!bundle.has(path)) return undefined;
  try {
    return JSON.parse(await bundle.readText(path, { maxBytes: MAX_CLOCK_SOURCE_BYTES }));
  } catch {
    // A damaged file only means this source gives no clock; the next one is tried.
    return undefined;
  }
}

const TIME_KEYS = /(Timestamp|Time|startedAt|finishedAt)$/;

/** Newest parseable time under keys like creationTimestamp, lastTimestamp, startedAt (iterative walk). */
function newestTimestamp(root: unknown): number | undefined {
  let newest: number | undefined;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (typeof child === 'string' && TIME_KEYS.test(key)) {
        const t = Date.parse(child);
        if (Number.isFinite(t) && (newest === undefined || t > newest)) newest = t;
      } else if (child !== null && typeof child === 'object') {
        stack.push(child);
      }
    }
  }
  return newest;
}

export async function replayClock(bundle: BundleSource, now: () => number = Date.now): Promise<Date> {
  const manifest = await readJsonQuietly(bundle, MANIFEST);
  const collectedAt = (manifest as { collectedAt?: unknown } | undefined)?.collectedAt;
  if (typeof collectedAt === 'string' && Number.isFinite(Date.parse(collectedAt))) return new Date(Date.parse(collectedAt));
  let newest: number | undefined;
  for (const path of [cluster.pods, cluster.events]) {
    const t = newestTimestamp(await readJsonQuietly(bundle, path));
    if (t !== undefined && (newest === undefined || t > newest)) newest = t;
  }
  return new Date(newest ?? now());
}
