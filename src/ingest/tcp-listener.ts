/**
 * Syslog over TCP (RFC 6587) and TLS (RFC 5425). One class for both: TLS is a handshake in front of the same
 * connection handling. The allow list and the connection cap are applied to the raw TCP connection, before any
 * TLS work; accepted TLS connections are then handed to a tls.Server that never listens itself, so Node does the
 * handshake, its timeout and client-certificate verification.
 */
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { StreamListenerConfig } from '../config/types.js';
import { bindFailure, formatEndpoint } from './bind-failure.js';
import { DropReporter } from './drop-reporter.js';
import { SourceAllowlist, normalizeRemoteAddress } from './source-allowlist.js';
import { StreamConnection, type StreamConnectionContext } from './stream-connection.js';
import type { BoundAddress, IngestListener, IngestObserver, ListenerDeps } from './types.js';

/** Stands in for the address of a connection reset before it was accepted (the kernel no longer knows it). */
const UNKNOWN_PEER = 'unknown';

const DEFAULT_SHUTDOWN_GRACE_MS = 1000;
const MAX_TLS_HANDSHAKE_MS = 60_000;

export interface TcpListenerDeps extends ListenerDeps {
  /** How long stop() lets connections finish after it sends FIN before cutting them. Default 1000 ms. */
  readonly shutdownGraceMs?: number;
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export class TcpListener implements IngestListener {
  readonly name: string;
  readonly transport: 'tcp' | 'tls';
  readonly #config: StreamListenerConfig;
  readonly #observer: IngestObserver;
  readonly #logger: Logger;
  readonly #drops: DropReporter;
  readonly #allowlist: SourceAllowlist;
  readonly #ctx: StreamConnectionContext;
  readonly #shutdownGraceMs: number;
  /** Bounded by maxConnections. */
  readonly #connections = new Set<StreamConnection>();
  /** TLS connections whose handshake is under way, by 4-tuple; a subset of #connections. */
  readonly #handshaking = new Map<string, StreamConnection>();
  #state: State = 'idle';
  #server: net.Server | null = null;
  #tlsServer: tls.Server | null = null;
  #bound: BoundAddress | null = null;
  #sweepTimer: NodeJS.Timeout | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;
  #allClosed: (() => void) | null = null;

  constructor(config: StreamListenerConfig, deps: TcpListenerDeps) {
    if (config.protocol === 'tls' && config.tls === null) throw new AppError('TLS_INVALID', `listener ${config.name}: tls settings missing`);
    this.name = config.name;
    this.transport = config.protocol;
    this.#config = config;
    this.#observer = deps.observer;
    this.#logger = deps.logger.child({ listener: config.name, transport: config.protocol });
    this.#drops = new DropReporter({ transport: config.protocol, observer: deps.observer, logger: this.#logger });
    this.#allowlist = SourceAllowlist.compile(config.allow);
    this.#shutdownGraceMs = deps.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    this.#ctx = {
      transport: config.protocol,
      listener: config.name,
      sink: deps.sink,
      observer: deps.observer,
      drops: this.#drops,
      logger: this.#logger,
      maxFrameBytes: config.maxFrameBytes,
      onClosed: this.#onConnectionClosed,
    };
  }

