/** Receivers for the simulator's tests: loopback UDP, TCP and TLS servers on port 0 that keep what arrives. */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { StreamFramer } from '../../src/ingest/framing.js';

export interface UdpReceiver {
  readonly port: number;
  readonly datagrams: Buffer[];
  close(): Promise<void>;
}

export async function udpReceiver(address = '127.0.0.1'): Promise<UdpReceiver> {
  const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (m) => datagrams.push(m));
  await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
  return { port: socket.address().port, datagrams, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

export interface StreamReceiver {
  readonly port: number;
  /** Frames, as the appliance's own framer cuts them (octet counting or LF, detected per frame). */
  readonly frames: Buffer[];
  /** The first bytes of each connection, to see the framing actually used. */
  readonly heads: Buffer[];
  readonly sockets: net.Socket[];
  readonly drops: string[];
  close(): Promise<void>;
}

export async function streamReceiver(options: { tls?: { cert: Buffer; key: Buffer }; paused?: boolean } = {}): Promise<StreamReceiver> {
  const frames: Buffer[] = [];
  const heads: Buffer[] = [];
  const sockets: net.Socket[] = [];
  const drops: string[] = [];
  const onConnection = (socket: net.Socket) => {
    sockets.push(socket);
    const framer = new StreamFramer({ maxFrameBytes: 64 * 1024, onFrame: (f) => frames.push(Buffer.from(f)), onDrop: (reason) => drops.push(reason) });
    let first = true;
    socket.on('data', (chunk: Buffer) => {
      if (first) heads.push(Buffer.from(chunk.subarray(0, 32)));
      first = false;
      framer.push(chunk);
    });
    socket.on('end', () => framer.end('flush'));
    socket.on('error', () => undefined);
    if (options.paused === true) socket.pause();
  };
  const server = options.tls === undefined ? net.createServer(onConnection) : tls.createServer({ cert: options.tls.cert, key: options.tls.key }, onConnection);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    frames,
    heads,
    sockets,
    drops,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
