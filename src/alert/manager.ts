/**
 * Signal → incident → mutes → notifiers. `handle()` is the hot path (synchronous, no I/O); everything that
 * depends on time happens in `tick(now)`: coalesced updates go out, quiet incidents resolve. Live, start()
 * ticks every second with the injected clock; in replay the caller drives tick(now) with line timestamps.
 * Notifications go through per-notifier bounded queues (DeliveryQueue); state is persisted debounced.
 * The notify rules are in incident-events.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/types.js';
import type { Signal } from '../detect/types.js';
import type { Logger } from '../log.js';
import { LogThrottle } from '../log-throttle.js';
import { AlertPersistence } from './alert-persistence.js';
import { AlertStats, bump } from './alert-stats.js';
import { AlertStore } from './alert-store.js';
import { DeliveryQueue } from './delivery-queue.js';
import { cronGcScheduler, type GcScheduler } from './gc-scheduler.js';
import { decideOpen, decideResolve, decideUpdate, incidentEvent, nextDecisionAt } from './incident-events.js';
import { createRecord, frozenRefs, mergeSignal, toIncident, type IncidentRecord } from './incident-record.js';
import { MuteStore } from './mute-store.js';
import type { StateProblem } from './state-file.js';
import type { AckResult, Incident, IncidentEventType, IncidentTriage, Mute, MuteInput, MuteResult, MuteView, Notifier } from './types.js';

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

export interface LoadReport {
  readonly incidents: number;
  readonly mutes: number;
  /** Corrupt state files that were moved aside (StateFile has logged each; the manager counts them). */
  readonly problems: readonly StateProblem[];
}

export class AlertManager {
  /** Counters for metrics; read them at scrape time. */
  readonly stats = new AlertStats();
  readonly #o: AlertManagerOptions;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #store: AlertStore;
  readonly #mutes: MuteStore;
  readonly #queue: DeliveryQueue;
  readonly #persistence: AlertPersistence | null;
  #tickTimer: NodeJS.Timeout | null = null;
  #gcJob: { stop(): void } | null = null;
  /** Evictions are logged at most every 10 s (with how many since the last log line). */
  /**
   * No open incident has anything due before this time (a resolve or a coalesced update), so tick() can
   * return at once: replay ticks on every line. Kept conservative: it may be earlier than the real next due
   * time (then a tick scans and finds less to do), never later.
   */
  #nextDueAt = -Infinity;
  readonly #evictionLog = new LogThrottle();

