/**
 * A bounded, persisted outbox in front of a remote notifier (Slack, a webhook): put() is synchronous and
 * never blocks the alert manager; one worker sends the items, one call at a time.
 * - Order: items of a lane go out in the order they were queued; a failing head holds its lane (and only it).
 * - Pace: at most one send per lane per `laneIntervalMs` (Slack allows about one message per second per channel).
 * - Coalescing: with `merge`, a new event for a key that is already queued (not in flight) is merged into that
 *   item in place, so a burst of updates becomes one call carrying the latest state.
 * - Failure: `retry` keeps the item and waits the longer of Retry-After and an exponential backoff (1 s doubling
 *   up to maxBackoffMs), forever: a Slack outage of hours delays alerts but loses none. `drop` (a request that can
 *   never succeed, such as invalid_blocks) removes the item and counts it. A full outbox refuses new items and
 *   counts them.
 * - Persistence: every change marks the file dirty (debounced atomic write); stop() flushes it, and load()
 *   restores the items at the next start, so a restart loses nothing that was queued.
 */
import type { Logger } from '../../log.js';
import type { OutboxFile } from './outbox-file.js';
import { OutboxStats, type OutboxItem, type SendResult } from './types.js';
import { LogThrottle } from '../../log-throttle.js';

export interface OutboxOptions<P> {
  /** The notifier's name, for logs. */
  readonly name: string;
  readonly maxItems: number;
  readonly laneIntervalMs: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs: number;
  readonly send: (item: Readonly<OutboxItem<P>>) => Promise<SendResult>;
  /** Coalesces a new payload into a queued one with the same key; null: every put is its own item. */
  readonly merge: ((queued: P, next: P) => P) | null;
  /** Persistence; null keeps the outbox in memory (replay, tests). */
  readonly file: OutboxFile<P> | null;
  readonly log: Logger;
  readonly now: () => number;
}

interface LaneState {
  /** Epoch ms before which the lane sends nothing (pace or backoff). */
  nextAt: number;
  /** Consecutive failures: the backoff exponent. */
  failures: number;
}

/** Overflow warnings are logged at most once per this many ms. */
const OVERFLOW_LOG_INTERVAL_MS = 10_000;

export class Outbox<P> {
  readonly stats = new OutboxStats();
  readonly #o: OutboxOptions<P>;
  readonly #items: OutboxItem<P>[] = [];
  /** The queued (not in flight) item per key, for coalescing. */
  readonly #byKey = new Map<string, OutboxItem<P>>();
  readonly #lanes = new Map<string, LaneState>();
  #inFlight: OutboxItem<P> | null = null;
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  readonly #overflowLog = new LogThrottle(OVERFLOW_LOG_INTERVAL_MS);
  #idleWaiters: (() => void)[] = [];

  constructor(options: OutboxOptions<P>) {
    this.#o = options;
  }

  get depth(): number {
    return this.#items.length;
  }

  /** The waiting items in order (what is persisted). */
  items(): readonly OutboxItem<P>[] {
    return this.#items;
  }

  /** Restores the persisted items (call before start()). Returns how many, and a corrupt file's problem. */
  async load(): Promise<{ items: number; problem: string | null }> {
    if (this.#o.file === null) return { items: 0, problem: null };
    const loaded = await this.#o.file.load();
    for (const item of loaded.items) {
      if (this.#items.length >= this.#o.maxItems) {
        this.stats.overflow++;
        continue;
      }
      this.#append({ ...item });
    }
    const problem = loaded.problem === null ? null : `${loaded.problem.file}: ${loaded.problem.reason} (moved to ${loaded.problem.movedTo})`;
    return { items: this.#items.length, problem };
  }

  /** Queues (or coalesces) one event. False when the outbox is full: the event is dropped and counted. */
  put(key: string, lane: string, payload: P): boolean {
    const queued = this.#o.merge === null ? undefined : this.#byKey.get(key);
    if (queued !== undefined) {
      queued.payload = this.#o.merge!(queued.payload, payload);
      this.stats.coalesced++;
    } else if (this.#items.length >= this.#o.maxItems) {
      this.#overflow(key);
      return false;
    } else {
      this.#append({ key, lane, payload, enqueuedAt: this.#o.now(), attempts: 0 });
      this.stats.enqueued++;
    }
    this.#o.file?.changed();
    this.#pump();
    return true;
  }

  /** Starts sending (items loaded or queued before are sent now). */
  start(): void {
    this.#running = true;
    this.#pump();
  }

  /**
   * Stops sending after waiting up to drainTimeoutMs for the outbox to empty (a call in flight is allowed to
   * finish within that time), then writes what is left to disk for the next start.
   */
  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.#items.length > 0) await this.#waitIdle(drainTimeoutMs);
    this.#running = false;
    this.#clearTimer();
    if (this.#items.length > 0) this.#o.log.warn({ notifier: this.#o.name, waiting: this.#items.length }, 'stopping with undelivered events; they are kept for the next start');
    await this.#o.file?.flush();
  }

  /** Resolves when the outbox is empty and nothing is in flight (tests and drain). */
  idle(): Promise<void> {
    return this.#waitIdle(Infinity);
  }

  #append(item: OutboxItem<P>): void {
    this.#items.push(item);
    this.#byKey.set(item.key, item);
    this.#gauge();
  }

  #remove(item: OutboxItem<P>): void {
    const i = this.#items.indexOf(item);
    if (i >= 0) this.#items.splice(i, 1);
    if (this.#byKey.get(item.key) === item) this.#byKey.delete(item.key);
    this.#gauge();
  }

  #gauge(): void {
    this.stats.depth = this.#items.length;
    this.stats.oldestAt = this.#items[0]?.enqueuedAt ?? null;
  }

