/**
 * Certificates as ztunnel's config_dump shows them: one entry per SPIFFE identity that a pod on
 * the ztunnel's node runs as, with the leaf chain and (1.26+) the root split out into rootCerts.
 * `pem` is base64 of PEM text and serials are decimal, as current ztunnel prints them.
 *
 * The PEM blocks are syntactically valid (BEGIN/END lines, 64-column base64 of a DER-looking body
 * starting with a SEQUENCE header) but the bodies are seeded pseudo-random bytes, not parseable
 * X.509: node:crypto cannot issue certificates, and an openssl call per cert would make the
 * generator slow and non-reproducible. Validity and serials live in the dump's own fields, which
 * is what istioctl and our rules read.
 */
import type { ClusterModel, NodeModel } from './model.js';
import { ISTIO_NS, spiffe } from './model.js';
import type { Rng } from './random.js';
import { addSeconds } from './time.js';

export interface CertDump {
  expirationTime: string;
  pem: string;
  serialNumber: string;
  validFrom: string;
}

export interface CertsDump {
  certChain: CertDump[];
  identity: string;
  rootCerts: CertDump[];
  state: string;
}

export function pemBlock(rng: Rng, derLength: number): string {
  const der = rng.bytes(derLength);
  // SEQUENCE with a two-byte length, like every certificate of this size.
  der[0] = 0x30;
  der[1] = 0x82;
  der[2] = ((derLength - 4) >> 8) & 0xff;
  der[3] = (derLength - 4) & 0xff;
  const body = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

function certDump(rng: Rng, validFrom: string, expirationTime: string, derLength: number): CertDump {
  return {
    expirationTime,
    pem: Buffer.from(pemBlock(rng, derLength)).toString('base64'),
    serialNumber: rng.serialDecimal(),
    validFrom,
  };
}

/** The mesh root, shared by every ztunnel (istiod's self-signed CA, valid ten years). */
export function rootCert(model: ClusterModel): CertDump {
  const rng = model.rng.fork('root-ca');
  const from = addSeconds(model.istioInstalledAt, -5);
  return certDump(rng, from, addSeconds(from, 10 * 365 * 86400), 1065);
}

/** Identities of pods on `node` that ztunnel fetches certificates for (captured pods only). */
export function nodeIdentities(model: ClusterModel, node: NodeModel): string[] {
  const ids = new Set<string>();
  for (const p of model.podsByNode.get(node.name) ?? []) {
    if (p.captured && p.namespace !== ISTIO_NS) ids.add(spiffe(p.namespace, p.serviceAccount));
  }
  return [...ids].sort();
}

export const CERT_UNAVAILABLE_STATE =
  'Unavailable: signing gRPC error (The service is currently unavailable): error trying to connect: tcp connect error: Connection refused (os error 111)';

/** The `certificates` array of one ztunnel's config_dump, sorted by identity. */
export function nodeCertificates(model: ClusterModel, node: NodeModel, root: CertDump): CertsDump[] {
  const rng = model.rng.fork(`certs/${node.name}`);
  const fault = model.spec.faults.certificateFailures;
  const faulty = fault?.node === node.name;
  return nodeIdentities(model, node).map((identity) => {
    if (faulty && identity.endsWith(`/sa/${fault.unavailableServiceAccount}`)) {
      return { certChain: [], identity, rootCerts: [], state: CERT_UNAVAILABLE_STATE };
    }
    // Leaves live 24h and are rotated at half-life, so a healthy one was issued in the last 12h.
    let issued = addSeconds(model.spec.collectedAt, -rng.int(600, 11 * 3600));
    if (faulty && identity.endsWith(`/sa/${fault.expiredServiceAccount}`)) {
      issued = addSeconds(model.spec.collectedAt, -26 * 3600 - rng.int(0, 1800));
    }
    const leaf = certDump(rng, addSeconds(issued, -120), addSeconds(issued, 86400), 978);
    return { certChain: [leaf], identity, rootCerts: [root], state: 'Available' };
  });
}
