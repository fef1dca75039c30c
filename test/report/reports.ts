/**
 * Realistic reports for the renderer tests, built the way the engine builds them: findings with
 * evidence pointing into ztunnel config dumps and logs, sorted by severity, with counts that
 * match. `hostileReport` puts injection payloads in every field that comes from a bundle.
 */
import { SEVERITIES, type Finding, type Report, type Severity, type SkippedRule } from '../../src/report/types.js';

export const ACCESS_LOG_FAILURE =
  '2024-05-04T10:11:04.974720Z error   access  connection complete src.addr=10.244.1.12:35536 src.workload="curl-7656cf8794-r7zb9" ' +
  'src.namespace="default" src.identity="spiffe://cluster.local/ns/default/sa/curl" dst.addr=10.244.1.7:15008 dst.hbone_addr="10.244.1.7:9080" ' +
  'dst.service="reviews.default.svc.cluster.local" dst.workload="reviews-v1-5fd6d4f8f8-26j92" direction="outbound" bytes_sent=0 bytes_recv=0 ' +
  'duration="2ms" error="io error: Connection refused (os error 111)"';

export const certFinding: Finding = {
  ruleId: 'certificate-unavailable',
  title: 'Workload certificate could not be issued',
  severity: 'critical',
  category: 'certificates',
  subject: { kind: 'Certificate', name: 'spiffe://cluster.local/ns/reviews/sa/bookinfo-reviews', node: 'worker-2' },
  message: 'ztunnel ztunnel-6hvcw has no valid certificate for spiffe://cluster.local/ns/reviews/sa/bookinfo-reviews: signing gRPC error.',
  evidence: [
    {
      file: 'ztunnel/ztunnel-6hvcw/config_dump.json',
      pointer: '/certificates/2/state',
      excerpt:
        '"Unavailable: signing gRPC error (The service is currently unavailable): error trying to connect: TLS handshake failed: cert verification failed - unable to get local issuer certificate [CERTIFICATE_VERIFY_FAILED]"',
    },
  ],
  remediation: 'Check that istiod is reachable from ztunnel on port 15012 and that the root CA in istio-ca-root-cert matches istiod.',
  docs: 'https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/#verifying-ztunnel-load-balancing',
};

export const trafficFinding: Finding = {
  ruleId: 'access-log-connection-refused',
  title: 'Connections refused by the destination',
  severity: 'error',
  category: 'traffic',
  subject: { kind: 'Workload', namespace: 'reviews', name: 'reviews-v1-5fd6d4f8f8-26j92', node: 'worker-1' },
  message: '3 outbound connections from curl-7656cf8794-r7zb9 to reviews-v1-5fd6d4f8f8-26j92 failed with "Connection refused".',
  evidence: [
    { file: 'ztunnel/ztunnel-x2k9p/ztunnel.log', line: 4127, excerpt: ACCESS_LOG_FAILURE },
    { file: 'ztunnel/ztunnel-x2k9p/config_dump.json', pointer: '/workloads/7' },
  ],
  remediation: 'Check that the destination pod listens on port 9080 and that its readiness probe passes.',
  docs: 'https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/',
};

export const xdsFinding: Finding = {
  ruleId: 'xds-connection-errors',
  title: 'ztunnel cannot reach istiod',
  severity: 'warning',
  category: 'xds-sync',
  subject: { kind: 'Ztunnel', namespace: 'istio-system', name: 'ztunnel-x2k9p', node: 'worker-1' },
  message: 'ztunnel-x2k9p logged 12 XDS client connection errors.',
  evidence: [
    {
      file: 'ztunnel/ztunnel-x2k9p/ztunnel.log',
      line: 88,
      excerpt:
        '2024-05-04T09:58:01.120000Z warn    xds::client     XDS client connection error: gRPC connection error connecting to https://istiod.istio-system.svc:15012: status: Unknown, message: "client error (Connect)", retrying in 80ms',
    },
  ],
  remediation: 'Check istiod health and any NetworkPolicy between istio-system pods.',
  docs: 'https://istio.io/latest/docs/ambient/usage/troubleshoot-ztunnel/',
};

export const infoFinding: Finding = {
  ruleId: 'ztunnel-version-skew',
  title: 'ztunnel and istiod versions differ',
  severity: 'info',
  category: 'versions',
  subject: { kind: 'Istiod', namespace: 'istio-system', name: 'istiod-5d8f7c9b6-abcde' },
  message: 'istiod runs 1.24.2 while ztunnel runs 1.23.4.',
  evidence: [{ file: 'cluster/pods.json', pointer: '/items/12/spec/containers/0/image' }],
  remediation: 'Upgrade ztunnel to match istiod.',
  docs: 'https://istio.io/latest/docs/releases/supported-releases/',
};

