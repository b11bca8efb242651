/**
 * Exact sliding windows by receive time, pure (`now` is passed in). A match at time t is inside the window at
 * `now` when now - t < windowMs: a 60 s window at 12:01:00.000 holds matches after 12:00:00.000.
 *
 * To decide "at least N inside the window" only the last N times matter, so a key keeps a ring of at most N
 * receive times (N = the rule's threshold): memory per key is bounded by the threshold, whatever the rate,
 * and the count it reports is exact up to N (it saturates at N: the decision never needs more).
 */
export class SlidingWindow {
  /** A ring of the last `capacity` receive times (-Infinity: an empty slot, never inside a window). */
  readonly #times: number[];
  /** The slot the next time overwrites: the oldest. */
  #oldest = 0;

  constructor(capacity: number) {
    this.#times = new Array<number>(capacity).fill(-Infinity);
  }

  /** Records a match at `now`; returns the matches inside the window, this one included (at most the capacity). */
  record(now: number, windowMs: number): number {
    const times = this.#times;
    times[this.#oldest] = now;
    this.#oldest = this.#oldest + 1 === times.length ? 0 : this.#oldest + 1;
    return this.count(now, windowMs);
  }

  /** The oldest match inside the window at `now` (`now` when there is none): when the burst began. */
  earliest(now: number, windowMs: number): number {
    let first = now;
    for (const t of this.#times) if (now - t < windowMs && t < first) first = t;
    return first;
  }

  /** Matches inside the window at `now` (times after `now`, from a clock that stepped back, count as inside). */
  count(now: number, windowMs: number): number {
    const times = this.#times;
    let n = 0;
    for (let i = 0; i < times.length; i++) if (now - times[i]! < windowMs) n++;
    return n;
  }
}

/**
 * Distinct values inside the window, e.g. user names tried from one address. A value's last sighting is what
 * counts; at most `capacity` values are kept, the most recently seen ones, which is exact for "at least
 * `capacity` distinct values inside the window" (the values seen inside the window are always the most recent).
 * Assumes receive times do not go backwards (a clock step back can only make the count too high, briefly).
 */
export class DistinctWindow {
  /** value → last seen; insertion order is last-seen order (a sighting re-inserts). */
  readonly #lastSeen = new Map<string, number>();

  /** Records `value` at `now`; returns the distinct values inside the window, at most `capacity`. */
  record(value: string, now: number, windowMs: number, capacity: number): number {
    const seen = this.#lastSeen;
    seen.delete(value);
    seen.set(value, now);
    for (const [v, t] of seen) {
      if (seen.size <= capacity && now - t < windowMs) break;
      seen.delete(v);
    }
    return seen.size;
  }

  /** The earliest last sighting inside the window at `now` (`now` when there is none). */
  earliest(now: number, windowMs: number): number {
    for (const t of this.#lastSeen.values()) if (now - t < windowMs) return Math.min(t, now);
    return now;
  }

  /** Distinct values inside the window at `now`. */
  count(now: number, windowMs: number): number {
    let n = 0;
    for (const t of this.#lastSeen.values()) if (now - t < windowMs) n++;
    return n;
  }
}
