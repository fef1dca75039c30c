/**
 * The `certificates` and `workloadStates` collections, from each ztunnel's config_dump. Expiry is
 * judged against the bundle's collection time, never the time of analysis: a bundle analyzed a
 * month later must not suddenly report every certificate as expired.
 */
import { ztunnel as ztunnelPaths } from '../bundle/paths.js';
import type { JsonLocator } from '../parse/jsonLocate.js';
import type { ZtunnelConfigDump } from '../parse/configDump.js';
import type { Evidence } from '../report/types.js';
import type { CertificateFact, WorkloadStateFact } from './types.js';

export interface DumpInput {
  pod: string;
  namespace: string;
  node: string;
  dump: ZtunnelConfigDump;
  locator: JsonLocator;
}

function evidence(input: DumpInput, pointer: string, excerpt: string): Evidence {
  const line = input.locator.line(pointer);
  return { file: ztunnelPaths.configDump(input.pod), pointer, ...(line ? { line } : {}), excerpt };
}

const HOUR_MS = 3_600_000;

export function buildCertificateFacts(inputs: readonly DumpInput[], collectedAt: string): CertificateFact[] {
  const at = collectedAt ? Date.parse(collectedAt) : NaN;
  const facts: CertificateFact[] = [];
  const usual = mostCommonRoot(inputs);
  for (const input of inputs) {
    for (const entry of input.dump.certificates) {
      const rootSerial = entry.root?.serialHex ?? '';
      const leaf = entry.leaf;
      const expiry = leaf?.expirationTime ? Date.parse(leaf.expirationTime) : NaN;
      const known = !Number.isNaN(at) && !Number.isNaN(expiry);
      facts.push({
        subject: { kind: 'Certificate', name: entry.identity, node: input.node },
        evidence: [evidence(input, entry.pointer, `${entry.identity}: ${entry.rawState}${leaf?.expirationTime ? `, leaf expires ${leaf.expirationTime}` : ''}`)],
        ztunnel: input.pod,
        node: input.node,
        identity: entry.identity,
        state: entry.state,
        reason: entry.reason,
        chainLength: entry.chainLength,
        leafSerial: leaf?.serialHex ?? '',
        leafValidFrom: leaf?.validFrom ?? '',
        leafExpiration: leaf?.expirationTime ?? '',
        expired: known && expiry < at,
        rootSerial,
        rootMismatch: rootSerial !== '' && usual !== '' && rootSerial !== usual,
        ...(known ? { hoursToExpiry: Math.floor((expiry - at) / HOUR_MS) } : {}),
      });
    }
  }
  return facts;
}

/** The root serial most certificates across all ztunnels chain to ('' when none, or a tie). */
function mostCommonRoot(inputs: readonly DumpInput[]): string {
  const counts = new Map<string, number>();
  for (const input of inputs) for (const e of input.dump.certificates) if (e.root?.serialHex) counts.set(e.root.serialHex, (counts.get(e.root.serialHex) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return sorted.length === 0 || (sorted.length > 1 && sorted[0]![1] === sorted[1]![1]) ? '' : sorted[0]![0];
}

export function buildWorkloadStateFacts(inputs: readonly DumpInput[]): WorkloadStateFact[] {
  const facts: WorkloadStateFact[] = [];
  for (const input of inputs) {
    for (const ws of input.dump.workloadState) {
      facts.push({
        subject: { kind: 'Pod', namespace: ws.namespace, name: ws.name, node: input.node },
        evidence: [evidence(input, ws.pointer, `workloadState ${ws.uid}: ${ws.namespace}/${ws.name} ${ws.state}`)],
        ztunnel: input.pod,
        node: input.node,
        uid: ws.uid,
        state: ws.state,
        podName: ws.name,
        podNamespace: ws.namespace,
      });
    }
  }
  return facts;
}
