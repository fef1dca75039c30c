/**
 * The certificates view (`istioctl ztunnel-config certificates`): one row per certificate with
 * CERTIFICATE NAME (the identity), TYPE (Leaf, Intermediate, Root), STATUS (any state mentioning
 * Unavailable shortened to Unavailable), VALID CERT (inside [validFrom, expirationTime] at the
 * filter's time, not "now", so a bundle reads the same later), SERIAL NUMBER in hex, NOT AFTER and
 * NOT BEFORE; an identity without a chain gets one NA row. istioctl pads this table by 5.
 * Filters (not in istioctl): --namespace keeps identities of that namespace, --pod the pod's own.
 */
import { certValidAt, type CertInfo, type CertsDumpEntry } from '../parse/certs.js';
import type { ZtunnelConfigDump } from '../parse/configDump.js';
import type { InspectFilter } from './filter.js';
import { tabwriteRows } from './tabwriter.js';

export const CERTIFICATE_HEADER = ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE'];

const orNA = (value: string | undefined) => value || 'NA';

/** The SPIFFE identity a filter narrows to, as a predicate on identities. */
function identityMatcher(dump: ZtunnelConfigDump, filter: InspectFilter): (identity: string) => boolean {
  const { workload, namespace } = filter;
  if (workload) {
    const w = dump.workloads.find((x) => x.name === workload.name && x.namespace === workload.namespace);
    if (w) return (id) => id === `spiffe://${w.trustDomain}/ns/${w.namespace}/sa/${w.serviceAccount}`;
    return (id) => id.includes(`/ns/${workload.namespace}/`);
  }
  if (namespace !== undefined) return (id) => id.toLowerCase().includes(`/ns/${namespace.toLowerCase()}/`);
  return () => true;
}

export function selectCertificates(dump: ZtunnelConfigDump, filter: InspectFilter): CertsDumpEntry[] {
  const matches = identityMatcher(dump, filter);
  return dump.certificates.filter((c) => matches(c.identity));
}

/** STATUS as istioctl prints it: the raw state, or Unavailable when it mentions it. */
export function certStatus(entry: CertsDumpEntry): string {
  return entry.rawState.includes('Unavailable') ? 'Unavailable' : entry.rawState;
}

export function certificatesTable(dump: ZtunnelConfigDump, filter: InspectFilter): string {
  const rows: string[][] = [];
  for (const entry of selectCertificates(dump, filter)) {
    const status = certStatus(entry);
    if (entry.chainLength === 0) {
      rows.push([entry.identity, 'NA', status, 'false', 'NA', 'NA', 'NA']);
      continue;
    }
    for (const cert of entry.certs) {
      rows.push([
        entry.identity,
        cert.type,
        status,
        String(certValidAt(cert, filter.at)),
        // Go prints a serial that is not a decimal integer (a nil big.Int) as <nil>.
        cert.serialHex ?? '<nil>',
        orNA(cert.expirationTime),
        orNA(cert.validFrom),
      ]);
    }
  }
  return tabwriteRows([CERTIFICATE_HEADER, ...rows], { padding: 5 });
}

const certItem = (c: CertInfo) => ({ serialNumber: c.serialNumber ?? '', validFrom: c.validFrom ?? '', expirationTime: c.expirationTime ?? '' });

/** istioctl's CertsDump shape; the PEM text is not carried by the parser and is left out. */
export function certificateItems(dump: ZtunnelConfigDump, filter: InspectFilter): unknown[] {
  return selectCertificates(dump, filter).map((e) => ({
    identity: e.identity,
    state: e.rawState,
    certChain: e.certs.filter((c) => !c.pointer.includes('/rootCerts/')).map(certItem),
    rootCerts: e.certs.filter((c) => c.pointer.includes('/rootCerts/')).map(certItem),
  }));
}
