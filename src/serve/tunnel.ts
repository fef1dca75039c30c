/**
 * One port-forward stream, spoken the way the kubelet speaks it to client-node's PortForward over
 * the `v4.channel.k8s.io` subprotocol: every binary message is [channel][payload], channel 0 carries
 * data, channel 1 errors, and the first message the server sends on each channel is the port as a
 * little-endian uint16. The data channel is exposed as a socket-like Duplex that node's http.Server
 * can parse requests from.
 */
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

const DATA = 0;
const ERROR = 1;
/** v5 clients close a stream with [0xff, channel]; harmless to honour under v4. */
const CLOSE_STREAM = 0xff;

function frame(channel: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([channel]), payload]);
}

function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

/** Sends the two port preambles; every tunnel starts with them, error or not. */
export function sendPreambles(ws: WebSocket, port: number): void {
  ws.send(frame(DATA, portBytes(port)));
  ws.send(frame(ERROR, portBytes(port)));
}

/** Reports a forwarding error on the error channel, then closes, as the kubelet does. */
export function sendTunnelError(ws: WebSocket, message: string): void {
  ws.send(frame(ERROR, Buffer.from(message)), () => ws.close(1000));
}

export interface TunnelSocketOptions {
  ws: WebSocket;
  /** Tear the connection down after this many bytes went to the client (fault injection). */
  resetAfterBytes?: number;
}

/**
 * The tunnel's data channel as a Duplex. Reads are what the client sent on channel 0; writes go
 * back on channel 0. Ending the Duplex closes the websocket; a closed websocket ends the Duplex.
 */
export function tunnelSocket({ ws, resetAfterBytes }: TunnelSocketOptions): Duplex {
  let sent = 0;
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (ws.readyState !== ws.OPEN) return callback();
      if (resetAfterBytes !== undefined && sent + chunk.length >= resetAfterBytes) {
        const part = chunk.subarray(0, Math.max(0, resetAfterBytes - sent));
        if (part.length > 0) ws.send(frame(DATA, part));
        // Give the partial frame a moment to leave, then drop the TCP connection without a close frame.
        setTimeout(() => ws.terminate(), 20);
        sent = resetAfterBytes;
        return callback();
      }
      sent += chunk.length;
      ws.send(frame(DATA, chunk), () => callback());
    },
    final(callback) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      callback();
    },
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const message = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (message.length === 0) return;
    if (message[0] === DATA) socket.push(message.subarray(1));
    else if (message[0] === CLOSE_STREAM && message[1] === DATA) socket.push(null);
  });
  ws.on('close', () => {
    socket.push(null);
    socket.destroy();
  });
  ws.on('error', () => socket.destroy());
  // node's http server treats its connections as net.Sockets; these are the calls it makes.
  Object.assign(socket, { setTimeout: () => socket, setNoDelay: () => socket, setKeepAlive: () => socket, remoteAddress: '127.0.0.1' });
  return socket;
}
