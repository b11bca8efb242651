/**
 * Syslog over UDP (RFC 5426): one message per datagram, IPv4 or IPv6 (a "::" listener is dual-stack unless the
 * host sets net.ipv6.bindv6only=1). Asks the kernel for a large receive buffer and says plainly what it got.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { UdpListenerConfig } from '../config/types.js';
import { bindFailure, formatEndpoint } from './bind-failure.js';
import { DropReporter } from './drop-reporter.js';
import { SourceAllowlist, normalizeRemoteAddress } from './source-allowlist.js';
import { drainSocket } from './udp-drain.js';
import { tuneReceiveBuffer, type ReceiveBufferReport } from './udp-receive-buffer.js';
import { readProcText, type ReadText, type UdpSocketEndpoint } from './udp-kernel-drops.js';
import { CR, LF, NUL } from '../parse/char-classes.js';
import type { BoundAddress, FrameSink, IngestListener, IngestObserver, ListenerDeps } from './types.js';


export interface UdpListenerDeps extends ListenerDeps {
  /** Reads a small text file, null when unreadable (tests fake /proc/sys/net/core/rmem_max). */
  readonly readText?: ReadText;
  /** Linux reports SO_RCVBUF doubled; defaults to process.platform. */
  readonly platform?: NodeJS.Platform;
  /** stop() drains until no datagram arrived for this long (default 50 ms). */
  readonly drainQuietMs?: number;
  /** ...but never drains for longer than this (default 1000 ms); 0 closes at once, dropping what is queued. */
  readonly maxDrainMs?: number;
}

const DEFAULT_DRAIN_QUIET_MS = 50;
const DEFAULT_MAX_DRAIN_MS = 1000;

type State = 'idle' | 'starting' | 'running' | 'stopped';

