/**
 * Line numbers of just the JSON pointers a dump's facts will cite, computed while its text is at
 * hand, so the text (megabytes per ztunnel, N of them) can be dropped right after parsing instead
 * of staying alive behind a JsonLocator until every fact is built. The result answers like a
 * JsonLocator for those pointers, and undefined (no line, as for an unknown pointer) otherwise.
 */
import type { ZtunnelConfigDump } from '../parse/configDump.js';
import { createLocator, type JsonLocator } from '../parse/jsonLocate.js';
import { workloadsByName } from './workloadIndex.js';

export function citedLines(text: string, pointers: Iterable<string>): JsonLocator {
  const locator = createLocator(text);
  const lines = new Map<string, number | undefined>();
  for (const pointer of pointers) if (!lines.has(pointer)) lines.set(pointer, locator.line(pointer));
  return { line: (pointer) => lines.get(pointer) };
}

/**
 * What facts cite in a ztunnel's config_dump: each certificate and workloadState entry (certificate
 * and workload-state facts), and the workloads of the pods on its node (pod facts, whose join goes
 * from a pod to the ztunnel on its node by namespace/name).
 */
export function dumpCitations(dump: ZtunnelConfigDump, podsOnNode: ReadonlySet<string>): string[] {
  const pointers = [...dump.certificates.map((c) => c.pointer), ...dump.workloadState.map((w) => w.pointer)];
  // Through the list's shared index: a node has a few pods, the list the whole cluster.
  const byName = workloadsByName(dump.workloads);
  for (const pod of podsOnNode) for (const w of byName.get(pod) ?? []) pointers.push(w.pointer);
  return pointers;
}
