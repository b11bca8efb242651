/**
 * Triage results by incident fingerprint (rule + key), so a flapping incident (resolved, then fired again)
 * is not sent to the model again within `ttlMs`. Bounded: at most `maxEntries` (the oldest go first, counted
 * in `evictions` and reported to `onEvict`, for syslog_triage_cache_evictions_total); 0 keeps nothing.
 * Entries are kept in the order they were stored, which is their age order.
 */
import type { IncidentTriage } from '../alert/types.js';

export class TriageCache {
  readonly #entries = new Map<string, { readonly triage: IncidentTriage; readonly storedAt: number }>();
  #evictions = 0;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    /** Called for each entry dropped before its TTL because the cache was full. */
    readonly onEvict: () => void = () => {},
  ) {}

  /** Entries dropped before their TTL because the cache was full. */
  get evictions(): number {
    return this.#evictions;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(fingerprint: string, now: number): IncidentTriage | undefined {
    const entry = this.#entries.get(fingerprint);
    if (entry === undefined) return undefined;
    if (now - entry.storedAt < this.ttlMs) return entry.triage;
    this.#entries.delete(fingerprint);
    return undefined;
  }

  set(fingerprint: string, triage: IncidentTriage, now: number): void {
    if (this.maxEntries === 0) return;
    this.#entries.delete(fingerprint);
    this.#entries.set(fingerprint, { triage, storedAt: now });
    for (const [oldest, entry] of this.#entries) {
      const expired = now - entry.storedAt >= this.ttlMs;
      if (!expired && this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
      if (!expired) {
        this.#evictions++;
        this.onEvict();
      }
    }
  }
}
