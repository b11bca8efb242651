/**
 * What the orchestrator needs from a system under test. The bare Node counter, the appliance and rsyslog
 * implement it; another receiver becomes a further column by implementing it too.
 */
import type { HistogramSnapshot } from './stats.js';

/** Messages a receiver has counted since it started, per transport (TCP/TLS frames under tcp). */
export interface ReceiverCounts {
  readonly udp: number;
  readonly tcp: number;
}

export interface ReceiverStartOptions {
  /** SO_RCVBUF to ask for on the UDP socket. */
  readonly udpReceiveBufferBytes: number;
  /** Extra node flags for the receiver process (e.g. --cpu-prof); receivers that are not Node ignore them. */
  readonly nodeArgs?: readonly string[];
}

export interface Receiver {
  /** The table's row label. */
  readonly name: string;
  /** The process whose peak RSS is reported. */
  readonly pid: number;
  readonly udpPort: number;
  readonly tcpPort: number;
  /** Stream framings it counts correctly ('lf' always; 'octet' when it understands RFC 6587 octet counting). */
  readonly streamFramings: readonly ('lf' | 'octet')[];
  /** Usable UDP receive buffer the kernel granted (Linux: half of what getsockopt reports), or null if unknown. */
  readonly udpReceiveBufferBytes: number | null;
  /**
   * 'live': counts() reflects a message as soon as the receiver has handled it, so the moment a count is seen is
   * the moment it was reached. 'settled': the receiver reports its counters periodically (rsyslog's impstats,
   * once a second); counts() waits until they stopped changing, so a count is seen a second or two late, and a
   * TCP run takes its end time from the receiver's CPU going idle instead.
   */
  readonly countTiming: 'live' | 'settled';
  counts(): Promise<ReceiverCounts>;
  /** Cumulative receive→end-of-pipeline latency histogram, or null when the receiver has none. */
  latency(): Promise<HistogramSnapshot | null>;
  /** Extra numbers worth keeping in the JSON (parsed formats, drops by reason, ...). */
  details(): Promise<Record<string, number>>;
  /** Stops the process gracefully (SIGTERM), killing it if it does not exit in time. Idempotent. */
  stop(): Promise<void>;
}

export interface ReceiverKind {
  /** Short id used on the command line (--receivers). */
  readonly id: string;
  /** Why this receiver cannot run on this machine (e.g. the program is not installed), or null when it can. */
  unavailable?(): Promise<string | null>;
  start(options: ReceiverStartOptions): Promise<Receiver>;
}