  constructor(options: AlertManagerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
    this.#store = new AlertStore(options.alerting.maxOpenIncidents, options.alerting.maxOpenIncidents);
    this.#mutes = new MuteStore({
      maxMutes: options.alerting.maxMutes,
      newId: this.#newId,
      isKnownField: (name) => [...options.keyFields()].includes(name),
    });
    this.#queue = new DeliveryQueue({
      notifiers: options.notifiers,
      maxQueued: options.maxQueuedEvents ?? 1000,
      log: options.log,
      stats: this.stats,
      now: this.#now,
      refsOf: (id) => {
        const r = this.#store.get(id);
        return r === undefined || Object.keys(r.refs).length === 0 ? undefined : frozenRefs(r.refs);
      },
      onRef: (id, name, ref) => this.setRefs(id, name, ref),
    });
    this.#persistence =
      options.stateDir === null
        ? null
        : new AlertPersistence({
            stateDir: options.stateDir,
            log: options.log,
            now: this.#now,
            minWriteIntervalMs: options.minWriteIntervalMs ?? 1000,
            incidents: () => [...this.#store.open(), ...this.#store.resolved()],
            mutes: () => this.#mutes.snapshot(),
            onWriteError: () => this.stats.stateWriteFailures++,
          });
  }

  get openCount(): number {
    return this.#store.openCount;
  }

  /** Restores incidents (refs and acks included) and mutes from stateDir. Call once, before handle()/start(). */
  async load(): Promise<LoadReport> {
    if (this.#persistence === null) return { incidents: 0, mutes: 0, problems: [] };
    const loaded = await this.#persistence.load();
    this.stats.stateCorruptFiles += loaded.problems.length;
    const records = loaded.incidents ?? [];
    this.#store.restore(records);
    this.#mutes.restore(loaded.mutes ?? []);
    return { incidents: records.length, mutes: loaded.mutes?.length ?? 0, problems: loaded.problems };
  }

  /** The hot path: one Signal per rule match. Synchronous, no I/O; notifications are queued. */
  handle(signal: Signal): void {
    let record = this.#store.openFor(signal.fingerprint);
    if (record !== undefined && signal.at - record.lastSeen >= record.resolveAfterMs) {
      this.#resolve(record, record.lastSeen + record.resolveAfterMs, signal.at);
      this.#persistence?.incidentsChanged();
      record = undefined;
    }
    if (record !== undefined) {
      mergeSignal(record, signal);
      this.#store.touch(record);
      this.#expectDue(record);
    } else if (signal.firing) {
      this.#open(signal);
    } else return;
    this.#persistence?.incidentsChanged();
  }

  /** Flushes due coalesced updates and resolves incidents quiet for their resolveAfterMs. */
  tick(now: number): void {
    if (now < this.#nextDueAt) return;
    let changed = false;
    let nextDueAt = Infinity;
    for (const r of this.#store.open()) {
      if (now - r.lastSeen >= r.resolveAfterMs) {
        this.#resolve(r, r.lastSeen + r.resolveAfterMs, now);
        changed = true;
        continue;
      }
      if (r.pending && now - r.lastNotifiedAt >= this.#o.alerting.updateIntervalMs) {
        this.#update(r, now);
        changed = true;
      }
      nextDueAt = Math.min(nextDueAt, nextDecisionAt(r, this.#o.alerting.updateIntervalMs));
    }
    this.#nextDueAt = nextDueAt;
    if (changed) this.#persistence?.incidentsChanged();
  }

  /** Stops repeat notifications for an open incident (counting goes on; `resolved` is still sent). First ack wins. */
  acknowledge(incidentId: string, by: string, now: number = this.#now()): AckResult {
    const r = this.#store.get(incidentId);
    if (r === undefined) return { ok: false, reason: 'not_found' };
    if (r.state === 'resolved') return { ok: false, reason: 'resolved' };
    if (r.ackedBy === null) {
      r.ackedBy = by;
      r.ackedAt = now;
      this.#o.log.info({ incident: r.id, rule: r.rule, by }, 'incident acknowledged');
      this.#persistence?.incidentsChanged();
    }
    return { ok: true, incident: toIncident(r) };
  }

  mute(input: MuteInput, now: number = this.#now()): MuteResult {
    const result = this.#mutes.add(input, now);
    if (result.ok) {
      this.#o.log.info({ mute: result.mute }, 'mute created');
      this.#persistence?.mutesChanged();
    }
    return result;
  }

  /** Expires a mute now (endsAt = now; idempotent, never deletes). Null when the id is unknown. */
  unmute(id: string, now: number = this.#now()): Mute | null {
    const before = this.#mutes.get(id);
    const mute = this.#mutes.expire(id, now);
    if (mute !== null && mute !== before) {
      this.#o.log.info({ mute: id }, 'mute expired');
      this.#persistence?.mutesChanged();
    }
    return mute;
  }

  mutes(now: number = this.#now()): MuteView[] {
    return this.#mutes.list(now);
  }

  /** The active mute that silences this incident now, if any (for showing "muted until" and an Unmute button). */
  muteFor(incident: Pick<Incident, 'rule' | 'key'>, now: number = this.#now()): Mute | undefined {
    return this.#mutes.matching(incident.rule, incident.key, now);
  }

  openIncidents(): Incident[] {
    return this.#store.open().map(toIncident);
  }

  /** An open or retained resolved incident. */
  incident(id: string): Incident | undefined {
    const r = this.#store.get(id);
    return r === undefined ? undefined : toIncident(r);
  }

  /** Stores a notifier's message reference (done automatically with what notify() returns). */
  setRefs(incidentId: string, notifier: string, ref: Readonly<Record<string, string>>): boolean {
    const r = this.#store.get(incidentId);
    if (r === undefined) return false;
    r.refs[notifier] = { ...ref };
    this.#persistence?.incidentsChanged();
    return true;
  }

  /**
   * Stores the LLM triage (src/triage/) on an open incident and sends a `triaged` event, which the notifiers
   * show (a JSON line, an edit of the Slack message). False when the incident is unknown or already resolved.
   */
  attachTriage(incidentId: string, triage: IncidentTriage, now: number = this.#now()): boolean {
    const r = this.#store.get(incidentId);
    if (r === undefined || r.state !== 'open') return false;
    r.triage = triage;
    this.#persistence?.incidentsChanged();
    this.#emit('triaged', r, now);
    return true;
  }

  /** Removes resolved incidents and expired mutes past their retention. Run by the gcSchedule job. */
  gc(now: number): { incidents: number; mutes: number } {
    const incidents = this.#store.gc(now, this.#o.alerting.resolvedRetentionMs);
    const mutes = this.#mutes.gc(now, this.#o.alerting.muteRetentionMs);
    this.stats.gcIncidents += incidents;
    this.stats.gcMutes += mutes;
    if (incidents > 0) this.#persistence?.incidentsChanged();
    if (mutes > 0) this.#persistence?.mutesChanged();
    if (incidents + mutes > 0) this.#o.log.debug({ incidents, mutes }, 'garbage collected');
    return { incidents, mutes };
  }

  /** Live mode: a tick every tickIntervalMs (autoTick: false leaves ticking to the caller) and the GC job. Timers are unref'd. */
  start(options: { autoTick?: boolean } = {}): void {
    if (this.#gcJob !== null) return;
    if (options.autoTick ?? true) {
      this.#tickTimer = setInterval(() => this.#guard('tick', () => this.tick(this.#now())), this.#o.tickIntervalMs ?? 1000);
      this.#tickTimer.unref();
    }
    const schedule = this.#o.scheduleGc ?? cronGcScheduler(this.#o.log);
    this.#gcJob = schedule(this.#o.alerting.gcSchedule, () => this.#guard('gc', () => this.gc(this.#now())));
  }

  /** Stops the timers, waits (up to drainTimeoutMs) for queued notifications, then writes the state. */
  async stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.#tickTimer !== null) clearInterval(this.#tickTimer);
    this.#tickTimer = null;
    this.#gcJob?.stop();
    this.#gcJob = null;
    if (!(await this.#queue.drain(options.drainTimeoutMs ?? 5000))) {
      this.#o.log.warn({ notifiers: Object.fromEntries(this.stats.notifiers) }, 'stopping with notifications still queued');
    }
    await this.#persistence?.flush();
  }

  /** Resolves once every queued notification has been handed to its notifier and answered. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Writes pending state changes now. */
  async flush(): Promise<void> {
    await this.#persistence?.flush();
  }

  #open(signal: Signal): void {
    while (this.#store.full) {
      const victim = this.#store.leastRecentlyUpdated();
      if (victim === undefined) break;
      this.stats.evicted++;
      const evicted = this.#evictionLog.hit(signal.at);
      if (evicted !== null) {
        const { maxOpenIncidents } = this.#o.alerting;
        this.#o.log.warn({ evicted, maxOpenIncidents, rule: victim.rule }, 'too many open incidents: closed the least recently updated early');
      }
      this.#resolve(victim, signal.at, signal.at);
    }
    const r = createRecord(signal, this.#newId());
    const mute = this.#mutes.matching(r.rule, r.key, signal.at);
    const decision = decideOpen(mute !== undefined);
    r.suppressed = decision === 'suppressed';
    r.notified = decision === 'fired';
    this.#store.add(r);
    this.#expectDue(r);
    bump(this.stats.opened, r.rule);
    if (decision === 'suppressed') this.stats.suppressed++;
    this.#o.log.debug({ incident: r.id, rule: r.rule, key: r.key, mute: mute?.id }, `incident ${decision}`);
    this.#emit(decision, r, signal.at);
  }

  #update(r: IncidentRecord, now: number): void {
    const decision = decideUpdate(r, this.#mutes.matching(r.rule, r.key, now) !== undefined);
    r.pending = false;
    r.lastNotifiedAt = now;
    if (decision === 'muted') this.stats.mutedUpdates++;
    else if (decision === 'acked') this.stats.ackedUpdates++;
    else {
      if (decision === 'fired') r.notified = true;
      this.#emit(decision, r, now);
    }
  }

  /** Quiet (or evicted) incident: closed at `resolvedAt`, decided at `now`. */
  #resolve(r: IncidentRecord, resolvedAt: number, now: number): void {
    const decision = decideResolve(r);
    this.#store.close(r, resolvedAt);
    bump(this.stats.resolved, r.rule);
    this.#o.log.debug({ incident: r.id, rule: r.rule, count: r.count }, `incident resolved (${decision})`);
    if (decision === 'resolved') this.#emit('resolved', r, now);
  }

  #expectDue(r: IncidentRecord): void {
    this.#nextDueAt = Math.min(this.#nextDueAt, nextDecisionAt(r, this.#o.alerting.updateIntervalMs));
  }

  #emit(event: IncidentEventType, r: IncidentRecord, at: number): void {
    this.#queue.push(incidentEvent(event, r, at));
  }

  #guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#o.log.error({ err }, `alert manager ${what} failed`);
    }
  }
}
