/**
 * The fact model: typed, read-only, plain-JSON views of a bundle that rules iterate.
 * Each collection element carries its `subject` (what a finding is about) and `evidence`
 * (where in the bundle it comes from), so rules only decide *whether* something is wrong.
 * Facts are plain data (no class instances, no undefined values) because they are bound
 * into CEL, where an absent field is tested with has().
 */
import type { Evidence, Subject } from '../report/types.js';

export interface FactBase {
  subject: Subject;
  evidence: Evidence[];
}

/** One ztunnel pod, from cluster/pods.json and/or its ztunnel/<pod>/ directory. */
export interface ZtunnelFact extends FactBase {
  name: string;
  namespace: string;
  node: string;
  phase: string;
  /** Pod condition Ready; absent when pods.json has no status for the pod. */
  ready?: boolean;
  restarts: number;
  lastTerminationReason?: string;
  lastTerminationExitCode?: number;
  /** From ready.txt (GET :15021/healthz/ready). */
  readyProbe?: { status: number; ready: boolean; pending: string[] };
  version?: string;
  hasConfigDump: boolean;
  hasLog: boolean;
  hasPreviousLog: boolean;
  hasMetrics: boolean;
  workloadCount: number;
  serviceCount: number;
  policyCount: number;
  /** Sum of istio_xds_connection_terminations_total for reasons other than Reconnect/Complete. */
  xdsTerminationErrors: number;
  /** workload_manager_pending_proxy_count. */
  pendingProxies: number;
  /** warn/error lines in the log, by level. */
  logErrors: number;
  logWarnings: number;
}

/** A pod of the cluster (not Istio's own components), with what ambient mode should do with it. */
export interface PodFact extends FactBase {
  name: string;
  namespace: string;
  uid: string;
  node: string;
  phase: string;
  ip: string;
  hostNetwork: boolean;
  /** Namespace label istio.io/dataplane-mode. */
  namespaceDataplaneMode: string;
  /** Pod label istio.io/dataplane-mode (e.g. none to opt out). */
  podDataplaneMode: string;
  /** Annotation ambient.istio.io/redirection ('' when absent). */
  redirection: string;
  hasSidecar: boolean;
  /** True when ambient mode should capture this pod (namespace or pod opted in, not excluded). */
  expectedInMesh: boolean;
  /** The ztunnel pod on this pod's node ('' when none). */
  ztunnel: string;
  /** Whether that ztunnel's config_dump is in the bundle. */
  ztunnelDumpPresent: boolean;
  /** Whether that ztunnel's config_dump lists this pod (by uid, or namespace/name). */
  trackedByZtunnel: boolean;
  /** Protocol the node's ztunnel holds for the pod: HBONE (captured) or TCP ('' when not tracked). */
  ztunnelProtocol: string;
  /** The pod's outbound/inbound access log lines seen on its node's ztunnel. */
  accessLogLines: number;
  /** The log of that ztunnel is in the bundle (so accessLogLines means something). */
  ztunnelLogPresent: boolean;
}

/** An entry of a ztunnel's workloadState (in-pod proxies it manages). */
export interface WorkloadStateFact extends FactBase {
  ztunnel: string;
  node: string;
  uid: string;
  state: string;
  podName: string;
  podNamespace: string;
}

/** A certificate a ztunnel holds for a local identity. */
export interface CertificateFact extends FactBase {
  ztunnel: string;
  node: string;
  identity: string;
  /** Available | Initializing | Unavailable */
  state: string;
  /** The text after 'Unavailable: ' ('' otherwise). */
  reason: string;
  chainLength: number;
  leafSerial: string;
  leafValidFrom: string;
  leafExpiration: string;
  /** Leaf expiration before the bundle's collection time. */
  expired: boolean;
  /** Serial (hex) of the root certificate, '' when none. */
  rootSerial: string;
  /** The root differs from the one most ztunnels hold (a trust domain or CA mismatch). */
  rootMismatch: boolean;
  /** Hours from collection time to leaf expiration (negative when expired; absent without a leaf). */
  hoursToExpiry?: number;
}

/** istiod's view of one ztunnel's xDS stream, and how it compares with the ztunnel's own dump. */
export interface XdsSyncFact extends FactBase {
  ztunnel: string;
  node: string;
  /** Some istiod's syncz/adsz lists this ztunnel. */
  connected: boolean;
  /** The bundle holds istiod's list of connected proxies (syncz or adsz), so `connected` is known. */
  connectionsKnown: boolean;
  istiod: string;
  addressSent: string;
  addressAcked: string;
  authorizationSent: string;
  authorizationAcked: string;
  lastError: string;
  /** sent != acked for a ztunnel type, or a lastError. */
  stale: boolean;
  hasIstiodView: boolean;
  hasZtunnelDump: boolean;
  /** Workloads istiod sends this ztunnel that its config_dump lacks (names, first 10). */
  missingWorkloads: string[];
  missingWorkloadCount: number;
  /** Workloads whose protocol differs between istiod's view and the ztunnel's. */
  protocolMismatches: string[];
}

