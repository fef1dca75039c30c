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
  /** Hours from collection time to leaf expiration (negative when expired; absent without a leaf). */
  hoursToExpiry?: number;
}

/** istiod's view of one ztunnel's xDS stream, and how it compares with the ztunnel's own dump. */
export interface XdsSyncFact extends FactBase {
  ztunnel: string;
  node: string;
  /** Some istiod's syncz/adsz lists this ztunnel. */
  connected: boolean;
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
  /** Per collection: why it could not be built at all ('' or absent when it could). */
  unavailable: Partial<Record<CollectionName, string>>;
}

export type CollectionName = Exclude<keyof FactModel, 'bundle' | 'unavailable'>;