  start(): Promise<void> {
    if (this.#state !== 'idle') return Promise.reject(new Error(`${this.transport} listener ${this.name} was already started`));
    this.#state = 'starting';
    this.#starting = this.#bind();
    return this.#starting;
  }

  #bind(): Promise<void> {
    try {
      if (this.#config.tls !== null) this.#tlsServer = this.#createTlsServer(this.#config.tls);
    } catch (err) {
      this.#state = 'stopped';
      return Promise.reject(err);
    }
    const { address, port } = this.#config;
    const server = net.createServer({ allowHalfOpen: false }, this.#onConnection);
    return new Promise<void>((resolve, reject) => {
      const onBindError = (err: Error): void => {
        this.#state = 'stopped';
        reject(bindFailure(err, this.transport, address, port));
      };
      server.once('error', onBindError);
      server.listen({ host: address, port, ipv6Only: false, exclusive: true }, () => {
        server.off('error', onBindError);
        // After bind, server errors are accept() failures (e.g. EMFILE): the server keeps listening.
        server.on('error', (err) => this.#logger.error({ err }, 'accept failed'));
        const bound = server.address() as net.AddressInfo;
        this.#bound = { address: bound.address, port: bound.port };
        this.#server = server;
        this.#state = 'running';
        const idle = this.#config.idleTimeoutMs;
        this.#sweepTimer = setInterval(this.#sweepIdle, Math.min(Math.max(Math.floor(idle / 4), 10), 5000));
        this.#sweepTimer.unref();
        this.#logger.info(
          { endpoint: formatEndpoint(bound.address, bound.port), maxConnections: this.#config.maxConnections, idleTimeoutMs: idle },
          `${this.transport} listener bound on ${formatEndpoint(bound.address, bound.port)}`,
        );
        resolve();
      });
    });
  }

  /**
   * Stop accepting, send FIN to every connection and let each finish (frames it still sends are delivered, an
   * unterminated last line included) until the peer closes or shutdownGraceMs passes; then cut the rest,
   * delivering what was already read. Resolves once every connection and the server are closed.
   */
  stop(): Promise<void> {
    if (this.#stopping === null) {
      const started = this.#starting === null ? Promise.resolve() : this.#starting.catch(() => undefined);
      this.#stopping = started.then(() => this.#close());
    }
    return this.#stopping;
  }

  #close(): Promise<void> {
    const server = this.#server;
    this.#state = server === null ? 'stopped' : 'stopping';
    if (this.#sweepTimer !== null) clearInterval(this.#sweepTimer);
    this.#sweepTimer = null;
    if (server === null) return Promise.resolve();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const connectionsClosed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
    });
    if (this.#connections.size === 0) this.#allClosed?.();
    for (const c of this.#connections) c.shutdown();
    const grace = setTimeout(() => {
      for (const c of this.#connections) c.destroy('shutdown');
    }, this.#shutdownGraceMs);
    grace.unref();
    return Promise.all([serverClosed, connectionsClosed]).then(() => {
      clearTimeout(grace);
      this.#state = 'stopped';
      this.#server = null;
      this.#bound = null;
    });
  }

  boundAddress(): BoundAddress | null {
    return this.#bound;
  }

  /** Open connections, TLS handshakes included. */
  connectionCount(): number {
    return this.#connections.size;
  }

  #createTlsServer(settings: NonNullable<StreamListenerConfig['tls']>): tls.Server {
    let server: tls.Server;
    try {
      server = tls.createServer({
        cert: settings.cert,
        key: settings.key,
        ...(settings.ca === null ? {} : { ca: settings.ca }),
        requestCert: settings.clientAuth !== 'none',
        rejectUnauthorized: settings.clientAuth === 'require',
        handshakeTimeout: Math.min(this.#config.idleTimeoutMs, MAX_TLS_HANDSHAKE_MS),
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new AppError('TLS_INVALID', `listener ${this.name}: cannot use the TLS certificate/key: ${detail}`, { cause: err });
    }
    server.on('secureConnection', this.#onSecureConnection);
    server.on('tlsClientError', this.#onTlsClientError);
    return server;
  }

  readonly #onConnection = (raw: net.Socket): void => {
    if (this.#state !== 'running') {
      raw.destroy();
      return;
    }
    // A connection the sender reset while it waited in the listen backlog (the event loop was busy) has no peer
    // address any more, but the frames it sent are still readable: read them, as from an unknown sender, unless
    // an allowlist needs to know who sent them, and then count the connection as denied.
    const remoteAddress = raw.remoteAddress === undefined ? UNKNOWN_PEER : normalizeRemoteAddress(raw.remoteAddress);
    if (!this.#allowlist.allowsAll && (raw.remoteAddress === undefined || !this.#allowlist.allows(remoteAddress))) {
      this.#drops.drop('denied', remoteAddress);
      raw.destroy();
      return;
    }
    if (this.#connections.size >= this.#config.maxConnections) {
      this.#drops.drop('connection_limit', remoteAddress);
      raw.destroy();
      return;
    }
    const tlsServer = this.#tlsServer;
    const conn = new StreamConnection(this.#ctx, raw, remoteAddress, raw.remotePort ?? 0, tlsServer === null ? 'open' : 'handshaking');
    this.#connections.add(conn);
    this.#observer.connectionOpened(this.transport);
    if (tlsServer !== null) {
      this.#handshaking.set(socketKey(raw), conn);
      tlsServer.emit('connection', raw);
    }
  };

  readonly #onSecureConnection = (tlsSocket: tls.TLSSocket): void => {
    const key = socketKey(tlsSocket);
    const conn = this.#handshaking.get(key);
    if (conn === undefined) {
      tlsSocket.destroy();
      return;
    }
    this.#handshaking.delete(key);
    conn.secured(tlsSocket);
  };

  readonly #onTlsClientError = (err: Error): void => {
    // Counted when the raw connection closes (connectionClosed('tls', 'tls_handshake')); scanners make this common.
    this.#logger.debug({ err }, 'TLS handshake failed');
  };

  readonly #onConnectionClosed = (conn: StreamConnection): void => {
    this.#connections.delete(conn);
    if (this.#handshaking.size > 0) {
      for (const [key, c] of this.#handshaking) {
        if (c === conn) {
          this.#handshaking.delete(key);
          break;
        }
      }
    }
    if (this.#connections.size === 0) this.#allClosed?.();
  };

  readonly #sweepIdle = (): void => {
    const now = performance.now();
    const idleMs = this.#config.idleTimeoutMs;
    for (const c of this.#connections) {
      if (!c.paused && now - c.lastProgressMono >= idleMs) c.destroy('idle_timeout');
    }
  };
}

/** The connection's 4-tuple: the same on the raw socket and on the TLSSocket wrapping it. */
function socketKey(s: net.Socket): string {
  return `${s.remoteAddress}|${s.remotePort}|${s.localAddress}|${s.localPort}`;
}
