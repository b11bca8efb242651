/**
 * Open and resolved incidents, bounded. Open incidents sit in an LRU list keyed by fingerprint, least
 * recently updated first (lru-cache: O(1) touch and eviction candidate; a Map used as an LRU degrades under
 * churn because deleted entries stay as holes at its front). The store never evicts an open incident by
 * itself: the manager closes the candidate first (an early `resolved`), so nothing disappears silently.
 * Resolved incidents are kept for `resolvedRetentionMs` and at most `maxResolved` of them (oldest dropped).
 * The store decides nothing about notifications: that is the manager's job.
 */
import { LRUCache } from 'lru-cache';
import type { IncidentRecord } from './incident-record.js';

export class AlertStore {
  /** fingerprint → open record, in update order. */
  readonly #open: LRUCache<string, IncidentRecord>;
  /** id → open record. */
  readonly #openById = new Map<string, IncidentRecord>();
  /** id → resolved record, in resolve order (never touched, so insertion order is kept). */
  readonly #resolved: LRUCache<string, IncidentRecord>;

  constructor(
    private readonly maxOpen: number,
    maxResolved: number,
  ) {
    this.#open = new LRUCache({ max: maxOpen });
    this.#resolved = new LRUCache({ max: maxResolved });
  }

  get openCount(): number {
    return this.#open.size;
  }

  get full(): boolean {
    return this.#open.size >= this.maxOpen;
  }

  openFor(fingerprint: string): IncidentRecord | undefined {
    return this.#open.peek(fingerprint);
  }

  get(id: string): IncidentRecord | undefined {
    return this.#openById.get(id) ?? this.#resolved.peek(id);
  }

  /** A copy of the open incidents, least recently updated first (safe to resolve while looping). */
  open(): IncidentRecord[] {
    return [...this.#open.rvalues()].filter((r) => r !== undefined);
  }

  resolved(): IncidentRecord[] {
    return [...this.#resolved.rvalues()].filter((r) => r !== undefined);
  }

  /** The least recently updated open incident: the one to close early at the cap. */
  leastRecentlyUpdated(): IncidentRecord | undefined {
    return this.#open.rvalues().next().value ?? undefined;
  }

  /** Adds an open record (the caller makes room first: see `full`) or a resolved one. */
  add(record: IncidentRecord): void {
    if (record.state === 'resolved') {
      this.#resolved.set(record.id, record);
      return;
    }
    if (this.#open.has(record.fingerprint)) throw new Error(`an incident is already open for ${record.fingerprint}`);
    if (this.full) throw new Error('open incidents at the cap: close one first');
    this.#open.set(record.fingerprint, record);
    this.#openById.set(record.id, record);
  }

  /** openFor(), and marks the record found as the most recently updated (one lookup on the hot path). */
  touchOpen(fingerprint: string): IncidentRecord | undefined {
    return this.#open.get(fingerprint);
  }

  /** Marks an open record resolved at `resolvedAt` (no update pending) and moves it to the resolved ones. */
  close(record: IncidentRecord, resolvedAt: number): void {
    record.state = 'resolved';
    record.resolvedAt = resolvedAt;
    record.pending = false;
    if (this.#openById.get(record.id) === record) {
      this.#openById.delete(record.id);
      this.#open.delete(record.fingerprint);
    }
    this.#resolved.set(record.id, record);
  }

  /**
   * Restores persisted records: resolved ones in resolve order, then open ones oldest first. A duplicate
   * fingerprint (a hand-edited file) or more open records than the cap (a lowered maxOpenIncidents) closes
   * the older one, as if it had gone quiet.
   */
  restore(records: readonly IncidentRecord[]): void {
    const resolved = records.filter((r) => r.state === 'resolved').sort((a, b) => a.resolvedAt! - b.resolvedAt!);
    for (const r of resolved) this.add(r);
    for (const r of records.filter((x) => x.state === 'open').sort((a, b) => a.lastSeen - b.lastSeen)) {
      const older = this.openFor(r.fingerprint) ?? (this.full ? this.leastRecentlyUpdated() : undefined);
      if (older !== undefined) this.close(older, older.lastSeen + older.resolveAfterMs);
      this.add(r);
    }
  }

  /** Drops resolved incidents older than the retention; returns how many went. */
  gc(now: number, retentionMs: number): number {
    const old = this.resolved().filter((r) => (r.resolvedAt ?? 0) + retentionMs <= now);
    for (const r of old) this.#resolved.delete(r.id);
    return old.length;
  }
}
