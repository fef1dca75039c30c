/**
 * Test helper: one HTTP GET through client-node's PortForward, the way `collect` does it: a local
 * TCP listener whose connection is piped into a port-forward websocket, then node's http client
 * against that listener.
 */
import { request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { type KubeConfig, PortForward } from '@kubernetes/client-node';

export interface ForwardedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** What the server sent on the error channel. */
  errors: string;
}

export interface ForwardTarget {
  namespace: string;
  pod: string;
  port: number;
  path: string;
}

export async function forwardGet(kc: KubeConfig, target: ForwardTarget): Promise<ForwardedResponse> {
  const errors = new PassThrough();
  let errorText = '';
  errors.on('data', (c: Buffer) => (errorText += c.toString()));
  let failure: unknown;
  const listener = createServer((sock) => {
    sock.on('error', () => undefined);
    new PortForward(kc)
      .portForward(target.namespace, target.pod, [target.port], sock, errors, sock)
      .then((ws) => {
        // client-node never ends the local socket when the websocket closes (dependencies.md §1.4).
        (ws as unknown as { on(e: string, f: () => void): void }).on('close', () => sock.end());
      })
      .catch((err: unknown) => {
        failure = err;
        sock.destroy();
      });
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const { port } = listener.address() as AddressInfo;
  try {
    return await new Promise<ForwardedResponse>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: target.path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), errors: errorText }));
      });
      req.on('error', (err) => reject(failure ?? (errorText ? new Error(`error channel: ${errorText}`) : err)));
      req.end();
    });
  } finally {
    listener.close();
  }
}
