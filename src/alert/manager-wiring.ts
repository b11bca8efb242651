/**
 * What AlertManager is built from, kept out of its incident logic: its options, the delivery queue and the
 * persistence it constructs from them, and the live-mode timers (tick, GC job). What each part reads back from the
 * manager goes in as a callback, so none of them sees the manager's stores.
 */
import type { Config } from '../config/types.js';
import type { Logger } from '../log.js';
import { AlertPersistence } from './alert-persistence.js';
import type { AlertStats } from './alert-stats.js';
import { DeliveryQueue } from './delivery-queue.js';
import { cronGcScheduler, type GcScheduler } from './gc-scheduler.js';
import { frozenRefs, type IncidentRecord } from './incident-record.js';
import type { Mute, Notifier } from './types.js';

export interface AlertManagerOptions {
  readonly alerting: Config['alerting'];
  /** Directory of incidents.json and mutes.json; null keeps state in memory only (replay). */
  readonly stateDir: string | null;
  readonly notifiers: readonly Notifier[];
  readonly log: Logger;
  /** Group-by field names of the configured rules: what a mute matcher may name besides 'rule'. */
  readonly keyFields: () => Iterable<string>;
  /** Epoch ms; Date.now by default. */
  readonly now?: () => number;
  readonly newId?: () => string;
  /** Live tick period (default 1000 ms). */
  readonly tickIntervalMs?: number;
  /** Events each notifier's queue holds before dropping (default 1000). */
  readonly maxQueuedEvents?: number;
  /** Debounce of state-file writes (default 1000 ms). */
  readonly minWriteIntervalMs?: number;
  /** Default: a node-cron task (unref'd) on alerting.gcSchedule. */
  readonly scheduleGc?: GcScheduler;
}

/** Per-notifier lanes; a queued event is delivered with the record's refs as they are then. */
export function createDeliveryQueue(
  o: AlertManagerOptions,
  stats: AlertStats,
  now: () => number,
  record: (id: string) => IncidentRecord | undefined,
  onRef: (id: string, notifier: string, ref: Readonly<Record<string, string>>) => void,
): DeliveryQueue {
  return new DeliveryQueue({
    notifiers: o.notifiers,
    maxQueued: o.maxQueuedEvents ?? 1000,
    log: o.log,
    stats,
    now,
    refsOf: (id) => {
      const r = record(id);
      return r === undefined || Object.keys(r.refs).length === 0 ? undefined : frozenRefs(r.refs);
    },
    onRef,
  });
}

/** incidents.json and mutes.json in stateDir; null when state stays in memory (stateDir null). */
export function createPersistence(
  o: AlertManagerOptions,
  stats: AlertStats,
  now: () => number,
  incidents: () => readonly IncidentRecord[],
  mutes: () => readonly Mute[],
): AlertPersistence | null {
  if (o.stateDir === null) return null;
  return new AlertPersistence({
    stateDir: o.stateDir,
    log: o.log,
    now,
    minWriteIntervalMs: o.minWriteIntervalMs ?? 1000,
    incidents,
    mutes,
    onWriteError: () => stats.stateWriteFailures++,
  });
}

/** Live mode's timers: a tick interval (optional) and the GC job; a throw in either is logged, never fatal. */
export class LiveTimers {
  #tickTimer: NodeJS.Timeout | null = null;
  #gcJob: { stop(): void } | null = null;

  constructor(private readonly log: Logger) {}

  /** Does nothing while started. The tick timer is unref'd; the default GC job is a node-cron task. */
  start(o: {
    readonly tick: (() => void) | null;
    readonly tickIntervalMs: number;
    readonly gc: () => void;
    readonly gcSchedule: string;
    readonly scheduleGc: GcScheduler | undefined;
  }): void {
    if (this.#gcJob !== null) return;
    if (o.tick !== null) {
      const tick = o.tick;
      this.#tickTimer = setInterval(() => this.#guard('tick', tick), o.tickIntervalMs);
      this.#tickTimer.unref();
    }
    const schedule = o.scheduleGc ?? cronGcScheduler(this.log);
    this.#gcJob = schedule(o.gcSchedule, () => this.#guard('gc', o.gc));
  }

  stop(): void {
    if (this.#tickTimer !== null) clearInterval(this.#tickTimer);
    this.#tickTimer = null;
    this.#gcJob?.stop();
    this.#gcJob = null;
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, `alert manager ${what} failed`);
    }
  }
}
