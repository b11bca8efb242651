/**
 * UDP: a connected socket (no per-datagram address handling), one line per datagram. dgram has no backpressure
 * of its own, so send() waits while more than HIGH_WATER datagrams are queued, and close() waits for every
 * queued datagram's callback.
 */
import dgram from 'node:dgram';
import type { ResolvedTarget } from './target.js';
import type { Transport } from './transport.js';

const HIGH_WATER = 4096;

class UdpTransport implements Transport {
  readonly #socket: dgram.Socket;
  #errors = 0;
  #firstError: string | null = null;
  #inFlight = 0;
  #waiters: (() => void)[] = [];

  constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on('error', (err) => this.#error(err));
  }

  get errors(): number {
    return this.#errors;
  }

  get firstError(): string | null {
    return this.#firstError;
  }

  get failure(): null {
    return null;
  }

  async send(messages: readonly Buffer[], signal: AbortSignal): Promise<void> {
    for (const message of messages) {
      this.#inFlight++;
      this.#socket.send(message, (err) => {
        this.#inFlight--;
        if (err) this.#error(err);
        if (this.#inFlight <= HIGH_WATER / 2) for (const w of this.#waiters.splice(0)) w();
      });
    }
    if (this.#inFlight > HIGH_WATER && !signal.aborted) await this.#settled(HIGH_WATER / 2, signal);
  }

  async close(): Promise<void> {
    if (this.#inFlight > 0) await this.#settled(0, AbortSignal.timeout(5000));
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #error(err: NodeJS.ErrnoException): void {
    this.#errors++;
    this.#firstError ??= err.code ?? err.message;
  }

  /** Resolves once at most `level` datagrams are queued (or on abort). */
  #settled(level: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const check = () => {
        if (done) return;
        if (this.#inFlight <= level || signal.aborted) {
          done = true;
          signal.removeEventListener('abort', check);
          resolve();
        } else this.#waiters.push(check);
      };
      signal.addEventListener('abort', check);
      check();
    });
  }
}

/** A UDP socket connected to address:port (also the benchmark's sender); closed again when connecting fails. */
export async function connectUdpSocket(options: dgram.SocketOptions, port: number, address: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket(options);
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error): void => {
      socket.close();
      reject(err);
    };
    socket.once('error', fail);
    socket.connect(port, address, () => {
      socket.off('error', fail);
      resolve();
    });
  });
  return socket;
}

export async function openUdp(target: ResolvedTarget): Promise<Transport> {
  return new UdpTransport(await connectUdpSocket({ type: target.family === 6 ? 'udp6' : 'udp4' }, target.port, target.address));
}
