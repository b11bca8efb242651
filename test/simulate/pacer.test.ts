import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { pace } from '../../src/simulate/pacer.js';

const now = () => performance.now();

describe('pace', () => {
  it('sends rate × duration lines, the first at once, and takes the whole duration', async () => {
    const batches: { at: number; n: number }[] = [];
    const t0 = now();
    const r = await pace({ rate: 200, durationMs: 500, signal: new AbortController().signal, now }, async (n) => {
      batches.push({ at: now() - t0, n });
      return true;
    });
    expect(r).toMatchObject({ sent: 100, stoppedBy: 'duration' });
    expect(r.elapsedMs).toBeGreaterThanOrEqual(500);
    expect(r.elapsedMs).toBeLessThan(800);
    expect(batches[0]!.at).toBeLessThan(20);
    // the cumulative count follows the rate: never ahead of i / rate by more than one line
    let sum = 0;
    for (const b of batches) {
      sum += b.n;
      expect(sum).toBeLessThanOrEqual(Math.floor((b.at / 1000) * 200) + 1);
    }
  });

  it('caps a batch at four ticks worth when the sender fell behind', async () => {
    const sizes: number[] = [];
    let stalled = false;
    await pace({ rate: 10_000, durationMs: 300, signal: new AbortController().signal, now }, async (n) => {
      sizes.push(n);
      if (!stalled) {
        stalled = true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return true;
    });
    expect(Math.max(...sizes)).toBe(400);
  });

  it('stops at the duration even while a batch waits on a stalled receiver (its signal aborts)', async () => {
    const r = await pace({ rate: 100, durationMs: 300, signal: new AbortController().signal, now }, (_n, signal) =>
      new Promise<boolean>((resolve) => {
        if (signal.aborted) resolve(true);
        else signal.addEventListener('abort', () => resolve(true));
      }),
    );
    expect(r.stoppedBy).toBe('duration');
    // the first line at once; at the deadline one more batch of what was due, capped at 4 ticks' worth
    expect(r.sent).toBe(1 + 4);
    expect(r.elapsedMs).toBeLessThan(600);
  });

  it('stops early when aborted', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 150);
    const r = await pace({ rate: 100, durationMs: 10_000, signal: stop.signal, now }, async () => true);
    expect(r.stoppedBy).toBe('signal');
    expect(r.elapsedMs).toBeLessThan(1000);
    expect(r.sent).toBeGreaterThan(10);
    expect(r.sent).toBeLessThan(30);
  });

  it('stops when the transport is broken, not counting the batch it refused', async () => {
    let calls = 0;
    const r = await pace({ rate: 1000, durationMs: 5000, signal: new AbortController().signal, now }, async () => ++calls < 3);
    expect(r.stoppedBy).toBe('error');
    expect(calls).toBe(3);
    expect(r.sent).toBeGreaterThan(0);
    expect(r.elapsedMs).toBeLessThan(500);
  });
});
