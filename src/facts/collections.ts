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
      ztunnelLogPresent: 'that ztunnel\'s log is in the bundle',
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
      rootSerial: 'root serial (hex)', rootMismatch: 'the root differs from the one most ztunnels hold',
      hoursToExpiry: 'hours from collection time to leaf expiry (absent without a leaf)',
    },
  },
  xdsSync: {
    description: 'One element per ztunnel: istiod\'s view of its xDS stream (syncz, adsz, debug/config_dump) vs. its own config_dump.',
    fields: {
      ...common,
      ztunnel: 'ztunnel pod', node: 'node', connected: 'an istiod lists this ztunnel', connectionsKnown: 'istiod syncz or adsz is in the bundle', istiod: 'istiod pod serving it',
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
      srcNamespace: 'source namespace', srcIdentity: 'source SPIFFE identity, empty for plaintext clients', dstWorkload: 'destination workload', dstNamespace: 'destination namespace',
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
  components: {
    description: 'One element per Istio component pod (ztunnel, istiod, istio-cni) and waypoint pod.',
    fields: {
      ...common,
      role: 'ztunnel, istiod, istio-cni or waypoint', name: 'pod name', namespace: 'pod namespace', node: 'node', phase: 'pod phase',
      ready: 'pod condition Ready (absent when unknown)', restarts: 'container restarts', lastTerminationReason: 'reason of the last termination (absent when none)',
      image: 'main container image', version: 'Istio version from the image tag', minorSkew: 'minor versions between this component and istiod (absent when unknown)',
    },
  },
  nodes: {
    description: 'One element per node, with its ztunnel and istio-cni pods and the ambient pods that depend on them.',
    fields: {
      ...common,
      name: 'node name', ztunnel: 'ztunnel pod on the node (empty when none)', ztunnelReady: 'that ztunnel is ready',
      cniPod: 'istio-cni pod on the node (empty when none)', cniReady: 'that istio-cni pod is ready', ambientPods: 'pods on the node ambient mode should capture',
      unschedulable: 'spec.unschedulable',
    },
  },
  daemonSets: {
    description: 'One element per DaemonSet in the Istio namespace and kube-system.',
    fields: { ...common, name: 'name', namespace: 'namespace', role: 'ztunnel, istio-cni or other', desired: 'desiredNumberScheduled', ready: 'numberReady', available: 'numberAvailable', misscheduled: 'numberMisscheduled' },
  },
  platform: {
    description: 'One element for the whole bundle: the platform and the settings ambient mode depends on.',
    fields: {
      ...common,
      kind: 'gke, eks, aks, openshift, k3s, kind, minikube or unknown', ztunnelNamespace: 'namespace of the ztunnel pods', cniNamespace: 'namespace of the istio-cni pods',
      systemNodeCriticalQuota: 'a ResourceQuota in the ztunnel namespace admits PriorityClass system-node-critical',
      cilium: 'kube-system/cilium-config is present', ciliumCniExclusive: 'cilium-config cni-exclusive is true',
      ciliumBpfMasquerade: 'cilium-config enable-bpf-masquerade is true', ciliumSocketLb: 'cilium-config bpf-lb-sock is true (or kube-proxy-replacement strict)',
      ciliumSocketLbHostnsOnly: 'cilium-config bpf-lb-sock-hostns-only is true',
    },
  },
  networkPolicies: {
    description: 'One element per NetworkPolicy, with the ambient pods it selects and whether it lets HBONE and kubelet probes in.',
    fields: {
      ...common,
      name: 'name', namespace: 'namespace', ambientPodsSelected: 'ambient pods the policy selects', selectedPods: 'first selected ambient pods',
      restrictsIngress: 'the policy restricts ingress', allowsHbone: 'ingress to TCP 15008 is allowed', allowsProbeSource: 'ingress from 169.254.7.127 is allowed',
    },
  },
  namespaces: {
    description: 'One element per namespace, with its enrolment labels.',
    fields: {
      ...common,
      name: 'name', dataplaneMode: 'label istio.io/dataplane-mode', injection: 'label istio-injection', revision: 'label istio.io/rev',
      useWaypoint: 'label istio.io/use-waypoint', pods: 'pods in the namespace', sidecarPods: 'pods with an istio-proxy sidecar',
    },
  },
  waypoints: {
    description: 'One element per waypoint (Gateway of class istio-waypoint).',
    fields: {
      ...common,
      name: 'name', namespace: 'namespace', waypointFor: 'istio.io/waypoint-for (service when absent)', accepted: 'condition Accepted status', acceptedReason: 'its reason',
      programmed: 'condition Programmed status', programmedReason: 'its reason', usedBy: 'namespaces, services and pods using it',
    },
  },
  waypointUses: {
    description: 'One element per namespace, service or pod labelled istio.io/use-waypoint.',
    fields: {
      ...common,
      kind: 'Namespace, Service or Pod', name: 'name', namespace: 'namespace', waypoint: 'waypoint name', waypointNamespace: 'waypoint namespace',
      waypointExists: 'the waypoint Gateway exists', waypointFor: 'what the waypoint serves', compatible: 'the waypoint serves this kind of traffic',
      appliedInZtunnel: 'yes, no or unknown: ztunnel shows the waypoint on the service/workload',
    },
  },
  istioResources: {
    description: 'One element per Istio or Gateway API resource in cluster/istio/ (AuthorizationPolicy, PeerAuthentication, ServiceEntry, Sidecar, ...).',
    fields: {
      ...common,
      kind: 'kind', name: 'name', namespace: 'namespace', ambientNamespace: 'the namespace is ambient', conditions: 'status.conditions status by type',
      reasons: 'status.conditions reason by type', hasSelector: 'spec.selector is set', hasTargetRefs: 'spec.targetRef(s) is set',
      hasHttpRules: 'AuthorizationPolicy rules use HTTP attributes', mtlsMode: 'PeerAuthentication mtls.mode',
    },
  },
  trafficPairs: {
    description: 'Access-log totals per reporting ztunnel, direction, source workload and destination service.',
    fields: {
      ...common,
      ztunnel: 'reporting ztunnel', node: 'its node', direction: 'inbound or outbound', srcWorkload: 'source workload', srcNamespace: 'source namespace',
      dstService: 'destination service', connections: 'connections', failures: 'failed connections', failurePercent: 'failures * 100 / connections',
      bytesSent: 'bytes sent', bytesRecv: 'bytes received', p50DurationMs: 'median duration (ms)', p95DurationMs: '95th percentile duration (ms)',
      endpoints: 'destination workload -> connections',
    },
  },
  loadBalancing: {
    description: 'Outbound connections of one source to one service with several endpoints, and how evenly they spread.',
    fields: {
      ...common,
      ztunnel: 'reporting ztunnel', srcWorkload: 'source workload', srcNamespace: 'source namespace', dstService: 'service', endpointCount: 'endpoints known to ztunnel',
      connections: 'connections', distribution: 'endpoint -> connections', unusedEndpoints: 'endpoints that got no connection',
      chiSquare: 'chi-square statistic against an even spread', pValue: 'p-value of that test', enoughSamples: 'at least 5 expected connections per endpoint',
    },
  },
};

export const BUNDLE_FIELDS: Record<string, string> = {
  source: 'bundle path as given', collectedAt: 'collection time (RFC 3339) or empty',
  hasManifest: 'manifest.json present', manifestStatus: 'complete, partial, interrupted or empty',
  ztunnelCount: 'ztunnel pods', istiodCount: 'istiod pods', nodeCount: 'nodes', ambientNamespaces: 'namespaces labelled ambient', istiodVersion: 'istiod Istio version',
};

export function isCollectionName(name: string): name is CollectionName {
  return Object.hasOwn(COLLECTIONS, name);
}
