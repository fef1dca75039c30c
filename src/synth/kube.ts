/**
 * Kubernetes objects as `kubectl get -o json` prints them (sorted keys, 4-space indent): the
 * lists under cluster/, the ztunnel pod objects, and the Istio/Gateway API resource lists. Pod
 * status (Ready condition, restarts, lastState OOMKilled) comes from the model, so it matches
 * ztunnel's readiness and logs.
 */
import { cluster } from '../bundle/paths.js';
import { kubectlJson } from './json.js';
import type { ClusterModel, NodeModel, PodModel } from './model.js';
import { ISTIO_NS } from './model.js';
import { addSeconds } from './time.js';

type Obj = Record<string, unknown>;

export function list(apiVersion: string, kind: string, items: unknown[]): string {
  return kubectlJson({ apiVersion, items, kind, metadata: { resourceVersion: '' } });
}

function resourceVersion(model: ClusterModel, label: string): string {
  return String(model.rng.fork(`rv/${label}`).int(1000, 99999));
}

export function podObject(model: ClusterModel, p: PodModel): Obj {
  const rng = model.rng.fork(`pod/${p.name}`);
  const containerId = `containerd://${rng.hex(64)}`;
  const ready = p.ready ? 'True' : 'False';
  const condTime = p.ready ? addSeconds(p.startedAt, 2) : addSeconds(p.startedAt, 1);
  const conditions = [
    { lastProbeTime: null, lastTransitionTime: addSeconds(p.createdAt, 2), status: 'True', type: 'PodReadyToStartContainers' },
    { lastProbeTime: null, lastTransitionTime: addSeconds(p.createdAt, 1), status: 'True', type: 'Initialized' },
    { lastProbeTime: null, lastTransitionTime: condTime, status: ready, type: 'Ready', ...(p.ready ? {} : { message: `containers with unready status: [${p.containerName}]`, reason: 'ContainersNotReady' }) },
    { lastProbeTime: null, lastTransitionTime: condTime, status: ready, type: 'ContainersReady', ...(p.ready ? {} : { message: `containers with unready status: [${p.containerName}]`, reason: 'ContainersNotReady' }) },
    { lastProbeTime: null, lastTransitionTime: p.createdAt, status: 'True', type: 'PodScheduled' },
  ];
  const imageId = `${p.image.replace(/:[^:/]+$/, '')}@sha256:${rng.hex(64)}`;
  const containerStatus: Obj = {
    containerID: containerId, image: p.image, imageID: imageId, name: p.containerName, ready: p.ready,
    restartCount: p.restartCount, started: true, state: { running: { startedAt: p.startedAt } },
    lastState: p.lastTermination
      ? { terminated: { containerID: `containerd://${rng.hex(64)}`, exitCode: p.lastTermination.exitCode, finishedAt: p.lastTermination.finishedAt, reason: p.lastTermination.reason, startedAt: p.lastTermination.startedAt } }
      : {},
  };
  const isZtunnel = p.labels.app === 'ztunnel';
  const container: Obj = {
    image: p.image, imagePullPolicy: 'IfNotPresent', name: p.containerName,
    ports: [{ containerPort: p.containerPort, name: isZtunnel ? 'ztunnel-stats' : 'http', protocol: 'TCP' }],
    resources: isZtunnel ? { limits: { memory: '1Gi' }, requests: { cpu: '200m', memory: '512Mi' } } : {},
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    ...(isZtunnel ? { readinessProbe: { failureThreshold: 3, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 } } : {}),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(Object.keys(p.annotations).length > 0 ? { annotations: p.annotations } : {}),
      creationTimestamp: p.createdAt,
      generateName: p.name.replace(/[^-]+$/, ''),
      labels: p.labels,
      name: p.name,
      namespace: p.namespace,
      ownerReferences: [{ apiVersion: p.owner.kind === 'DaemonSet' ? 'apps/v1' : 'apps/v1', blockOwnerDeletion: true, controller: true, kind: p.owner.kind, name: p.owner.name, uid: model.rng.fork(`owner/${p.owner.name}`).uuid() }],
      resourceVersion: resourceVersion(model, p.name),
      uid: p.uid,
    },
    spec: {
      containers: [container], dnsPolicy: 'ClusterFirst', enableServiceLinks: true, ...(p.hostNetwork ? { hostNetwork: true } : {}),
      nodeName: p.node, preemptionPolicy: 'PreemptLowerPriority', priority: 0, restartPolicy: 'Always', schedulerName: 'default-scheduler',
      securityContext: {}, serviceAccount: p.serviceAccount, serviceAccountName: p.serviceAccount, terminationGracePeriodSeconds: isZtunnel ? 30 : 30,
    },
    status: {
      conditions, containerStatuses: [containerStatus], hostIP: model.nodeByName.get(p.node)!.ip, hostIPs: [{ ip: model.nodeByName.get(p.node)!.ip }],
      phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }], qosClass: isZtunnel ? 'Burstable' : 'BestEffort', startTime: p.createdAt,
    },
  };
}

