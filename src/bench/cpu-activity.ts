/**
 * When a process last did real work: its CPU time (/proc/PID/stat, all threads) sampled every few ms,
 * remembering the last sample at which it had grown by at least `minCpuSeconds` over the preceding `windowMs`.
 * For a receiver whose counters are reported late (rsyslog's impstats), this is when it finished a run.
 * Precision: a clock tick (10 ms at USER_HZ 100) plus the sampling interval. Asking for two ticks' worth keeps
 * a single stray tick after the run (impstats' own write once a second, well under 1 ms of CPU, crosses a tick
 * boundary about every 25 s) from counting as work, while a receiver that gets only a tenth of a core still counts.
 */
import { epochMs } from './clock.js';
import { readCpuSeconds } from './proc.js';

export interface CpuSample {
  readonly at: number;
  readonly cpuSeconds: number;
}

/**
 * Pure core of the watch: feed samples in time order; `lastActiveAt` is the time of the last sample at which
 * the CPU time had grown and had grown by at least minCpuSeconds since the window's start (windowMs back).
 */
export class CpuActivity {
  readonly #samples: CpuSample[] = [];
  #lastActiveAt: number | null = null;

  constructor(
    readonly windowMs = 200,
    readonly minCpuSeconds = 0.02,
  ) {}

  add(s: CpuSample): void {
    const prev = this.#samples[this.#samples.length - 1];
    this.#samples.push(s);
    // Keep one sample at least windowMs old as the window's start.
    while (this.#samples.length > 2 && s.at - this.#samples[1]!.at >= this.windowMs) this.#samples.shift();
    if (prev === undefined || s.cpuSeconds <= prev.cpuSeconds) return;
    // (Ticks are read as decimals: allow for rounding.)
    if (s.cpuSeconds - this.#samples[0]!.cpuSeconds >= this.minCpuSeconds * 0.999) this.#lastActiveAt = s.at;
  }

  get lastActiveAt(): number | null {
    return this.#lastActiveAt;
  }
}

/** CpuActivity fed from /proc every intervalMs until stop(). */
export class CpuActivityWatch {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  readonly #activity = new CpuActivity();

  constructor(pid: number, intervalMs = 5) {
    this.#pid = pid;
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const cpu = readCpuSeconds(this.#pid);
    if (cpu !== null) this.#activity.add({ at: epochMs(), cpuSeconds: cpu });
  }

  /** Epoch ms of the last sample that saw real work, or null if none did. */
  get lastActiveAt(): number | null {
    return this.#activity.lastActiveAt;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
