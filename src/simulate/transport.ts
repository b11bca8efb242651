/** What the simulator sends through: one interface over UDP datagrams and TCP/TLS streams. */
import type { ResolvedTarget } from './target.js';
import { openStream, type StreamFraming } from './stream-transport.js';
import { openUdp } from './udp-transport.js';

export interface Transport {
  /**
   * Hands messages (unframed) to the socket. Resolves when it can take more: a stream after 'drain' when the
   * write was buffered (TCP backpressure), UDP when few enough datagrams are still queued; at once when aborted.
   */
  send(messages: readonly Buffer[], signal: AbortSignal): Promise<void>;
  /** Send errors so far (UDP: failed datagrams, e.g. ECONNREFUSED while nothing listens; stream: a broken connection). */
  readonly errors: number;
  /** The first send error's code (e.g. ECONNREFUSED), for the message; null when there was none. */
  readonly firstError: string | null;
  /** Set when the connection is gone; the run stops. Never set for UDP. */
  readonly failure: Error | null;
  /** Flushes what was written and closes. */
  close(): Promise<void>;
}

export interface TransportOptions {
  readonly framing: StreamFraming;
  /** PEM to trust for TLS; null: the system's CAs. */
  readonly ca: Buffer | null;
  readonly insecure: boolean;
  readonly connectTimeoutMs: number;
}

/** Opens the socket (TCP/TLS: connected and, for TLS, verified) or rejects with the reason. */
export function openTransport(target: ResolvedTarget, options: TransportOptions): Promise<Transport> {
  return target.protocol === 'udp' ? openUdp(target) : openStream(target, options);
}
