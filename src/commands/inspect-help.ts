/**
 * The `inspect` command's help text, apart from the command: the CLI shows it in --help, and
 * importing the command itself (its views, parsers and the bundle reader) for it cost every run of
 * every command about 70 ms.
 */
/** Help text for the CLI to show after the options (`.addHelpText('after', INSPECT_HELP)`). */
export const INSPECT_HELP = `
Views (istioctl ztunnel-config names and aliases work too):
  workloads (w)      NAMESPACE POD NAME ADDRESS NODE WAYPOINT PROTOCOL
  services (svc, s)  NAMESPACE SERVICE NAME SERVICE VIP WAYPOINT ENDPOINTS
  policies (pol, p)  NAMESPACE POLICY NAME ACTION SCOPE
  certificates (certs, cert)
                     CERTIFICATE NAME TYPE STATUS VALID CERT SERIAL NUMBER NOT AFTER NOT BEFORE
  connections (cons) WORKLOAD DIRECTION LOCAL REMOTE REMOTE TARGET PROTOCOL
  all                the five tables in that order

Which ztunnel: --ztunnel POD, --node NODE (its ztunnel; workloads narrowed to the node), or
--pod NAMESPACE/POD (a workload pod: the ztunnel on its node; workloads, connections and
certificates narrowed to that pod). With none, the first ztunnel by name is shown and named on
stderr. --namespace narrows workloads, services, policies, connections and certificate
identities; --address keeps the workload with that IP. VALID CERT is judged at the bundle's
collection time (manifest.json collectedAt) unless --at says otherwise; for --file, now.

Examples:
  ztunnel-bundle inspect workloads bundle.tar.gz --pod default/productpage-v1-6b8f9c7d4-x2x9z
  ztunnel-bundle inspect certificates bundle/ --node worker-1
  ztunnel-bundle inspect connections bundle.zip --ztunnel ztunnel-4xk2p --direction inbound --raw
  ztunnel-bundle inspect all bundle/ --with-headers -o yaml
  kubectl port-forward -n istio-system ztunnel-4xk2p 15000 &
  curl -s localhost:15000/config_dump | ztunnel-bundle inspect services -f -
`;