  #lane(name: string): LaneState {
    let lane = this.#lanes.get(name);
    if (lane === undefined) {
      lane = { nextAt: 0, failures: 0 };
      this.#lanes.set(name, lane);
    }
    return lane;
  }

  /** Sends the first item whose lane is ready, or arms a timer for the earliest lane that will be. */
  #pump(): void {
    if (!this.#running || this.#inFlight !== null) return;
    this.#clearTimer();
    if (this.#items.length === 0) {
      this.#notifyIdle();
      return;
    }
    const now = this.#o.now();
    const seen = new Set<string>();
    let wakeAt = Infinity;
    for (const item of this.#items) {
      if (seen.has(item.lane)) continue;
      seen.add(item.lane);
      const lane = this.#lane(item.lane);
      if (lane.nextAt <= now) {
        void this.#send(item, lane);
        return;
      }
      wakeAt = Math.min(wakeAt, lane.nextAt);
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#pump();
    }, Math.max(1, wakeAt - now));
    this.#timer.unref();
  }

  async #send(item: OutboxItem<P>, lane: LaneState): Promise<void> {
    this.#inFlight = item;
    // From here on a new event for this key makes a new item: this one's payload is being sent.
    if (this.#byKey.get(item.key) === item) this.#byKey.delete(item.key);
    let result: SendResult;
    try {
      result = await this.#o.send(item);
    } catch (err) {
      this.#o.log.error({ err, notifier: this.#o.name, item: item.key }, 'notifier bug: send threw; the event is dropped');
      result = { outcome: 'drop', reason: 'sender threw' };
    }
    const now = this.#o.now();
    this.#inFlight = null;
    if (result.outcome === 'retry') {
      item.attempts++;
      lane.failures++;
      this.stats.retried++;
      const backoff = Math.min(this.#o.maxBackoffMs, (this.#o.minBackoffMs ?? 1000) * 2 ** Math.min(lane.failures - 1, 20));
      const waitMs = Math.max(result.afterMs ?? 0, backoff);
      lane.nextAt = now + waitMs;
      const context = { notifier: this.#o.name, lane: item.lane, reason: result.reason, attempts: item.attempts, retryInMs: waitMs, waiting: this.#items.length };
      if (lane.failures === 1) this.#o.log.warn(context, 'delivery failed; the event stays in the outbox and is retried');
      else this.#o.log.debug(context, 'delivery failed again');
      if (!this.#byKey.has(item.key)) this.#byKey.set(item.key, item);
    } else {
      if (lane.failures > 0 && result.outcome === 'sent') this.#o.log.info({ notifier: this.#o.name, lane: item.lane, failures: lane.failures }, 'delivery recovered');
      lane.failures = 0;
      lane.nextAt = now + this.#o.laneIntervalMs;
      this.#remove(item);
      if (result.outcome === 'sent') this.stats.sent++;
      else {
        this.stats.failed++;
        this.#o.log.error({ notifier: this.#o.name, item: item.key, reason: result.reason }, 'delivery failed and cannot succeed; the event is dropped');
      }
    }
    this.#o.file?.changed();
    this.#pump();
  }

  #overflow(key: string): void {
    this.stats.overflow++;
    const dropped = this.#overflowLog.hit(this.#o.now());
    if (dropped !== null) this.#o.log.warn({ notifier: this.#o.name, dropped, maxItems: this.#o.maxItems, item: key }, 'outbox full: events dropped');
  }

  #waitIdle(timeoutMs: number): Promise<void> {
    if (this.#items.length === 0 && this.#inFlight === null) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== done);
        resolve();
      };
      if (Number.isFinite(timeoutMs)) timer = setTimeout(done, timeoutMs);
      this.#idleWaiters.push(done);
    });
  }

  #notifyIdle(): void {
    for (const waiter of [...this.#idleWaiters]) waiter();
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