function nodeObject(model: ClusterModel, n: NodeModel): Obj {
  const k = model.spec.kubernetesVersion;
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
      creationTimestamp: model.clusterCreatedAt,
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...(n.controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
      name: n.name, resourceVersion: resourceVersion(model, n.name), uid: n.uid,
    },
    spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr], providerID: `kind://docker/ambient/${n.name}`, ...(n.controlPlane ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] } : {}) },
    status: {
      addresses: [{ address: n.ip, type: 'InternalIP' }, { address: n.name, type: 'Hostname' }],
      allocatable: { cpu: '8', 'ephemeral-storage': '102626232Ki', memory: '16283436Ki', pods: '110' },
      capacity: { cpu: '8', 'ephemeral-storage': '102626232Ki', memory: '16283436Ki', pods: '110' },
      conditions: [
        { lastHeartbeatTime: addSeconds(model.spec.collectedAt, -40), lastTransitionTime: model.clusterCreatedAt, message: 'kubelet has sufficient memory available', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
        { lastHeartbeatTime: addSeconds(model.spec.collectedAt, -40), lastTransitionTime: addSeconds(model.clusterCreatedAt, 25), message: 'kubelet is posting ready status', reason: 'KubeletReady', status: 'True', type: 'Ready' },
      ],
      nodeInfo: { architecture: 'amd64', containerRuntimeVersion: 'containerd://2.1.1', kernelVersion: '6.8.0-1015-gcp', kubeProxyVersion: k, kubeletVersion: k, operatingSystem: 'linux', osImage: 'Debian GNU/Linux 12 (bookworm)' },
    },
  };
}

function daemonSet(model: ClusterModel, name: string, pods: PodModel[]): Obj {
  const ready = pods.filter((p) => p.ready).length;
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { creationTimestamp: model.istioInstalledAt, generation: 1, labels: { app: name }, name, namespace: ISTIO_NS, resourceVersion: resourceVersion(model, `ds/${name}`), uid: model.rng.fork(`owner/${name}`).uuid() },
    spec: { selector: { matchLabels: { app: name } }, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' } },
    status: {
      currentNumberScheduled: pods.length, desiredNumberScheduled: pods.length, numberAvailable: ready, numberMisscheduled: 0,
      numberReady: ready, ...(ready < pods.length ? { numberUnavailable: pods.length - ready } : {}), observedGeneration: 1, updatedNumberScheduled: pods.length,
    },
  };
}

function serviceObjects(model: ClusterModel): Obj[] {
  return model.services.map((s) => ({
    apiVersion: 'v1', kind: 'Service',
    metadata: { creationTimestamp: s.createdAt, labels: { app: s.selector.app, service: s.name }, name: s.name, namespace: s.namespace, resourceVersion: resourceVersion(model, `svc/${s.name}`), uid: s.uid },
    spec: {
      clusterIP: s.vip, clusterIPs: [s.vip], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, protocol: s.name === 'kube-dns' && p.name === 'dns' ? 'UDP' : 'TCP', targetPort: p.targetPort })),
      selector: s.selector, sessionAffinity: 'None', type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  }));
}

function endpointSlices(model: ClusterModel): Obj[] {
  const rng = model.rng.fork('endpointslices');
  return model.services.map((s) => ({
    addressType: 'IPv4', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    endpoints: s.endpoints.map((p) => ({
      addresses: [p.ip], conditions: { ready: p.ready, serving: p.ready, terminating: false }, nodeName: p.node,
      targetRef: { kind: 'Pod', name: p.name, namespace: p.namespace, uid: p.uid },
    })),
    metadata: {
      creationTimestamp: s.createdAt, generateName: `${s.name}-`, labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': s.name },
      name: `${s.name}-${rng.kubeSuffix()}`, namespace: s.namespace, resourceVersion: resourceVersion(model, `eps/${s.name}`), uid: rng.uuid(),
    },
    ports: s.ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: 'TCP' })),
  }));
}