export const skippedRule: SkippedRule = {
  ruleId: 'cni-add-failures',
  title: 'istio-cni failed to add pods to ztunnel',
  category: 'redirection',
  reason: 'the bundle has no istio-cni logs (cni/*/install-cni.log): collector cni-logs was forbidden',
};

export function buildReport(findings: Finding[], extra: Partial<Report> = {}): Report {
  const order = (s: Severity) => SEVERITIES.indexOf(s);
  const sorted = [...findings].sort((a, b) => order(a.severity) - order(b.severity));
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, sorted.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const skippedRules = extra.skippedRules ?? [skippedRule];
  return {
    schemaVersion: '1',
    tool: { name: 'ztunnel-bundle', version: '0.1.0' },
    bundle: { source: 'bundles/prod-eu1-2024-05-04.tar.gz', collectedAt: '2024-05-04T10:12:00Z', ztunnelPods: 3 },
    summary: { ...counts, rulesRun: 14, rulesSkipped: skippedRules.length, suppressed: 1 },
    findings: sorted,
    skippedRules,
    ruleErrors: [],
    ...extra,
  };
}

export const realisticReport = (): Report =>
  buildReport([infoFinding, xdsFinding, certFinding, trafficFinding], {
    ruleErrors: [{ ruleId: 'policy-denials', subject: 'ztunnel-6hvcw', reason: 'no such key: rbac' }],
  });

/** n findings spread over severities, each with a long log excerpt, like a very broken cluster. */
export function manyFindings(n: number): Report {
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const severity = SEVERITIES[i % SEVERITIES.length] as Severity;
    findings.push({
      ...trafficFinding,
      severity,
      subject: { ...trafficFinding.subject, name: `reviews-v1-5fd6d4f8f8-${i.toString(36).padStart(5, '0')}` },
      evidence: [{ file: `ztunnel/ztunnel-${i % 50}/ztunnel.log`, line: 1000 + i, excerpt: ACCESS_LOG_FAILURE }],
    });
  }
  return buildReport(findings);
}

export const PAYLOADS = {
  script: '<script>alert(1)</script>',
  breakout: '</script><img src=x onerror=alert(1)>',
  js: 'javascript:alert(1)',
  handlebars: '{{constructor}}',
  hbsProto: '{{#with "x"}}{{lookup this "constructor"}}{{/with}}',
  markdown: 'a|b `tick` ``two`` @octo-org/team [click](https://evil.example) ![img](https://evil.example/x.png) <b>bold</b>',
} as const;

/** Every bundle-derived string carries a payload. */
export function hostileReport(): Report {
  const all = Object.values(PAYLOADS).join(' ');
  const hostile: Finding = {
    ruleId: 'access-log-connection-refused',
    title: `Connections refused ${PAYLOADS.script}`,
    severity: 'error',
    category: 'traffic',
    subject: { kind: 'Pod', namespace: `ns${PAYLOADS.breakout}`, name: `@octo-org/team ${PAYLOADS.script} ${PAYLOADS.handlebars}`, node: PAYLOADS.hbsProto },
    message: `refused: ${all}`,
    evidence: [
      { file: `ztunnel/${PAYLOADS.breakout}/ztunnel.log`, line: 3, excerpt: `${all}\n\`\`\`\nfence escape attempt\n\`\`\`\`\`\n# heading\n> quote` },
      { file: 'ztunnel/z/config_dump.json', pointer: `/workloads/${PAYLOADS.script}` },
    ],
    remediation: `Run ${PAYLOADS.markdown}`,
    docs: PAYLOADS.js,
  };
  return buildReport([hostile, { ...certFinding, docs: 'data:text/html,<script>alert(1)</script>' }], {
    bundle: { source: `/tmp/${PAYLOADS.breakout}.tar.gz`, collectedAt: null, ztunnelPods: 1 },
    skippedRules: [{ ...skippedRule, reason: `missing ${PAYLOADS.breakout} ${PAYLOADS.markdown}` }],
    ruleErrors: [{ ruleId: 'policy-denials', subject: PAYLOADS.script, reason: PAYLOADS.handlebars }],
  });
}
