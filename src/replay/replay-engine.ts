/**
 * Runs the configured rules offline over log lines, using each line's own timestamp as its receive time (the
 * previous line's time when a line has none), through the same detector and alert manager as the live daemon.
 * Used by `syslog-sentinel replay`; no sockets, no state files, no wall clock. The alert manager is never
 * started (no timer, no GC job): feed() ticks it at each line's time.
 */
import type { Logger } from 'pino';
import { AlertManager } from '../alert/manager.js';
import type { Notifier } from '../alert/types.js';
import type { Config } from '../config/types.js';
import { Detector } from '../detect/detector.js';
import type { Signal } from '../detect/types.js';
import type { RawFrame } from '../ingest/types.js';
import { parseSyslog } from '../parse/syslog.js';
import type { SyslogFormat, SyslogMessage } from '../parse/types.js';

/**
 * A caller feeding many lines lets the alert manager's delivery lane (microtasks) catch up at least every this
 * many lines, with settle(); the default queue bound below counts on it.
 */
export const FEED_BATCH = 64;

/** Lines that no rule matched are sampled for the summary, at most this many. */
const UNMATCHED_SAMPLE = 5;

export interface ReplayOptions {
  readonly config: Config;
  readonly notifiers: readonly Notifier[];
  readonly log: Logger;
  /** Time for lines before the first timestamped one, and the reference for year-less stamps. */
  readonly now: number;
  /** Stands in for the sender address (which a log file does not record) for lines without a hostname. */
  readonly sender: string;
  /**
   * Events each notifier's queue holds before dropping. Default: enough that nothing is dropped when the caller
   * settles every FEED_BATCH lines (a fired/updated and a resolved event per rule per line, plus every open
   * incident resolving at once at a tick or at finish()).
   */
  readonly maxQueuedEvents?: number;
}

export interface LineOutcome {
  readonly line: number;
  readonly at: number;
  readonly syslog: SyslogMessage;
  /** One entry per rule match on this line, in rule order. */
  readonly matches: readonly Signal[];
}

export interface ReplaySummary {
  readonly lines: number;
  readonly parsed: Readonly<Record<SyslogFormat, number>>;
  readonly matchesPerRule: Readonly<Record<string, number>>;
  readonly incidents: number;
  readonly unmatchedSample: readonly string[];
  readonly firstAt: number | null;
  readonly lastAt: number | null;
}

export class ReplayEngine {
  readonly #detector: Detector;
  readonly #alerts: AlertManager;
  readonly #sender: string;
  readonly #parseOptions: { timezone: string; now: number };
  readonly #parsed: Record<SyslogFormat, number> = { rfc5424: 0, rfc3164: 0, unknown: 0 };
  readonly #unmatched: string[] = [];
  #lineSignals: Signal[] = [];
  /** The replay clock: the latest line time seen; before the first timestamped line, options.now. */
  #clock: number;
  #clocked = false;
  #lines = 0;
  #firstAt: number | null = null;
  #lastAt: number | null = null;

  constructor(options: ReplayOptions) {
    const { config } = options;
    this.#sender = options.sender;
    this.#clock = options.now;
    this.#parseOptions = { timezone: config.timezone, now: options.now };
    this.#alerts = new AlertManager({
      alerting: config.alerting,
      stateDir: null,
      notifiers: options.notifiers,
      log: options.log,
      keyFields: () => config.rules.flatMap((r) => r.groupBy),
      now: () => this.#clock,
      maxQueuedEvents: options.maxQueuedEvents ?? 2 * config.alerting.maxOpenIncidents + 2 * FEED_BATCH * Math.max(1, config.rules.length),
    });
    this.#detector = new Detector({
      rules: config.rules,
      onSignal: (signal) => {
        this.#lineSignals.push(signal);
        this.#alerts.handle(signal);
      },
    });
  }

  /** Feeds one line (without its LF). */
  feed(bytes: Buffer): LineOutcome {
    this.#lines++;
    const syslog = parseSyslog(bytes, this.#parseOptions);
    this.#parsed[syslog.protocol]++;
    // Time never runs backwards: a line stamped earlier than its predecessor is taken at the predecessor's time.
    if (syslog.timestampMs !== null && (!this.#clocked || syslog.timestampMs > this.#clock)) {
      this.#clock = syslog.timestampMs;
      this.#clocked = true;
    }
    const at = this.#clock;
    this.#firstAt ??= at;
    this.#lastAt = at;
    this.#alerts.tick(at);
    const frame: RawFrame = { bytes, receivedAt: at, receivedMono: 0, transport: 'udp', remoteAddress: this.#sender, remotePort: 0, listener: 'replay' };
    this.#lineSignals = [];
    this.#detector.process({ frame, syslog, host: syslog.hostname ?? this.#sender });
    const matches = this.#lineSignals;
    if (matches.length === 0 && this.#unmatched.length < UNMATCHED_SAMPLE) this.#unmatched.push(bytes.toString('utf8', 0, Math.min(bytes.length, 300)));
    return { line: this.#lines, at, syslog, matches };
  }

  /** Resolves once the events queued so far have been handed to the notifiers (the next macrotask). */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * End of input: lets the clock run on until every open incident has resolved (as the live daemon would once
   * the traffic stops), delivers the pending events, and returns the summary.
   */
  async finish(): Promise<ReplaySummary> {
    const open = this.#alerts.openIncidents();
    const settleAt = open.reduce((t, i) => Math.max(t, i.lastSeen + i.resolveAfterMs), this.#clock);
    this.#clock = settleAt;
    this.#alerts.tick(settleAt);
    await this.#alerts.stop();
    const matchesPerRule: Record<string, number> = {};
    for (const s of this.#detector.stats()) matchesPerRule[s.rule] = s.matches;
    let incidents = 0;
    for (const n of this.#alerts.stats.opened.values()) incidents += n;
    return { lines: this.#lines, parsed: { ...this.#parsed }, matchesPerRule, incidents, unmatchedSample: [...this.#unmatched], firstAt: this.#firstAt, lastAt: this.#lastAt };
  }
}
