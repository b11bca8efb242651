/**
 * Watches the appliance while it is fuzzed: every interval, its resident memory (VmRSS in /proc/PID/status), one
 * GET /healthz (5 s timeout) and its heap figures from /metrics; every few seconds, a forced full garbage
 * collection and the memory left after it (a "live" reading). The samples give the peak RSS and whether /healthz
 * always answered 200; the live readings whether memory grew over the last third of the run.
 */
import { readProcessMemory } from '../harness/process-memory.js';
import type { LiveReading } from '../harness/inspector.js';

export interface MonitorSample {
  /** ms since the monitor started. */
  readonly t: number;
  /** null when /proc/PID/status could not be read (the process is gone). */
  readonly rssBytes: number | null;
  readonly healthStatus: number | null;
  readonly healthMs: number;
  /** V8's heap in use and its size, and memory outside it (Buffers), from /metrics; null when not read. */
  readonly heap: HeapReading | null;
}

export interface HeapReading {
  readonly usedBytes: number;
  readonly totalBytes: number;
  readonly externalBytes: number;
}

export interface MonitorTarget {
  readonly pid: number;
  healthz(): Promise<{ status: number | null; ms: number }>;
  /** The appliance's heap figures (from its /metrics). */
  heap(): Promise<HeapReading | null>;
  /** A forced full garbage collection, then its memory (inspector.ts); `t` is the monitor's clock. */
  live(t: number): Promise<LiveReading>;
}

export class Monitor {
  readonly #target: MonitorTarget;
  readonly #intervalMs: number;
  readonly #liveIntervalMs: number;
  readonly #samples: MonitorSample[] = [];
  readonly #live: LiveReading[] = [];
  readonly #liveErrors: string[] = [];
  readonly #t0 = performance.now();
  #running = false;
  #loop: Promise<void> | null = null;

  /** Samples every intervalMs; forces a full collection and reads the memory left every liveIntervalMs. */
  constructor(target: MonitorTarget, intervalMs: number, liveIntervalMs: number) {
    this.#target = target;
    this.#intervalMs = intervalMs;
    this.#liveIntervalMs = liveIntervalMs;
  }

  get samples(): readonly MonitorSample[] {
    return this.#samples;
  }

  get liveReadings(): readonly LiveReading[] {
    return this.#live;
  }

  get liveErrors(): readonly string[] {
    return this.#liveErrors;
  }

  /** A live reading now (also used for the final one, after the traffic). */
  async liveReading(): Promise<void> {
    try {
      this.#live.push(await this.#target.live(performance.now() - this.#t0));
    } catch (err) {
      this.#liveErrors.push(`forced garbage collection failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** One sample now (also used for the final reading). */
  async sample(): Promise<MonitorSample> {
    const rssBytes = readProcessMemory(this.#target.pid)?.rssBytes ?? null;
    const health = await this.#target.healthz();
    const heap = await this.#target.heap();
    const s = { t: performance.now() - this.#t0, rssBytes, healthStatus: health.status, healthMs: health.ms, heap };
    this.#samples.push(s);
    return s;
  }

  async #run(): Promise<void> {
    let nextLive = performance.now() + this.#liveIntervalMs;
    while (this.#running) {
      const next = performance.now() + this.#intervalMs;
      await this.sample();
      if (performance.now() >= nextLive) {
        await this.liveReading();
        nextLive = performance.now() + this.#liveIntervalMs;
      }
      const wait = next - performance.now();
      if (wait > 0 && this.#running) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
