/** The scenarios' TCP side: connecting to the appliance on loopback and writing with backpressure. */
import net from 'node:net';
import { drained } from '../harness/socket-drain.js';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to 127.0.0.1:port; rejects on error or after 10 s. Later errors are swallowed: watch 'close'.
 * `writableHighWaterMark`: how much the socket buffers before write() returns false (Node's default 16 KiB).
 */
export function connectTcp(port: number, writableHighWaterMark?: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, ...(writableHighWaterMark === undefined ? {} : { writableHighWaterMark }) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to 127.0.0.1:${port} timed out`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      // From here on an error (a reset by the appliance) shows up as 'close'; never as an uncaught exception.
      socket.on('error', () => undefined);
      resolve(socket);
    });
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
  });
}

/** Opens `n` connections, `parallel` at a time. */
export async function connectMany(port: number, n: number, parallel = 50): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, () => connectTcp(port)));
    sockets.push(...batch);
  }
  return sockets;
}

export interface WriteOutcome {
  /** write() returned false: the socket's buffer is full and we waited for 'drain'. */
  readonly waited: boolean;
  readonly waitedMs: number;
}

/**
 * Writes a chunk; when write() returns false, waits for 'drain' (or for the socket to close). The time spent
 * waiting is the backpressure a sender observes.
 */
export async function writeWithBackpressure(socket: net.Socket, chunk: Buffer | string): Promise<WriteOutcome> {
  if (socket.write(chunk)) return { waited: false, waitedMs: 0 };
  const started = performance.now();
  await drained(socket);
  return { waited: true, waitedMs: performance.now() - started };
}

/** Ends the socket and waits until it is closed (or destroys it after timeoutMs). */
export function closeSocket(socket: net.Socket, timeoutMs = 5000): Promise<void> {
  if (socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}

/** One connection: writes the lines (LF-framed), closes cleanly, and resolves once the socket is closed. */
export async function sendLines(port: number, lines: readonly string[]): Promise<void> {
  const socket = await connectTcp(port);
  socket.write(lines.map((l) => `${l}\n`).join(''));
  await closeSocket(socket);
}

/** RFC 5424 line, stamped now, no structured data. */
export function syslogLine(host: string, app: string, message: string): string {
  return `<38>1 ${new Date().toISOString()} ${host} ${app} - - - ${message}`;
}