/** Warning and error log events other than access logs, grouped per component and message. */
export interface LogIssueFact extends FactBase {
  component: 'ztunnel' | 'istiod' | 'istio-cni';
  pod: string;
  node: string;
  level: string;
  target: string;
  /** The message with addresses, ids and durations replaced, to group repeats. */
  pattern: string;
  /** xds-connection | cert-fetch | inpod-start | cni-ztunnel-connection | dns | other */
  topic: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** Access-log outcomes grouped by reporting ztunnel, direction, source, destination and error class. */
export interface TrafficErrorFact extends FactBase {
  ztunnel: string;
  node: string;
  direction: string;
  srcWorkload: string;
  srcNamespace: string;
  /** SPIFFE identity of the source ('' for plaintext, out-of-mesh clients). */
  srcIdentity: string;
  dstWorkload: string;
  dstNamespace: string;
  dstService: string;
  dstAddr: string;
  /** Error class from the error text (networkpolicy-timeout, policy-denied, connection-refused, ...). */
  errorClass: string;
  /** The error text of the first occurrence. */
  error: string;
  /** For policy denials: the policy named in the error (ns/name), '' otherwise. */
  policy: string;
  failures: number;
  /** All connections of the same pair and direction seen by this ztunnel (failed or not). */
  connections: number;
  firstSeen: string;
  lastSeen: string;
}

/** An artifact collect tried (from manifest.json), or one the analyzer expected and did not find. */
export interface ArtifactFact extends FactBase {
  path: string;
  target: string;
  /** ok | error | skipped | missing (expected but not in the bundle, and not in the manifest). */
  status: string;
  error: string;
  httpStatus: number;
  /** What the missing artifact prevents the analyzer from checking. */
  impact: string;
}


/** An Istio component pod (ztunnel, istiod, istio-cni) or a waypoint, for health and versions. */
export interface ComponentFact extends FactBase {
  /** ztunnel | istiod | istio-cni | waypoint */
  role: string;
  name: string;
  namespace: string;
  node: string;
  phase: string;
  ready?: boolean;
  restarts: number;
  lastTerminationReason?: string;
  image: string;
  /** Istio version from the image tag (e.g. 1.28.0), '' when unknown. */
  version: string;
  /** Minor-version distance to istiod's (absent when either is unknown). */
  minorSkew?: number;
}

/** A node, with the ambient components it runs and the ambient pods that depend on them. */
export interface NodeFact extends FactBase {
  name: string;
  ztunnel: string;
  ztunnelReady: boolean;
  cniPod: string;
  cniReady: boolean;
  /** Pods on this node that ambient mode should capture. */
  ambientPods: number;
  unschedulable: boolean;
}

/** A DaemonSet of the Istio namespace or kube-system. */
export interface DaemonSetFact extends FactBase {
  name: string;
  namespace: string;
  /** ztunnel | istio-cni | other */
  role: string;
  desired: number;
  ready: number;
  available: number;
  misscheduled: number;
}

/** Bundle-wide platform facts (one element), for the platform prerequisites of ambient mode. */
export interface PlatformFact extends FactBase {
  /** gke | eks | aks | openshift | k3s | kind | minikube | unknown */
  kind: string;
  ztunnelNamespace: string;
  cniNamespace: string;
  /** A ResourceQuota in the ztunnel namespace allows PriorityClass system-node-critical. */
  systemNodeCriticalQuota: boolean;
  cilium: boolean;
  ciliumCniExclusive: boolean;
  ciliumBpfMasquerade: boolean;
  ciliumSocketLb: boolean;
  ciliumSocketLbHostnsOnly: boolean;
}

/** A NetworkPolicy, with what it means for the ambient pods it selects. */
export interface NetworkPolicyFact extends FactBase {
  name: string;
  namespace: string;
  /** Ambient pods the policy selects. */
  ambientPodsSelected: number;
  /** First selected ambient pods (namespace/name, up to 5). */
  selectedPods: string[];
  restrictsIngress: boolean;
  /** Ingress to TCP 15008 (HBONE) is allowed by some rule. */
  allowsHbone: boolean;
  /** Ingress from 169.254.7.127 (ztunnel's SNAT address for kubelet probes) is allowed. */
  allowsProbeSource: boolean;
}

/** A namespace and how it is enrolled. */
export interface NamespaceFact extends FactBase {
  name: string;
  dataplaneMode: string;
  /** istio-injection label ('' when absent). */
  injection: string;
  revision: string;
  useWaypoint: string;
  pods: number;
  sidecarPods: number;
}

/** A waypoint (Gateway of class istio-waypoint). */
export interface WaypointFact extends FactBase {
  name: string;
  namespace: string;
  /** istio.io/waypoint-for: service (default) | workload | all | none */
  waypointFor: string;
  accepted: string;
  acceptedReason: string;
  programmed: string;
  programmedReason: string;
  /** Namespaces, services and pods that use it. */
  usedBy: number;
}

/** An object labelled istio.io/use-waypoint, and whether the waypoint took effect. */
export interface WaypointUseFact extends FactBase {
  /** Namespace | Service | Pod */
  kind: string;
  name: string;
  namespace: string;
  waypoint: string;
  waypointNamespace: string;
  waypointExists: boolean;
  waypointFor: string;
  /** The waypoint serves this kind of traffic (service or workload). */
  compatible: boolean;
  /** yes | no | unknown: ztunnel config_dumps show the waypoint on the service/workloads. */
  appliedInZtunnel: string;
}

/** An Istio or Gateway API resource (AuthorizationPolicy, PeerAuthentication, ServiceEntry, Sidecar, ...). */
export interface IstioResourceFact extends FactBase {
  kind: string;
  name: string;
  namespace: string;
  ambientNamespace: boolean;
  /** status.conditions by type: "True" | "False" | "Unknown". */
  conditions: Record<string, string>;
  /** status.conditions reasons by type. */
  reasons: Record<string, string>;
  /** AuthorizationPolicy: uses spec.selector (not targetRefs). */
  hasSelector: boolean;
  hasTargetRefs: boolean;
  /** AuthorizationPolicy: rules use HTTP attributes (methods, paths, hosts, request.* conditions). */
  hasHttpRules: boolean;
  /** PeerAuthentication mtls.mode ('' otherwise). */
  mtlsMode: string;
}

/** Access-log totals per reporting ztunnel, direction, source and destination service. */
export interface TrafficPairFact extends FactBase {
  ztunnel: string;
  node: string;
  direction: string;
  srcWorkload: string;
  srcNamespace: string;
  dstService: string;
  connections: number;
  failures: number;
  /** failures * 100 / connections, rounded down. */
  failurePercent: number;
  bytesSent: number;
  bytesRecv: number;
  p50DurationMs: number;
  p95DurationMs: number;
  /** Destination workloads with their connection counts. */
  endpoints: Record<string, number>;
}

/** Outbound connections of one source to one service, across that service's endpoints. */
export interface LoadBalancingFact extends FactBase {
  ztunnel: string;
  srcWorkload: string;
  srcNamespace: string;
  dstService: string;
  /** Endpoints of the service known to the ztunnel. */
  endpointCount: number;
  connections: number;
  /** Endpoint workload -> connections (0 for endpoints never picked). */
  distribution: Record<string, number>;
  unusedEndpoints: number;
  /** Chi-square goodness-of-fit statistic against an even spread, and its p-value. */
  chiSquare: number;
  pValue: number;
  /** Enough connections for the test to mean something (at least 5 expected per endpoint). */
  enoughSamples: boolean;
}

/** Bundle-wide facts, bound as `bundle` in every condition. */
export interface BundleFacts {
  source: string;
  /** RFC 3339; the manifest's collectedAt, else the newest timestamp seen in the bundle, else ''. */
  collectedAt: string;
  hasManifest: boolean;
  manifestStatus: string;
  ztunnelCount: number;
  istiodCount: number;
  nodeCount: number;
  ambientNamespaces: string[];
  /** istiod's Istio version from its image tag, '' when unknown. */
  istiodVersion: string;
}

export interface FactModel {
  bundle: BundleFacts;
  ztunnels: ZtunnelFact[];
  pods: PodFact[];
  workloadStates: WorkloadStateFact[];
  certificates: CertificateFact[];
  xdsSync: XdsSyncFact[];
  logIssues: LogIssueFact[];
  trafficErrors: TrafficErrorFact[];
  artifacts: ArtifactFact[];
  components: ComponentFact[];
  nodes: NodeFact[];
  daemonSets: DaemonSetFact[];
  platform: PlatformFact[];
  networkPolicies: NetworkPolicyFact[];
  namespaces: NamespaceFact[];
  waypoints: WaypointFact[];
  waypointUses: WaypointUseFact[];
  istioResources: IstioResourceFact[];
  trafficPairs: TrafficPairFact[];
  loadBalancing: LoadBalancingFact[];
  /** Per collection: why it could not be built at all ('' or absent when it could). */
  unavailable: Partial<Record<CollectionName, string>>;
}

export type CollectionName = Exclude<keyof FactModel, 'bundle' | 'unavailable'>;
