/**
 * The one path every ingest drop goes through: counted on the observer every time, logged at most once per
 * interval per reason (with how many were dropped since), so a flood of bad input cannot flood the log.
 */
import type { Logger } from 'pino';
import { LogThrottle } from '../log-throttle.js';
import type { DropReason, IngestObserver, Transport } from './types.js';

const DEFAULT_LOG_INTERVAL_MS = 10_000;

export interface DropReporterOptions {
  readonly transport: Transport;
  readonly observer: IngestObserver;
  /** Already bound to the listener (child logger). */
  readonly logger: Logger;
  readonly logIntervalMs?: number;
  readonly now?: () => number;
}

export class DropReporter {
  readonly #transport: Transport;
  readonly #observer: IngestObserver;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** Keyed by DropReason: at most DROP_REASONS.length entries. */
  readonly #logs = new Map<DropReason, LogThrottle>();

  constructor(options: DropReporterOptions) {
    this.#transport = options.transport;
    this.#observer = options.observer;
    this.#logger = options.logger;
    this.#intervalMs = options.logIntervalMs ?? DEFAULT_LOG_INTERVAL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Count one drop; `remoteAddress` only goes into the (rate-limited) log line, never into a metric label. */
  drop(reason: DropReason, remoteAddress?: string): void {
    this.#observer.dropped(this.#transport, reason);
    let log = this.#logs.get(reason);
    if (log === undefined) {
      log = new LogThrottle(this.#intervalMs);
      this.#logs.set(reason, log);
    }
    const dropped = log.hit(this.#now());
    if (dropped === null) return;
    const fields = { reason, dropped, remoteAddress };
    const msg = `dropped ${describe(reason)}`;
    // Blank lines are common and harmless; everything else means data or senders are being turned away.
    if (reason === 'empty') this.#logger.debug(fields, msg);
    else this.#logger.warn(fields, msg);
  }
}

function describe(reason: DropReason): string {
  switch (reason) {
    case 'oversize':
      return 'frames longer than the configured maximum';
    case 'denied':
      return 'traffic from a sender outside the allow list';
    case 'connection_limit':
      return 'connections over maxConnections';
    case 'bad_frame':
      return 'frames with an impossible octet count';
    case 'truncated':
      return 'unfinished frames at connection close';
    case 'empty':
      return 'empty frames';
    case 'shutdown':
      return 'frames during shutdown';
  }
}
