/** Samples a process's RSS on a timer while a scenario loads it: is memory bounded, and is it still growing? */
import { readProcessMemory, resetPeakRss } from '../harness/process-memory.js';

export interface RssSummary {
  readonly baselineBytes: number;
  /** The kernel's peak (VmHWM) since the sampler started, where resettable; else the highest sample. */
  readonly peakBytes: number;
  readonly lastBytes: number;
  /** Highest sample in the first and in the last third of the run: growth between them means still growing. */
  readonly firstThirdMaxBytes: number;
  readonly lastThirdMaxBytes: number;
  readonly samples: number;
}

export class RssSampler {
  readonly #pid: number;
  readonly #samples: number[] = [];
  readonly #baseline: number;
  readonly #peakResettable: boolean;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, everyMs = 100) {
    this.#pid = pid;
    this.#baseline = readProcessMemory(pid)?.rssBytes ?? 0;
    this.#peakResettable = resetPeakRss(pid);
    this.#timer = setInterval(() => {
      const m = readProcessMemory(this.#pid);
      if (m !== null) this.#samples.push(m.rssBytes);
    }, everyMs);
  }

  stop(): RssSummary {
    clearInterval(this.#timer);
    const now = readProcessMemory(this.#pid);
    if (now !== null) this.#samples.push(now.rssBytes);
    const s = this.#samples.length === 0 ? [this.#baseline] : this.#samples;
    const third = Math.max(1, Math.floor(s.length / 3));
    const highest = Math.max(...s);
    return {
      baselineBytes: this.#baseline,
      peakBytes: this.#peakResettable && now !== null ? Math.max(now.peakRssBytes, highest) : highest,
      lastBytes: s[s.length - 1]!,
      firstThirdMaxBytes: Math.max(...s.slice(0, third)),
      lastThirdMaxBytes: Math.max(...s.slice(-third)),
      samples: s.length,
    };
  }
}
