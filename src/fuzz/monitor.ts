/**
 * Watches the appliance while it is fuzzed: every interval, its resident memory (VmRSS in /proc/PID/status) and
 * one GET /healthz (5 s timeout). The samples feed the verdict: peak RSS, growth over the last third of the run,
 * and whether /healthz always answered 200.
 */
import { readFileSync } from 'node:fs';

export interface MonitorSample {
  /** ms since the monitor started. */
  readonly t: number;
  /** null when /proc/PID/status could not be read (the process is gone). */
  readonly rssBytes: number | null;
  readonly healthStatus: number | null;
  readonly healthMs: number;
}

export interface MonitorTarget {
  readonly pid: number;
  healthz(): Promise<{ status: number | null; ms: number }>;
}

/** VmRSS or VmHWM of a process in bytes; null when it is gone or /proc is unreadable. */
export function readStatusBytes(pid: number, key: 'VmRSS' | 'VmHWM'): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : null;
}

export class Monitor {
  readonly #target: MonitorTarget;
  readonly #intervalMs: number;
  readonly #samples: MonitorSample[] = [];
  readonly #t0 = performance.now();
  #running = false;
  #loop: Promise<void> | null = null;

  constructor(target: MonitorTarget, intervalMs: number) {
    this.#target = target;
    this.#intervalMs = intervalMs;
  }

  get samples(): readonly MonitorSample[] {
    return this.#samples;
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
    const rssBytes = readStatusBytes(this.#target.pid, 'VmRSS');
    const health = await this.#target.healthz();
    const s = { t: performance.now() - this.#t0, rssBytes, healthStatus: health.status, healthMs: health.ms };
    this.#samples.push(s);
    return s;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const next = performance.now() + this.#intervalMs;
      await this.sample();
      const wait = next - performance.now();
      if (wait > 0 && this.#running) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
