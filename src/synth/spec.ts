/**
 * ClusterSpec: the deterministic description of a synthetic ambient cluster that the generator
 * turns into a bundle. It says what exists (nodes, namespaces, deployments with their replica
 * placement, services, traffic flows), when the bundle was collected (a fixed timestamp, never the
 * wall clock) and which faults to inject. Presets live in presets.ts.
 */

export interface NamespaceSpec {
  name: string;
  labels: Record<string, string>;
}

/** A Deployment; `nodes` places one replica per entry, so placement is explicit and stable. */
export interface DeploymentSpec {
  name: string;
  namespace: string;
  /** `app` label, also the canonical service name. */
  app: string;
  /** `version` label, also the canonical revision. */
  version?: string;
  serviceAccount: string;
  image: string;
  containerPort: number;
  nodes: string[];
}

export interface ServicePortSpec {
  name: string;
  port: number;
  targetPort: number;
}

export interface ServiceSpec {
  name: string;
  namespace: string;
  /** Selects pods whose `app` label equals this. */
  app: string;
  ports: ServicePortSpec[];
}

/** Client connections from every pod of a deployment to a service, round-robin over its endpoints. */
export interface FlowSpec {
  /** Deployment name of the client (same namespace as `namespace`). */
  from: string;
  /** Service name. */
  to: string;
  namespace: string;
  port: number;
  connections: number;
}

/** A pod chosen by its deployment and replica index (0-based, in `nodes` order). */
export interface PodRef {
  deployment: string;
  replica?: number;
}

/** Faults of the broken fixture; each is optional and independent. */
export interface FaultSpec {
  /** a. The ztunnel on `node` was OOM-killed `restarts` times and is not ready. */
  ztunnelOomKilled?: { node: string; restarts: number };
  /** b. The pod lacks the redirection annotation (istio-cni could not add it): protocol TCP. */
  podNotCaptured?: PodRef;
  /** c. The ztunnel holds this pod's in-pod proxy in state Pending (bind failure). */
  proxyPending?: PodRef;
  /** d. On `node`'s ztunnel, `unavailable`'s certificate cannot be fetched, `expired`'s has expired. */
  certificateFailures?: { node: string; unavailableServiceAccount: string; expiredServiceAccount: string };
  /** e. istiod's Address push to `node`'s ztunnel was NACKed; the ztunnel lacks these workloads. */
  xdsNack?: { node: string; missing: PodRef[] };
  /** f. A NetworkPolicy on `to`'s pods allows only the app port, so HBONE (15008) times out. */
  networkPolicyBlocksHbone?: { from: string; to: string };
  /** f. Connections from `from` to the endpoint `refusedBy` of service `to` are refused. */
  connectionRefused?: { from: string; to: string; refusedBy: PodRef };
  /** g. A DENY AuthorizationPolicy on `to`'s pods for the service account of `from`. */
  denyPolicy?: { name: string; from: string; to: string };
  /** h. Fetching `node`'s ztunnel config_dump was forbidden for `user`. */
  configDumpForbidden?: { node: string; user: string };
}

export interface ClusterSpec {
  /** Seed of every random choice. */
  seed: number;
  istioVersion: string;
  kubernetesVersion: string;
  /** When collection started (RFC 3339, UTC); all other times are relative to it. */
  collectedAt: string;
  /** Version written into manifest.json; fixed so fixtures do not drift with the package version. */
  toolVersion: string;
  /** Minutes of access-log traffic before collectedAt. */
  trafficWindowMinutes: number;
  /** Node names; the first is the control-plane node. */
  nodes: string[];
  istiodNode: string;
  namespaces: NamespaceSpec[];
  deployments: DeploymentSpec[];
  services: ServiceSpec[];
  flows: FlowSpec[];
  faults: FaultSpec;
}
