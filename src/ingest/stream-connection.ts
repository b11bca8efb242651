/**
 * One TCP or TLS connection: framing, delivery with backpressure, progress tracking for the idle rule, and
 * exactly one connectionClosed(reason) when it ends. Shared by the TCP and TLS listeners.
 *
 * Idle rule (slowloris): a connection is idle when it has completed no frame (delivered or dropped) for
 * idleTimeoutMs. Bytes that do not finish a frame do not count, so a sender trickling a never-ending line is
 * closed just like a silent one. Time spent paused by our own backpressure does not count either.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { DropReporter } from './drop-reporter.js';
import { StreamFramer } from './framing.js';
import { StreamFrame } from './stream-frame.js';
import type { CloseReason, DropReason, FrameSink, IngestObserver } from './types.js';

/** What a listener shares with all of its connections. */
export interface StreamConnectionContext {
  readonly transport: 'tcp' | 'tls';
  readonly listener: string;
  readonly sink: FrameSink;
  readonly observer: IngestObserver;
  readonly drops: DropReporter;
  readonly logger: Logger;
  readonly maxFrameBytes: number;
  /** Called once, after connectionClosed was reported. */
  readonly onClosed: (connection: StreamConnection) => void;
}

export type ConnectionPhase = 'handshaking' | 'open' | 'closed';

export class StreamConnection {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #ctx: StreamConnectionContext;
  readonly #raw: Socket;
  readonly #framer: StreamFramer;
  /** The socket frames are read from: the raw socket for TCP, the TLSSocket once a TLS handshake is done. */
  #socket: Socket | null = null;
  #phase: ConnectionPhase;
  #paused = false;
  #framerEnded = false;
  #progressed = false;
  #lastProgressMono: number;
  #closeReason: CloseReason | null = null;
  #chunkAt = 0;
  #chunkMono = 0;

  constructor(ctx: StreamConnectionContext, raw: Socket, remoteAddress: string, remotePort: number, phase: 'handshaking' | 'open') {
    this.#ctx = ctx;
    this.#raw = raw;
    this.remoteAddress = remoteAddress;
    this.remotePort = remotePort;
    this.#phase = phase;
    this.#lastProgressMono = performance.now();
    this.#framer = new StreamFramer({ maxFrameBytes: ctx.maxFrameBytes, onFrameAt: this.#onFrame, onDrop: this.#onDrop });
    raw.on('error', this.#onError);
    if (phase === 'open') this.#attach(raw);
    else raw.on('close', this.#onRawCloseWhileHandshaking);
  }

  get phase(): ConnectionPhase {
    return this.#phase;
  }

  /** Paused by our backpressure: not idle, whatever the clock says. */
  get paused(): boolean {
    return this.#paused;
  }

  /** performance.now() of the last completed frame (or of the connect, resume or handshake). */
  get lastProgressMono(): number {
    return this.#lastProgressMono;
  }

  /** The TLS handshake succeeded: read frames from the TLS socket from now on. */
  secured(tlsSocket: TLSSocket): void {
    if (this.#phase !== 'handshaking') {
      tlsSocket.destroy();
      return;
    }
    this.#phase = 'open';
    this.#lastProgressMono = performance.now();
    this.#raw.off('close', this.#onRawCloseWhileHandshaking);
    this.#attach(tlsSocket);
  }

  /** Graceful close: send FIN (TLS: close_notify) and keep reading until the peer closes or destroy() is called. */
  shutdown(): void {
    if (this.#phase === 'closed') return;
    this.#closeReason ??= 'shutdown';
    if (this.#socket === null) this.#raw.destroy();
    else this.#socket.end();
  }

  /**
   * Close now. With 'shutdown', bytes already read but held back by backpressure are framed and delivered first;
   * only an unfinished frame is lost (and counted as truncated).
   */
  destroy(reason: CloseReason): void {
    if (this.#phase === 'closed') return;
    this.#closeReason ??= reason;
    const socket = this.#socket;
    if (socket !== null && reason === 'shutdown' && !this.#framerEnded) {
      // read() emits each buffered chunk as 'data', which frames and delivers it.
      while (socket.read() !== null);
    }
    (socket ?? this.#raw).destroy();
    if (socket !== null && socket !== this.#raw) this.#raw.destroy();
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    if (socket !== this.#raw) socket.on('error', this.#onError);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#framerEnded) return;
    this.#chunkAt = Date.now();
    this.#chunkMono = performance.now();
    this.#framer.push(chunk);
    if (this.#progressed) {
      this.#progressed = false;
      this.#lastProgressMono = this.#chunkMono;
    }
  };

  // Hot path: one RawFrame per frame (its text decoded from the chunk, no Buffer made), one timestamp pair per chunk.
  readonly #onFrame = (buf: Buffer, start: number, end: number): void => {
    const ctx = this.#ctx;
    this.#progressed = true;
    ctx.observer.received(ctx.transport, end - start);
    const frame = new StreamFrame(buf, start, end, this.#chunkAt, this.#chunkMono, ctx.transport, this.remoteAddress, this.remotePort, ctx.listener);
    const accepted = ctx.sink.accept(frame);
    // Frames still in this chunk keep going to the sink (false means "behind", not "refused"); reading stops.
    if (!accepted && !this.#paused) this.#pause();
  };

  readonly #onDrop = (reason: DropReason): void => {
    this.#progressed = true;
    this.#ctx.drops.drop(reason, this.remoteAddress);
  };

  #pause(): void {
    this.#paused = true;
    this.#socket?.pause();
    this.#ctx.sink.onDrain(this.#onDrain);
  }

  readonly #onDrain = (): void => {
    if (!this.#paused) return;
    this.#paused = false;
    this.#ctx.sink.offDrain(this.#onDrain);
    this.#lastProgressMono = performance.now();
    if (this.#phase === 'open') this.#socket?.resume();
  };

  /** The peer finished sending (FIN): an unterminated last line is a complete frame. */
  readonly #onEnd = (): void => {
    this.#closeReason ??= 'eof';
    this.#endFramer('flush');
  };

  readonly #onError = (err: Error): void => {
    this.#closeReason ??= 'error';
    // Resets and broken pipes are everyday events for a syslog receiver; counted via connectionClosed('error').
    this.#ctx.logger.debug({ err, remoteAddress: this.remoteAddress, remotePort: this.remotePort }, 'connection error');
  };

  readonly #onClose = (): void => {
    this.#finish(this.#closeReason ?? 'eof');
  };

  readonly #onRawCloseWhileHandshaking = (): void => {
    // Closed before the TLS handshake completed: failed, timed out, or refused the client certificate.
    this.#finish(this.#closeReason === 'shutdown' ? 'shutdown' : 'tls_handshake');
  };

  #endFramer(mode: 'flush' | 'discard'): void {
    if (this.#framerEnded) return;
    this.#framerEnded = true;
    this.#framer.end(mode);
  }

  #finish(reason: CloseReason): void {
    if (this.#phase === 'closed') return;
    this.#endFramer('discard');
    this.#phase = 'closed';
    if (this.#paused) {
      this.#paused = false;
      this.#ctx.sink.offDrain(this.#onDrain);
    }
    this.#ctx.observer.connectionClosed(this.#ctx.transport, reason);
    this.#ctx.logger.debug({ remoteAddress: this.remoteAddress, remotePort: this.remotePort, reason }, 'connection closed');
    this.#ctx.onClosed(this);
  }
}
