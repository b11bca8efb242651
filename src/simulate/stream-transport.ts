/**
 * TCP and TLS (RFC 5425): one connection, each tick's lines framed (RFC 6587 octet counting `LEN SP MSG`, or one
 * line per LF) and written as one chunk. A write the socket buffers (write() returns false) waits for 'drain'
 * before the next one, so a slow receiver slows the simulator down instead of filling its memory. Whatever the
 * receiver sends back is read and thrown away.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ResolvedTarget } from './target.js';
import type { Transport, TransportOptions } from './transport.js';

export type StreamFraming = 'octet' | 'lf';

const LF = Buffer.from('\n');
/**
 * How long close() waits for what is still buffered to go out and for the receiver to close its side, before
 * cutting the connection (a failure when bytes were still unsent).
 */
const CLOSE_GRACE_MS = 2000;

export function frameMessage(message: Buffer, framing: StreamFraming): Buffer[] {
  return framing === 'octet' ? [Buffer.from(`${message.length} `), message] : [message, LF];
}

class StreamTransport implements Transport {
  readonly #socket: net.Socket;
  readonly #framing: StreamFraming;
  #failure: Error | null = null;
  #closing = false;

  constructor(socket: net.Socket, framing: StreamFraming) {
    this.#socket = socket;
    this.#framing = framing;
    socket.on('error', (err) => {
      this.#failure ??= err;
    });
    socket.on('close', () => {
      if (!this.#closing) this.#failure ??= new Error('the receiver closed the connection');
    });
    socket.resume();
  }

  get errors(): number {
    return this.#failure === null ? 0 : 1;
  }

  get firstError(): string | null {
    return this.#failure === null ? null : ((this.#failure as NodeJS.ErrnoException).code ?? this.#failure.message);
  }

  get failure(): Error | null {
    return this.#failure;
  }

  async send(messages: readonly Buffer[], signal: AbortSignal): Promise<void> {
    if (this.#failure !== null || messages.length === 0) return;
    const parts: Buffer[] = [];
    for (const m of messages) parts.push(...frameMessage(m, this.#framing));
    if (this.#socket.write(Buffer.concat(parts)) || signal.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#socket.off('drain', done).off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#socket.on('drain', done).on('close', done);
      signal.addEventListener('abort', done);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    const socket = this.#socket;
    if (socket.destroyed) return;
    if (this.#failure === null) {
      socket.end();
      const timer = setTimeout(() => {
        const unsent = socket.writableLength;
        if (unsent > 0) this.#failure ??= new Error(`the receiver did not take the last ${unsent} bytes within ${CLOSE_GRACE_MS} ms; connection cut`);
        socket.destroy();
      }, CLOSE_GRACE_MS);
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
      clearTimeout(timer);
    } else socket.destroy();
  }
}

export async function openStream(target: ResolvedTarget, options: TransportOptions): Promise<Transport> {
  const socket =
    target.protocol === 'tls'
      ? tls.connect({
          host: target.address,
          port: target.port,
          servername: net.isIP(target.host) === 0 ? target.host : undefined,
          ca: options.ca ?? undefined,
          rejectUnauthorized: !options.insecure,
        })
      : net.connect({ host: target.address, port: target.port, noDelay: true });
  const ready = target.protocol === 'tls' ? 'secureConnect' : 'connect';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once(ready, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve();
      });
    });
  } catch (err) {
    socket.destroy();
    throw err;
  }
  if (target.protocol === 'tls') socket.setNoDelay(true);
  return new StreamTransport(socket, options.framing);
}
