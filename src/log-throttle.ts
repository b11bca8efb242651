/**
 * For events that come in floods (drops, a full queue, evictions): count every one, log at most one line per
 * interval, and say in it how many happened since the last line.
 */
export class LogThrottle {
  #lastLoggedAt = Number.NEGATIVE_INFINITY;
  #unlogged = 0;

  constructor(readonly intervalMs = 10_000) {}

  /** Counts one event at `now`; returns how many to report when a log line is due, else null. */
  hit(now: number): number | null {
    this.#unlogged++;
    if (now - this.#lastLoggedAt < this.intervalMs) return null;
    const count = this.#unlogged;
    this.#lastLoggedAt = now;
    this.#unlogged = 0;
    return count;
  }
}
