/**
 * At most `max` calls in any rolling window of `windowMs` (an hour for triage): the start times of the calls
 * in the current window, never more than `max` of them.
 */
export class CallBudget {
  readonly #starts: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs = 3_600_000,
  ) {}

  /** Takes one call at `now` when the window has room; false (nothing taken) when it is used up. */
  take(now: number): boolean {
    this.#expire(now);
    if (this.#starts.length >= this.max) return false;
    this.#starts.push(now);
    return true;
  }

  /** Calls still allowed at `now`. */
  remaining(now: number): number {
    this.#expire(now);
    return this.max - this.#starts.length;
  }

  #expire(now: number): void {
    while (this.#starts.length > 0 && now - this.#starts[0]! >= this.windowMs) this.#starts.shift();
  }
}
