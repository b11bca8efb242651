/**
 * Syslog over UDP (RFC 5426): one message per datagram, IPv4 or IPv6 (a "::" listener is dual-stack unless the
 * host sets net.ipv6.bindv6only=1). Asks the kernel for a large receive buffer and says plainly what it got.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { UdpListenerConfig } from '../config/types.js';
import { bindFailure, formatEndpoint } from './bind-failure.js';
import { DropReporter } from './drop-reporter.js';
import { SourceAllowlist, normalizeRemoteAddress } from './source-allowlist.js';
import type { UdpSocketEndpoint } from './udp-kernel-drops.js';
import type { BoundAddress, FrameSink, IngestListener, IngestObserver, ListenerDeps } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

const RMEM_MAX_PATH = '/proc/sys/net/core/rmem_max';

export interface UdpListenerDeps extends ListenerDeps {
  /** Reads a small text file, null when unreadable (tests fake /proc/sys/net/core/rmem_max). */
  readonly readText?: (path: string) => string | null;
  /** Linux reports SO_RCVBUF doubled; defaults to process.platform. */
  readonly platform?: NodeJS.Platform;
  /** stop() drains until no datagram arrived for this long (default 50 ms). */
  readonly drainQuietMs?: number;
  /** ...but never drains for longer than this (default 1000 ms); 0 closes at once, dropping what is queued. */
  readonly maxDrainMs?: number;
}

const DEFAULT_DRAIN_QUIET_MS = 50;
const DEFAULT_MAX_DRAIN_MS = 1000;

/** The SO_RCVBUF outcome, as logged at start. */
export interface ReceiveBufferReport {
  readonly requestedBytes: number;
  /** What getsockopt(SO_RCVBUF) returned. */
  readonly reportedBytes: number;
  /** What datagrams can actually use: half the reported value on Linux, which doubles it for bookkeeping. */
  readonly usableBytes: number;
  /** net.core.rmem_max when readable, else null. */
  readonly rmemMaxBytes: number | null;
  /** True when the kernel granted less than was asked. */
  readonly capped: boolean;
}

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
  readonly #readText: (path: string) => string | null;
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
    this.#readText = deps.readText ?? readTextFile;
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
        this.#bound = { address: bound.address, port: bound.port, family: bound.family === 'IPv6' ? 'IPv6' : 'IPv4' };
        this.#socket = socket;
        this.#state = 'running';
        this.#receiveBuffer = this.#tuneReceiveBuffer(socket);
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
      const drained = await this.#drain(socket);
      if (drained.received > 0 || drained.timedOut) {
        this.#logger.info({ datagrams: drained.received, ms: Math.round(drained.ms), timedOut: drained.timedOut }, 'udp listener drained its receive buffer before closing');
      }
    }
    await this.#close();
  }

  /**
   * Keeps reading until no datagram arrived for drainQuietMs, bounded by maxDrainMs. A quiet spell seen by a
   * timer is confirmed by one more turn of the event loop (setImmediate runs after the poll phase), so a
   * timer that fired late, after the loop was busy, cannot mistake unread datagrams for an empty queue.
   * The hot-path handler stays as it is: the counting wrapper is only installed while draining.
   */
  #drain(socket: dgram.Socket): Promise<{ received: number; ms: number; timedOut: boolean }> {
    const quietMs = this.#drainQuietMs;
    const maxMs = this.#maxDrainMs;
    const started = performance.now();
    let received = 0;
    let lastAt = started;
    const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
      received++;
      lastAt = performance.now();
      this.#onMessage(msg, rinfo);
    };
    socket.off('message', this.#onMessage);
    socket.on('message', onMessage);
    return new Promise((resolve) => {
      const finish = (timedOut: boolean): void => {
        socket.off('message', onMessage);
        resolve({ received, ms: performance.now() - started, timedOut });
      };
      const check = (): void => {
        const now = performance.now();
        if (now - started >= maxMs) return finish(true);
        if (now - lastAt < quietMs) {
          setTimeout(check, Math.max(1, Math.min(quietMs - (now - lastAt), maxMs - (now - started))));
          return;
        }
        const seen = received;
        setImmediate(() => (received === seen ? finish(false) : check()));
      };
      setTimeout(check, Math.min(quietMs, maxMs));
    });
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
    const receivedAt = Date.now();
    const receivedMono = performance.now();
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

  #tuneReceiveBuffer(socket: dgram.Socket): ReceiveBufferReport {
    const requestedBytes = this.#config.receiveBufferBytes;
    try {
      socket.setRecvBufferSize(requestedBytes);
    } catch (err) {
      this.#logger.warn({ err, requestedBytes }, 'could not set the UDP receive buffer size; using the kernel default');
    }
    let reportedBytes = 0;
    try {
      reportedBytes = socket.getRecvBufferSize();
    } catch (err) {
      this.#logger.warn({ err }, 'could not read back the UDP receive buffer size');
    }
    const linux = this.#platform === 'linux';
    const usableBytes = linux ? Math.floor(reportedBytes / 2) : reportedBytes;
    const rmemText = linux ? this.#readText(RMEM_MAX_PATH) : null;
    const rmemMax = rmemText === null ? Number.NaN : Number(rmemText.trim());
    const rmemMaxBytes = Number.isSafeInteger(rmemMax) && rmemMax > 0 ? rmemMax : null;
    const capped = usableBytes < requestedBytes;
    const report: ReceiveBufferReport = { requestedBytes, reportedBytes, usableBytes, rmemMaxBytes, capped };
    const endpoint = formatEndpoint(this.#bound?.address ?? this.#config.address, this.#bound?.port ?? this.#config.port);
    this.#logger.info(
      { endpoint, requestedBytes, usableBytes, kernelReportedBytes: reportedBytes, rmemMaxBytes },
      linux
        ? `udp listener bound on ${endpoint}; receive buffer ${usableBytes} bytes usable (Linux reports ${reportedBytes}: it doubles SO_RCVBUF for bookkeeping)`
        : `udp listener bound on ${endpoint}; receive buffer ${usableBytes} bytes`,
    );
    if (capped) {
      if (rmemMaxBytes !== null && rmemMaxBytes < requestedBytes) {
        this.#logger.warn(
          { requestedBytes, usableBytes, rmemMaxBytes },
          `UDP receive buffer capped at ${usableBytes} bytes by net.core.rmem_max=${rmemMaxBytes} (asked ${requestedBytes}); ` +
            `bursts may overflow it and the kernel will drop datagrams. Raise the cap: ` +
            `sudo sysctl -w net.core.rmem_max=${requestedBytes} (persist it in /etc/sysctl.d/) and restart`,
        );
      } else {
        this.#logger.warn(
          { requestedBytes, usableBytes, rmemMaxBytes },
          `the kernel granted a ${usableBytes}-byte UDP receive buffer, less than the ${requestedBytes} asked; bursts may be dropped`,
        );
      }
    }
    return report;
  }
}

function closeQuietly(socket: dgram.Socket): void {
  try {
    socket.close();
  } catch {
    // The socket never bound, so there is nothing to close; the bind error is what gets reported.
  }
}

function readTextFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Not readable here (not Linux, sandboxed /proc): the warning loses its detail, nothing else.
    return null;
  }
}
