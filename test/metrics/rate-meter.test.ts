import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateMeter } from '../../src/metrics/rate-meter.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('RateMeter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A counter growing `perSecond` per second, sampled every 5 s for `seconds`. */
  function drive(meter: RateMeter, clock: FakeClock, counter: { total: number }, seconds: number, perSecond: number): void {
    for (let s = 0; s < seconds; s += 5) {
      clock.advance(5000);
      counter.total += 5 * perSecond;
      meter.sample();
    }
  }

  it('is null without samples and until the samples span a whole window', () => {
    const clock = new FakeClock();
    const counter = { total: 0 };
    const meter = new RateMeter(() => counter.total, clock.now);
    expect(meter.perSecond()).toBeNull();
    meter.sample();
    drive(meter, clock, counter, 55, 10);
    expect(meter.perSecond()).toBeNull();
    drive(meter, clock, counter, 5, 10);
    expect(meter.perSecond()).toBe(10);
  });

  it('measures over about the last minute only: an old rate is forgotten', () => {
    const clock = new FakeClock();
    const counter = { total: 0 };
    const meter = new RateMeter(() => counter.total, clock.now);
    meter.sample();
    drive(meter, clock, counter, 60, 10);
    drive(meter, clock, counter, 60, 30);
    expect(meter.perSecond()).toBe(30);
    drive(meter, clock, counter, 60, 0);
    expect(meter.perSecond()).toBe(0);
  });

  it('between samples it uses the current total and time', () => {
    const clock = new FakeClock();
    const counter = { total: 1000 };
    const meter = new RateMeter(() => counter.total, clock.now);
    meter.sample();
    clock.advance(80_000);
    counter.total += 800;
    expect(meter.perSecond()).toBe(10);
  });

  it('honours a custom window over a long run', () => {
    const clock = new FakeClock();
    const counter = { total: 0 };
    const meter = new RateMeter(() => counter.total, clock.now, 10_000, 1000);
    meter.sample();
    for (let i = 0; i < 10_000; i++) {
      clock.advance(1000);
      counter.total += 2;
      meter.sample();
    }
    expect(meter.perSecond()).toBe(2);
    // a sudden burst shows fully within the window
    counter.total += 100;
    meter.sample();
    expect(meter.perSecond()).toBeCloseTo((2 * 10 + 100) / 10, 5);
  });

  it('start() samples at once and then every interval; stop() stops sampling', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    let reads = 0;
    const counter = { total: 0 };
    const meter = new RateMeter(() => (reads++, counter.total), Date.now, 60_000, 5000);
    meter.start();
    expect(reads).toBe(1);
    vi.advanceTimersByTime(60_000);
    expect(reads).toBe(13);
    counter.total = 600;
    expect(meter.perSecond()).toBe(10);
    meter.stop();
    const before = reads;
    vi.advanceTimersByTime(60_000);
    expect(reads).toBe(before + 0);
    meter.stop(); // idempotent
  });
});
