/**
 * Watches how much CPU other processes take while the benchmark runs: every user process that is not the
 * benchmark's own (orchestrator, sender, receivers) is read from /proc/PID/stat every couple of seconds.
 * Kernel threads are left out (their work, e.g. ksoftirqd, is mostly the benchmark's own loopback traffic).
 * On a 2-core machine one busy neighbour is enough to invalidate the numbers, so the report says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { clockTicksPerSecond, readCpuSeconds, readProcStat } from './proc.js';

export interface ForeignCpuReport {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** cpuSeconds / wallSeconds: cores' worth of CPU other processes used on average. */
  readonly averageCores: number;
  /** The biggest users, most first. */
  readonly top: readonly { readonly pid: number; readonly command: string; readonly cpuSeconds: number }[];
}

interface Seen {
  cpu: number;
  first: number;
  command: string;
}

function uptimeSeconds(): number {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

export class ForeignCpuMonitor {
  readonly #own: () => ReadonlySet<number>;
  readonly #seen = new Map<number, Seen>();
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | null = null;
  #startUptime = Number.NaN;
  #startedAt = 0;

  constructor(ownPids: () => ReadonlySet<number>, intervalMs = 2000) {
    this.#own = ownPids;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#startUptime = uptimeSeconds();
    this.#startedAt = Date.now();
    this.#scan(true);
    this.#timer = setInterval(() => this.#scan(false), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): ForeignCpuReport {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#scan(false);
    const wallSeconds = (Date.now() - this.#startedAt) / 1000;
    const rows = [...this.#seen.entries()]
      .map(([pid, s]) => ({ pid, command: s.command, cpuSeconds: s.cpu - s.first }))
      .filter((r) => r.cpuSeconds > 0)
      .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
    const cpuSeconds = rows.reduce((t, r) => t + r.cpuSeconds, 0);
    return { wallSeconds, cpuSeconds, averageCores: wallSeconds > 0 ? cpuSeconds / wallSeconds : Number.NaN, top: rows.slice(0, 5) };
  }

  #scan(initial: boolean): void {
    const own = this.#own();
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return;
    }
    for (const name of entries) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      if (own.has(pid)) continue;
      const seen = this.#seen.get(pid);
      if (seen === undefined) {
        const f = readProcStat(pid);
        // Kernel threads (children of kthreadd, pid 2) and the benchmark's own helpers (taskset, ...) are not counted.
        if (f === null || pid === 2 || f.ppid === 2 || own.has(f.ppid)) continue;
        const cpu = f.cpuSeconds;
        // A process that started after the benchmark counts from zero; one that was already running, from now.
        const startedDuringRun = !initial && f.starttimeTicks / clockTicksPerSecond() >= this.#startUptime;
        this.#seen.set(pid, { cpu, first: startedDuringRun ? 0 : cpu, command: f.command });
      } else {
        const cpu = readCpuSeconds(pid);
        if (cpu !== null) seen.cpu = cpu;
      }
    }
  }
}
