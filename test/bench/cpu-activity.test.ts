import { describe, expect, it } from 'vitest';
import { CpuActivity } from '../../src/bench/cpu-activity.js';

/** Samples every 5 ms from t=0; cpuAt(t) gives the process's CPU seconds at t. */
function feed(activity: CpuActivity, untilMs: number, cpuAt: (t: number) => number): void {
  for (let t = 0; t <= untilMs; t += 5) activity.add({ at: t, cpuSeconds: cpuAt(t) });
}

/** CPU time as /proc reports it: whole 10 ms ticks. */
const ticks = (seconds: number): number => Math.floor(seconds * 100) / 100;

describe('CpuActivity', () => {
  it('ends at the last sample of a busy stretch', () => {
    const a = new CpuActivity();
    // Busy (one full core) until 730 ms, idle after.
    feed(a, 2000, (t) => ticks(Math.min(t, 730) / 1000));
    expect(a.lastActiveAt).toBeGreaterThanOrEqual(720);
    expect(a.lastActiveAt).toBeLessThanOrEqual(735);
  });

  it('ignores a stray tick long after the work (impstats writing once a second)', () => {
    const a = new CpuActivity();
    feed(a, 3000, (t) => ticks(Math.min(t, 500) / 1000) + (t >= 1800 ? 0.01 : 0));
    expect(a.lastActiveAt).toBeLessThanOrEqual(505);
  });

  it('counts a half-busy receiver as working', () => {
    const a = new CpuActivity();
    feed(a, 2000, (t) => ticks(Math.min(t, 1200) / 2000));
    expect(a.lastActiveAt).toBeGreaterThanOrEqual(1150);
  });

  it('counts a receiver starved to a tenth of a core at the end', () => {
    const a = new CpuActivity();
    // One full core until 400 ms, then 10% until 900 ms.
    feed(a, 2000, (t) => ticks(Math.min(t, 400) / 1000 + Math.max(0, Math.min(t, 900) - 400) / 10_000));
    expect(a.lastActiveAt).toBeGreaterThanOrEqual(880);
  });

  it('is null when the process never did real work', () => {
    const a = new CpuActivity();
    feed(a, 1000, () => 0.5);
    expect(a.lastActiveAt).toBeNull();
  });
});
