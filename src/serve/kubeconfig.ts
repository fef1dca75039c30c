/**
 * A kubeconfig pointing at the replay server. The server speaks plain HTTP on loopback, and
 * client-node refuses http:// unless the cluster entry skips TLS verification, so it does.
 */
import { stringify } from 'yaml';

export const REPLAY_CONTEXT = 'ztunnel-bundle-replay';

export function replayKubeconfig(url: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: REPLAY_CONTEXT, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: REPLAY_CONTEXT, user: { token: 'replay' } }],
    contexts: [{ name: REPLAY_CONTEXT, context: { cluster: REPLAY_CONTEXT, user: REPLAY_CONTEXT } }],
    'current-context': REPLAY_CONTEXT,
  });
}
