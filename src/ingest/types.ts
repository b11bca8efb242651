/** Values that cross the ingest boundary. Listeners produce RawFrames; nothing downstream mutates them. */
import type { Logger } from 'pino';

/** 'http': lines posted to the HTTP API (POST /api/v1/logs), fed to the same pipeline as a listener's frames. */
export const TRANSPORTS = ['udp', 'tcp', 'tls', 'http'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/**
 * Why a frame (or a would-be frame) was thrown away. A bounded set: it becomes a metric label.
 * - oversize: a frame longer than the listener's maximum (discarded up to the next frame boundary)
 * - denied: the sender is outside the listener's `allow` list
 * - connection_limit: a TCP/TLS connection refused because the listener is at maxConnections
 * - bad_frame: an octet count too long to believe (more than 10 digits, or above the framer's maxOctetCount) - the
 *   framer resynchronises at the next LF/NUL (digits not followed by a space are an ordinary line, not an octet count)
 * - truncated: bytes left in a connection's buffer when it closed (an unfinished frame)
 * - empty: a frame or datagram with no bytes (or only line terminators)
 * - shutdown: kept as a series for frames a stop would refuse; today a stop delivers the frames already read, so it stays 0
 */
export const DROP_REASONS = ['oversize', 'denied', 'connection_limit', 'bad_frame', 'truncated', 'empty', 'shutdown'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Why a TCP/TLS connection ended. Bounded; a metric label. */
export const CLOSE_REASONS = ['eof', 'idle_timeout', 'error', 'tls_handshake', 'shutdown'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface RawFrame {
  /** The message bytes without transport framing (no octet count, no trailing LF/CRLF/NUL). */
  readonly bytes: Buffer;
  /** Wall-clock receive time, epoch milliseconds. */
  readonly receivedAt: number;
  /** Monotonic receive time from performance.now(), for latency measurement. */
  readonly receivedMono: number;
  readonly transport: Transport;
  /** Sender address as the socket reports it, IPv4-mapped IPv6 ("::ffff:1.2.3.4") normalised to plain IPv4. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The listener's name from the config (bounded: defined by the operator). */
  readonly listener: string;
}

/**
 * Where listeners deliver frames. `accept` returns false when downstream is behind: stream listeners then
 * pause reading until `onDrain` fires (datagram listeners cannot pause; the frame was still accepted).
 */
export interface FrameSink {
  accept(frame: RawFrame): boolean;
  onDrain(listener: () => void): void;
  offDrain(listener: () => void): void;
}

/** What listeners report besides frames. Implemented by the metrics module; fakes in tests. */
export interface IngestObserver {
  received(transport: Transport, bytes: number): void;
  dropped(transport: Transport, reason: DropReason, count?: number): void;
  connectionOpened(transport: Transport): void;
  connectionClosed(transport: Transport, reason: CloseReason): void;
}

/** The address a listener actually bound (port 0 in the config → the kernel's choice). */
export interface BoundAddress {
  readonly address: string;
  readonly port: number;
}

/** What every listener gets injected. */
export interface ListenerDeps {
  readonly sink: FrameSink;
  readonly observer: IngestObserver;
  readonly logger: Logger;
}

/** A UDP, TCP or TLS listener as the app drives it. */
export interface IngestListener {
  readonly name: string;
  readonly transport: Transport;
  /** Binds; rejects with BindError (port in use, privileged port, address not on this host). */
  start(): Promise<void>;
  /** Stops receiving and releases the socket; idempotent. */
  stop(): Promise<void>;
  /** Null before start() resolves and after stop(). */
  boundAddress(): BoundAddress | null;
}
