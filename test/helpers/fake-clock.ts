/** A clock the test moves by hand: pass `clock.now` wherever code takes `now: () => number`. */
export class FakeClock {
  constructor(public t: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  readonly now = (): number => this.t;

  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }

  set(ms: number): number {
    this.t = ms;
    return this.t;
  }
}
