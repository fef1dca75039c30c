/**
 * The catalogue of fact collections rules may iterate (`for:`), with the fields of each element.
 * The rule loader checks `for:` and message placeholders against it, so a typo fails at load
 * time, not in a report; docs are generated from it. A test checks it against real facts.
 */
import type { CollectionName } from './types.js';

export interface CollectionInfo {
  description: string;
  /** Field name -> what it means. Every element also has subject and evidence. */
  fields: Record<string, string>;
}

const common = {
  subject: 'what a finding is about: {kind, namespace, name, node}',
  evidence: 'where in the bundle the fact comes from: [{file, pointer, line, excerpt}]',
};

export const COLLECTIONS: Record<CollectionName, CollectionInfo> = {
  ztunnels: {
    description: 'One element per ztunnel pod (cluster/pods.json, ztunnel/<pod>/).',
    fields: {
      ...common,
      name: 'pod name', namespace: 'pod namespace', node: 'node name', phase: 'pod phase',
      ready: 'pod condition Ready (absent when unknown)', restarts: 'container restarts',
      lastTerminationReason: 'reason of the last termination, e.g. OOMKilled (absent when none)',
      lastTerminationExitCode: 'exit code of the last termination (absent when none)',
      readyProbe: 'GET :15021/healthz/ready as {status, ready, pending[]} (absent when not collected)',
      version: 'ztunnel version from config_dump (absent when unknown)',
      hasConfigDump: 'config_dump.json is in the bundle', hasLog: 'ztunnel.log is in the bundle',
      hasPreviousLog: 'ztunnel.previous.log is in the bundle', hasMetrics: 'metrics.prom is in the bundle',
      workloadCount: 'workloads in config_dump', serviceCount: 'services in config_dump', policyCount: 'policies in config_dump',
      xdsTerminationErrors: 'istio_xds_connection_terminations_total for reasons other than Reconnect/Complete',
      pendingProxies: 'workload_manager_pending_proxy_count', logErrors: 'error lines in the log', logWarnings: 'warn lines in the log',
    },
  },
  pods: {
    description: 'One element per application pod (Istio components excluded), joined with its node\'s ztunnel.',
    fields: {
      ...common,
      name: 'pod name', namespace: 'pod namespace', uid: 'pod uid', node: 'node name', phase: 'pod phase', ip: 'pod IP',
      hostNetwork: 'spec.hostNetwork', namespaceDataplaneMode: 'namespace label istio.io/dataplane-mode',
      podDataplaneMode: 'pod label istio.io/dataplane-mode', redirection: 'annotation ambient.istio.io/redirection',
      hasSidecar: 'the pod has an istio-proxy sidecar', expectedInMesh: 'ambient mode should capture this pod',
      ztunnel: 'ztunnel pod on the same node', ztunnelDumpPresent: 'that ztunnel\'s config_dump is in the bundle',
      trackedByZtunnel: 'that ztunnel\'s config_dump lists the pod', ztunnelProtocol: 'HBONE, TCP or empty',
      accessLogLines: 'access log lines about the pod on its node\'s ztunnel',
    },
  },
  workloadStates: {
    description: 'One element per workloadState entry of each ztunnel config_dump (in-pod proxies).',
    fields: { ...common, ztunnel: 'ztunnel pod', node: 'node', uid: 'pod uid', state: 'Up or Pending', podName: 'pod name', podNamespace: 'pod namespace' },
  },
  certificates: {
    description: 'One element per certificate entry of each ztunnel config_dump.',
    fields: {
      ...common,
      ztunnel: 'ztunnel pod', node: 'node', identity: 'SPIFFE identity', state: 'Available, Initializing or Unavailable',
      reason: 'text after "Unavailable: "', chainLength: 'certificates in the chain', leafSerial: 'leaf serial (hex)',
      leafValidFrom: 'leaf validFrom', leafExpiration: 'leaf expirationTime', expired: 'leaf expired before collection time',
      hoursToExpiry: 'hours from collection time to leaf expiry (absent without a leaf)',
    },
  },
  xdsSync: {
    description: 'One element per ztunnel: istiod\'s view of its xDS stream (syncz, adsz, debug/config_dump) vs. its own config_dump.',
    fields: {
      ...common,
      ztunnel: 'ztunnel pod', node: 'node', connected: 'an istiod lists this ztunnel', istiod: 'istiod pod serving it',
      addressSent: 'nonce sent for WDS Address', addressAcked: 'nonce acked for WDS Address',
      authorizationSent: 'nonce sent for Authorization', authorizationAcked: 'nonce acked for Authorization',
      lastError: 'last NACK error', stale: 'sent != acked or a NACK', hasIstiodView: 'istiod debug/config_dump for it is in the bundle',
      hasZtunnelDump: 'its config_dump is in the bundle', missingWorkloads: 'workloads istiod sends that the ztunnel lacks (first 10)',
      missingWorkloadCount: 'how many workloads are missing', protocolMismatches: 'workloads whose protocol differs between istiod and ztunnel',
    },
  },
  logIssues: {
    description: 'Warning and error log events (not access logs) of ztunnel, istiod and istio-cni, grouped by pod and message pattern.',
    fields: {
      ...common,
      component: 'ztunnel, istiod or istio-cni', pod: 'pod', node: 'node', level: 'warn or error', target: 'log target',
      pattern: 'message with variable parts replaced', topic: 'xds-connection, cert-fetch, inpod-start, cni-ztunnel-connection, dns or other',
      message: 'first message', count: 'occurrences', firstSeen: 'first timestamp', lastSeen: 'last timestamp',
    },
  },
  trafficErrors: {
    description: 'Failed connections from ztunnel access logs, grouped by reporting ztunnel, direction, source, destination and error class.',
    fields: {
      ...common,
      ztunnel: 'reporting ztunnel', node: 'its node', direction: 'inbound or outbound', srcWorkload: 'source workload',
      srcNamespace: 'source namespace', dstWorkload: 'destination workload', dstNamespace: 'destination namespace',
      dstService: 'destination service', dstAddr: 'destination address', errorClass: 'class of the error text',
      error: 'first error text', policy: 'policy named by a denial (ns/name)', failures: 'failed connections',
      connections: 'all connections of the pair seen by this ztunnel', firstSeen: 'first failure', lastSeen: 'last failure',
    },
  },
  artifacts: {
    description: 'Artifacts collect tried (manifest.json), plus expected artifacts missing from the bundle.',
    fields: {
      ...common,
      path: 'bundle path', target: 'what was requested', status: 'ok, error, skipped or missing', error: 'error text',
      httpStatus: 'HTTP status (0 when none)', impact: 'what the analyzer cannot check without it',
    },
  },
};

export const BUNDLE_FIELDS: Record<string, string> = {
  source: 'bundle path as given', collectedAt: 'collection time (RFC 3339) or empty',
  hasManifest: 'manifest.json present', manifestStatus: 'complete, partial, interrupted or empty',
  ztunnelCount: 'ztunnel pods', istiodCount: 'istiod pods', nodeCount: 'nodes', ambientNamespaces: 'namespaces labelled ambient',
};

export function isCollectionName(name: string): name is CollectionName {
  return Object.hasOwn(COLLECTIONS, name);
}
