/**
 * Messages per second over about the last minute, for `/syslog status`: (time, total) samples of a
 * monotonically growing counter, taken every `intervalMs`; the oldest is dropped once the next one is a whole
 * window old. No work on the hot path.
 */
export class RateMeter {
  readonly #samples: { at: number; total: number }[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly total: () => number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
    private readonly intervalMs = 5000,
  ) {}

  start(): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  sample(): void {
    const at = this.now();
    this.#samples.push({ at, total: this.total() });
    while (this.#samples.length > 2 && at - this.#samples[1]!.at >= this.windowMs) this.#samples.shift();
  }

  /** Null until samples span at least the window. */
  perSecond(): number | null {
    const first = this.#samples[0];
    if (first === undefined) return null;
    const at = this.now();
    if (at - first.at < this.windowMs) return null;
    return (this.total() - first.total) / ((at - first.at) / 1000);
  }
}