export class UdpListener implements IngestListener {
  readonly name: string;
  readonly transport = 'udp' as const;
  readonly #config: UdpListenerConfig;
  readonly #sink: FrameSink;
  readonly #observer: IngestObserver;
  readonly #logger: Logger;
  readonly #drops: DropReporter;
  readonly #allowlist: SourceAllowlist;
  readonly #readText: ReadText;
  readonly #platform: NodeJS.Platform;
  readonly #drainQuietMs: number;
  readonly #maxDrainMs: number;
  #state: State = 'idle';
  #socket: dgram.Socket | null = null;
  #bound: BoundAddress | null = null;
  #receiveBuffer: ReceiveBufferReport | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  constructor(config: UdpListenerConfig, deps: UdpListenerDeps) {
    this.name = config.name;
    this.#config = config;
    this.#sink = deps.sink;
    this.#observer = deps.observer;
    this.#logger = deps.logger.child({ listener: config.name, transport: 'udp' });
    this.#drops = new DropReporter({ transport: 'udp', observer: deps.observer, logger: this.#logger });
    this.#allowlist = SourceAllowlist.compile(config.allow);
    this.#readText = deps.readText ?? readProcText;
    this.#platform = deps.platform ?? process.platform;
    this.#drainQuietMs = deps.drainQuietMs ?? DEFAULT_DRAIN_QUIET_MS;
    this.#maxDrainMs = deps.maxDrainMs ?? DEFAULT_MAX_DRAIN_MS;
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') return Promise.reject(new Error(`udp listener ${this.name} was already started`));
    this.#state = 'starting';
    this.#starting = this.#bind();
    return this.#starting;
  }

  #bind(): Promise<void> {
    const { address, port } = this.#config;
    return new Promise<void>((resolve, reject) => {
      const socket = dgram.createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', ipv6Only: false });
      const onBindError = (err: Error): void => {
        this.#state = 'stopped';
        closeQuietly(socket);
        reject(bindFailure(err, 'udp', address, port));
      };
      socket.once('error', onBindError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onBindError);
        socket.on('error', this.#onSocketError);
        socket.on('message', this.#onMessage);
        const bound = socket.address();
        this.#bound = { address: bound.address, port: bound.port };
        this.#socket = socket;
        this.#state = 'running';
        this.#receiveBuffer = tuneReceiveBuffer(socket, {
          requestedBytes: this.#config.receiveBufferBytes,
          endpoint: formatEndpoint(bound.address, bound.port),
          platform: this.#platform,
          readText: this.#readText,
          logger: this.#logger,
        });
        resolve();
      });
    });
  }

  /**
   * Idempotent; called during start(), it waits for the bind to finish, then closes. UDP has no way to refuse
   * new datagrams, so before closing it drains: datagrams already in the kernel's receive buffer still go to
   * the sink, until the socket has been quiet for drainQuietMs (or maxDrainMs has passed, if senders keep
   * sending). Only then is the socket closed; whatever arrives after that is the kernel's to drop.
   */
  stop(): Promise<void> {
    if (this.#stopping === null) {
      const started = this.#starting === null ? Promise.resolve() : this.#starting.catch(() => undefined);
      this.#stopping = started.then(() => this.#drainAndClose());
    }
    return this.#stopping;
  }

  async #drainAndClose(): Promise<void> {
    const socket = this.#socket;
    if (socket !== null && this.#maxDrainMs > 0) {
      const drained = await drainSocket(socket, this.#onMessage, this.#drainQuietMs, this.#maxDrainMs);
      if (drained.received > 0 || drained.timedOut) {
        this.#logger.info({ datagrams: drained.received, ms: Math.round(drained.ms), timedOut: drained.timedOut }, 'udp listener drained its receive buffer before closing');
      }
    }
    await this.#close();
  }

  #close(): Promise<void> {
    const socket = this.#socket;
    this.#state = 'stopped';
    this.#socket = null;
    this.#bound = null;
    if (socket === null) return Promise.resolve();
    socket.off('message', this.#onMessage);
    return new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  boundAddress(): BoundAddress | null {
    return this.#bound;
  }

  /** The socket to look up in /proc/net/udp{,6} (see readUdpKernelDrops); null when not running. */
  kernelDropEndpoint(): UdpSocketEndpoint | null {
    return this.#bound === null ? null : { address: this.#bound.address, port: this.#bound.port };
  }

  receiveBuffer(): ReceiveBufferReport | null {
    return this.#receiveBuffer;
  }

  // Hot path: one call per datagram, no closures, no logging unless a drop's rate-limited log is due.
  readonly #onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    const remoteAddress = normalizeRemoteAddress(rinfo.address);
    if (!this.#allowlist.allowsAll && !this.#allowlist.allows(remoteAddress)) {
      this.#drops.drop('denied', remoteAddress);
      return;
    }
    let end = msg.length;
    while (end > 0) {
      const b = msg[end - 1];
      if (b !== LF && b !== CR && b !== NUL) break;
      end--;
    }
    if (end === 0) {
      this.#drops.drop('empty', remoteAddress);
      return;
    }
    if (end > this.#config.maxMessageBytes) {
      this.#drops.drop('oversize', remoteAddress);
      return;
    }
    const receivedAt = Date.now();
    const receivedMono = performance.now();
    this.#observer.received('udp', end);
    // UDP cannot push back: a false from accept() is the sink's to handle (it still took the frame).
    this.#sink.accept({
      bytes: end === msg.length ? msg : msg.subarray(0, end),
      receivedAt,
      receivedMono,
      transport: 'udp',
      remoteAddress,
      remotePort: rinfo.port,
      listener: this.name,
    });
  };

  readonly #onSocketError = (err: Error): void => {
    // A bound datagram socket rarely errors; when it does, the socket stays usable. Never crash on it.
    this.#logger.warn({ err }, 'udp socket error');
  };
}

function closeQuietly(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch {
    // The socket never bound, so there is nothing to close; the bind error is what gets reported.
  }
}