function events(model: ClusterModel): Obj[] {
  const out: Obj[] = [];
  const rng = model.rng.fork('events');
  const event = (p: PodModel, type: string, reason: string, message: string, count: number, first: string, last: string) => out.push({
    apiVersion: 'v1', count, firstTimestamp: first, involvedObject: { apiVersion: 'v1', fieldPath: `spec.containers{${p.containerName}}`, kind: 'Pod', name: p.name, namespace: p.namespace, uid: p.uid },
    kind: 'Event', lastTimestamp: last, message, metadata: { creationTimestamp: first, name: `${p.name}.${rng.hex(16)}`, namespace: p.namespace, resourceVersion: resourceVersion(model, `ev/${out.length}`), uid: rng.uuid() },
    reason, reportingComponent: 'kubelet', reportingInstance: p.node, source: { component: 'kubelet', host: p.node }, type,
  });
  for (const n of model.nodes) {
    const zt = n.ztunnel;
    if (zt.lastTermination) {
      event(zt, 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 500', 14, addSeconds(model.spec.collectedAt, -1500), addSeconds(model.spec.collectedAt, -12));
      event(zt, 'Warning', 'BackOff', 'Back-off restarting failed container istio-proxy in pod ' + `${zt.name}_${ISTIO_NS}(${zt.uid})`, 3, addSeconds(model.spec.collectedAt, -1300), addSeconds(model.spec.collectedAt, -96));
      event(zt, 'Normal', 'Started', 'Started container istio-proxy', zt.restartCount + 1, zt.startedAt, zt.startedAt);
    }
  }
  return out;
}

function networkPolicies(model: ClusterModel): Obj[] {
  const f = model.spec.faults.networkPolicyBlocksHbone;
  // Healthy: the same policy, but allowing HBONE as the ambient docs require.
  const target = f?.to ?? (model.services.some((s) => s.name === 'productpage') ? 'productpage' : undefined);
  const svc = model.services.find((s) => s.name === target);
  if (!svc) return [];
  const ports = svc.ports.map((p) => ({ port: p.targetPort, protocol: 'TCP' }));
  if (!f) ports.push({ port: 15008, protocol: 'TCP' });
  return [{
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { creationTimestamp: addSeconds(model.spec.collectedAt, -3 * 3600), generation: 1, name: `${svc.name}-ingress`, namespace: svc.namespace, resourceVersion: resourceVersion(model, 'np'), uid: model.rng.fork('np').uuid() },
    spec: { ingress: [{ ports }], podSelector: { matchLabels: svc.selector }, policyTypes: ['Ingress'] },
  }];
}

function authorizationPolicies(model: ClusterModel): Obj[] {
  const deny = model.spec.faults.denyPolicy;
  if (!deny) return [];
  const from = model.spec.deployments.find((d) => d.name === deny.from)!;
  const target = model.services.find((s) => s.name === deny.to)!;
  return [{
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy',
    metadata: { creationTimestamp: addSeconds(model.spec.collectedAt, -2 * 3600), generation: 1, name: deny.name, namespace: target.namespace, resourceVersion: resourceVersion(model, 'ap'), uid: model.rng.fork('ap').uuid() },
    spec: { action: 'DENY', rules: [{ from: [{ source: { principals: [`cluster.local/ns/${from.namespace}/sa/${from.serviceAccount}`] } }] }], selector: { matchLabels: target.selector } },
  }];
}

function configMaps(model: ClusterModel): Record<string, Obj> {
  const meta = (name: string) => ({ creationTimestamp: model.istioInstalledAt, labels: { 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', release: 'istio' }, name, namespace: ISTIO_NS, resourceVersion: resourceVersion(model, `cm/${name}`), uid: model.rng.fork(`cm/${name}`).uuid() });
  return {
    istio: {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('istio'),
      data: {
        mesh: 'defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\ndefaultProviders:\n  metrics:\n  - prometheus\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local',
        meshNetworks: 'networks: {}',
      },
    },
    'istio-cni-config': {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('istio-cni-config'),
      data: {
        AMBIENT_DNS_CAPTURE: 'true', AMBIENT_ENABLED: 'true', AMBIENT_IPV6: 'true', AMBIENT_RECONCILE_POD_RULES_ON_STARTUP: 'false',
        CHAINED_CNI_PLUGIN: 'true', CURRENT_AGENT_VERSION: model.spec.istioVersion, EXCLUDED_NAMESPACES: 'kube-system', LOG_LEVEL: 'info',
        REPAIR_ENABLED: 'true', REPAIR_DELETE_PODS: 'false', REPAIR_LABEL_PODS: 'false',
      },
    },
  };
}

export interface KubeFile { path: string; target: string; text: string }

/** Every cluster/ file of the bundle, with the request the collector would have made. */
export function clusterFiles(model: ClusterModel): KubeFile[] {
  const c = cluster;
  const [major, minor] = model.spec.kubernetesVersion.slice(1).split('.');
  const ds = (name: string) => daemonSet(model, name, model.nodes.map((n) => (name === 'ztunnel' ? n.ztunnel : n.cni)));
  const cms = configMaps(model);
  return [
    { path: c.version, target: 'GET /version', text: kubectlJson({ major, minor, gitVersion: model.spec.kubernetesVersion, gitCommit: model.rng.fork('k8s').hex(40), gitTreeState: 'clean', buildDate: '2026-05-15T08:27:33Z', goVersion: 'go1.24.2', compiler: 'gc', platform: 'linux/amd64' }) },
    { path: c.nodes, target: 'GET /api/v1/nodes', text: list('v1', 'NodeList', model.nodes.map((n) => nodeObject(model, n))) },
    { path: c.namespaces, target: 'GET /api/v1/namespaces', text: list('v1', 'NamespaceList', model.spec.namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { creationTimestamp: ns.name === 'legacy' || ns.name === 'apps' ? addSeconds(model.clusterCreatedAt, 3600) : model.clusterCreatedAt, labels: ns.labels, name: ns.name, resourceVersion: resourceVersion(model, `ns/${ns.name}`), uid: model.rng.fork(`ns/${ns.name}`).uuid() }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } }))) },
    { path: c.pods, target: 'GET /api/v1/pods', text: list('v1', 'PodList', model.pods.map((p) => podObject(model, p))) },
    { path: c.services, target: 'GET /api/v1/services', text: list('v1', 'ServiceList', serviceObjects(model)) },
    { path: c.endpointSlices, target: 'GET /apis/discovery.k8s.io/v1/endpointslices', text: list('discovery.k8s.io/v1', 'EndpointSliceList', endpointSlices(model)) },
    { path: c.daemonSets, target: 'GET /apis/apps/v1/namespaces/istio-system/daemonsets', text: list('apps/v1', 'DaemonSetList', [ds('istio-cni-node'), ds('ztunnel')]) },
    { path: c.resourceQuotas, target: 'GET /api/v1/namespaces/istio-system/resourcequotas', text: list('v1', 'ResourceQuotaList', []) },
    { path: c.events, target: 'GET /api/v1/events', text: list('v1', 'EventList', events(model)) },
    { path: c.networkPolicies, target: 'GET /apis/networking.k8s.io/v1/networkpolicies', text: list('networking.k8s.io/v1', 'NetworkPolicyList', networkPolicies(model)) },
    { path: c.istioResource('authorizationpolicies', 'security.istio.io'), target: 'GET /apis/security.istio.io/v1/authorizationpolicies', text: list('security.istio.io/v1', 'AuthorizationPolicyList', authorizationPolicies(model)) },
    { path: c.istioResource('peerauthentications', 'security.istio.io'), target: 'GET /apis/security.istio.io/v1/peerauthentications', text: list('security.istio.io/v1', 'PeerAuthenticationList', []) },
    { path: c.istioResource('gateways', 'gateway.networking.k8s.io'), target: 'GET /apis/gateway.networking.k8s.io/v1/gateways', text: list('gateway.networking.k8s.io/v1', 'GatewayList', []) },
    { path: c.configMap(ISTIO_NS, 'istio'), target: 'GET /api/v1/namespaces/istio-system/configmaps/istio', text: kubectlJson(cms.istio) },
    { path: c.configMap(ISTIO_NS, 'istio-cni-config'), target: 'GET /api/v1/namespaces/istio-system/configmaps/istio-cni-config', text: kubectlJson(cms['istio-cni-config']) },
  ];
}
