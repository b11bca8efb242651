/**
 * Signal → incident → mutes → notifiers. `handle()` is the hot path (synchronous, no I/O); everything that
 * depends on time happens in `tick(now)`: coalesced updates go out, quiet incidents resolve. Live, start()
 * ticks every second with the injected clock; in replay the caller drives tick(now) with line timestamps.
 * Notifications go through per-notifier bounded queues (DeliveryQueue); state is persisted debounced.
 * The notify rules are in incident-events.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Signal } from '../detect/types.js';
import { LogThrottle } from '../log-throttle.js';
import type { AlertPersistence } from './alert-persistence.js';
import { AlertStats, bump } from './alert-stats.js';
import { AlertStore } from './alert-store.js';
import type { DeliveryQueue } from './delivery-queue.js';
import { decideOpen, decideResolve, decideUpdate, incidentEvent, nextDecisionAt } from './incident-events.js';
import { createRecord, mergeSignal, toIncident, type IncidentRecord } from './incident-record.js';
import { createDeliveryQueue, createPersistence, LiveTimers, type AlertManagerOptions } from './manager-wiring.js';
import { MuteStore } from './mute-store.js';
import type { StateProblem } from './state-file.js';
import type { AckResult, Incident, IncidentEventType, IncidentTriage, Mute, MuteInput, MuteResult, MuteView } from './types.js';

export type { AlertManagerOptions } from './manager-wiring.js';

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
  readonly #timers: LiveTimers;
  /**
   * No open incident has anything due before this time (a resolve or a coalesced update), so tick() can
   * return at once: replay ticks on every line. Kept conservative: it may be earlier than the real next due
   * time (then a tick scans and finds less to do), never later.
   */
  #nextDueAt = -Infinity;
  /** Evictions are logged at most every 10 s (with how many since the last log line). */
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
    const record = (id: string) => this.#store.get(id);
    this.#queue = createDeliveryQueue(options, this.stats, this.#now, record, (id, name, ref) => this.setRefs(id, name, ref));
    const incidents = () => [...this.#store.open(), ...this.#store.resolved()];
    this.#persistence = createPersistence(options, this.stats, this.#now, incidents, () => this.#mutes.snapshot());
    this.#timers = new LiveTimers(options.log);
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
    // One LRU lookup that also marks the record most recently updated (a quiet one is closed right after).
    const record = this.#store.touchOpen(signal.fingerprint);
    if (record !== undefined && signal.at - record.lastSeen < record.resolveAfterMs) {
      mergeSignal(record, signal);
      this.#expectDue(record);
    } else {
      if (record !== undefined) this.#resolve(record, record.lastSeen + record.resolveAfterMs, signal.at);
      if (signal.firing) this.#open(signal);
      else if (record === undefined) return;
    }
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
    const r = this.#change(incidentId, true, (r) => {
      if (r.ackedBy !== null) return false;
      r.ackedBy = by;
      r.ackedAt = now;
      this.#o.log.info({ incident: r.id, rule: r.rule, by }, 'incident acknowledged');
      return true;
    });
    return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, incident: toIncident(r) };
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
    const r = this.#change(incidentId, false, (r) => {
      r.refs[notifier] = { ...ref };
      return true;
    });
    return typeof r !== 'string';
  }

  /**
   * Stores the LLM triage (src/triage/) on an open incident and sends a `triaged` event, which the notifiers
   * show (a JSON line, an edit of the Slack message). False when the incident is unknown or already resolved.
   */
  attachTriage(incidentId: string, triage: IncidentTriage, now: number = this.#now()): boolean {
    const r = this.#change(incidentId, true, (r) => {
      r.triage = triage;
      return true;
    });
    if (typeof r === 'string') return false;
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
    this.#timers.start({
      tick: options.autoTick ?? true ? () => this.tick(this.#now()) : null,
      tickIntervalMs: this.#o.tickIntervalMs ?? 1000,
      gc: () => this.gc(this.#now()),
      gcSchedule: this.#o.alerting.gcSchedule,
      scheduleGc: this.#o.scheduleGc,
    });
  }

  /** Stops the timers, waits (up to drainTimeoutMs) for queued notifications, then writes the state. */
  async stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    this.#timers.stop();
    if (!(await this.#queue.drain(options.drainTimeoutMs ?? 5000))) {
      this.#o.log.warn({ notifiers: Object.fromEntries(this.stats.notifiers) }, 'stopping with notifications still queued');
    }
    await this.flush();
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

  /**
   * An operator action on one record: unknown ids (and resolved incidents when `openOnly`) are refused;
   * otherwise `change` runs and, when it reports a change, the state is persisted. Returns the record or why not.
   */
  #change(id: string, openOnly: boolean, change: (r: IncidentRecord) => boolean): IncidentRecord | 'not_found' | 'resolved' {
    const r = this.#store.get(id);
    if (r === undefined) return 'not_found';
    if (openOnly && r.state !== 'open') return 'resolved';
    if (change(r)) this.#persistence?.incidentsChanged();
    return r;
  }
}
