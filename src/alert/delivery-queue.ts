/**
 * Delivers incident events to the notifiers without ever blocking the caller. Each notifier has its own
 * bounded FIFO lane served one event at a time, so events reach every notifier in the order they were
 * produced (per incident and overall), and a slow or failing notifier (Slack rate limits) delays nobody else.
 * A full lane drops the new event and counts it. NotifyError = an expected failure (counted, warn);
 * anything else thrown = a bug in the notifier (counted, logged at error level); neither stops the lane.
 */
import type { Logger } from '../log.js';
import type { AlertStats, NotifierStats } from './alert-stats.js';
import { NotifyError, type Incident, type IncidentEvent, type Notifier } from './types.js';
import { LogThrottle } from '../log-throttle.js';

export interface DeliveryQueueOptions {
  readonly notifiers: readonly Notifier[];
  /** Events a lane holds (waiting + in flight) before it drops new ones. */
  readonly maxQueued: number;
  readonly log: Logger;
  readonly stats: AlertStats;
  readonly now: () => number;
  /**
   * The incident's current refs (frozen), or undefined when it has none: an `updated` queued before the
   * `fired` was answered is delivered with the reference the `fired` produced.
   */
  readonly refsOf: (incidentId: string) => Incident['refs'] | undefined;
  /** Stores what notify() returned. */
  readonly onRef: (incidentId: string, notifier: string, ref: Readonly<Record<string, string>>) => void;
}

/** Warnings about drops are logged at most once per this many ms per lane. */
const DROP_LOG_INTERVAL_MS = 10_000;

class Lane {
  readonly #events: IncidentEvent[] = [];
  #running: Promise<void> | null = null;
  readonly #dropLog = new LogThrottle(DROP_LOG_INTERVAL_MS);

  constructor(
    readonly notifier: Notifier,
    private readonly stats: NotifierStats,
    private readonly options: DeliveryQueueOptions,
  ) {}

  push(event: IncidentEvent): void {
    if (this.stats.queued >= this.options.maxQueued) {
      this.stats.dropped++;
      const dropped = this.#dropLog.hit(this.options.now());
      if (dropped !== null) {
        this.options.log.warn(
          { notifier: this.notifier.name, dropped, maxQueued: this.options.maxQueued, incident: event.incident.id, event: event.event },
          'notifier queue full: events dropped',
        );
      }
      return;
    }
    this.#events.push(event);
    this.stats.queued++;
    this.#running ??= this.#run();
  }

  get busy(): boolean {
    return this.#running !== null;
  }

  /** Resolves when the events queued so far are delivered. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    // Start on a later microtask: the producer (handle / tick) finishes before any notifier runs.
    await Promise.resolve();
    for (let event = this.#events.shift(); event !== undefined; event = this.#events.shift()) {
      await this.#deliver(event);
      this.stats.queued--;
    }
    this.#running = null;
  }

  async #deliver(event: IncidentEvent): Promise<void> {
    const { notifier, options } = this;
    const refs = options.refsOf(event.incident.id);
    const current = refs === undefined ? event : Object.freeze({ ...event, incident: Object.freeze({ ...event.incident, refs }) });
    try {
      const ref = await notifier.notify(current);
      this.stats.delivered++;
      if (ref) options.onRef(event.incident.id, notifier.name, ref);
    } catch (err) {
      const context = { err, notifier: notifier.name, incident: event.incident.id, rule: event.incident.rule, event: event.event };
      if (err instanceof NotifyError) {
        this.stats.failed++;
        if (err.retryable) this.stats.failedRetryable++;
        options.log.warn({ ...context, retryable: err.retryable }, 'notify failed');
      } else {
        this.stats.errors++;
        options.log.error(context, 'notifier bug: notify() threw something other than a NotifyError');
      }
    }
  }
}

export class DeliveryQueue {
  readonly #lanes: Lane[];

  constructor(options: DeliveryQueueOptions) {
    this.#lanes = options.notifiers.map((n) => new Lane(n, options.stats.notifier(n.name), options));
  }

  /** Synchronous and cheap: queues the event on every notifier's lane. */
  push(event: IncidentEvent): void {
    for (const lane of this.#lanes) lane.push(event);
  }

  /** Resolves when every lane is empty, events pushed while waiting included. */
  async idle(): Promise<void> {
    while (this.#lanes.some((l) => l.busy)) await Promise.allSettled(this.#lanes.map((l) => l.idle()));
  }

  /** idle(), but gives up after timeoutMs: true when everything was delivered. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const drained = await Promise.race([this.idle().then(() => true as const), timedOut]);
    clearTimeout(timer);
    return drained;
  }
}
