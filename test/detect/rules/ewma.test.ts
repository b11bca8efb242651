import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldValue, foldZeros, limitOf, type EwmaState } from '../../../src/detect/rules/ewma.js';

const fresh = (): EwmaState => ({ mean: 0, variance: 0, intervals: 0 });

describe('EWMA/EWMV', () => {
  it('the first 1/alpha values give the plain mean and population variance', () => {
    const s = fresh();
    const xs = [10, 14, 9, 11, 16];
    for (const x of xs) foldValue(s, x, 0.1);
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    expect(s.mean).toBeCloseTo(mean, 12);
    expect(s.variance).toBeCloseTo(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length, 12);
    expect(s.intervals).toBe(5);
  });

  it('after that, the newest value weighs alpha', () => {
    const s = fresh();
    for (let i = 0; i < 10; i++) foldValue(s, 20, 0.1); // mean 20, variance 0
    foldValue(s, 120, 0.1);
    expect(s.mean).toBeCloseTo(30, 12); // 20 + 0.1·100
    expect(s.variance).toBeCloseTo(0.9 * (0 + 0.1 * 100 * 100), 9); // 900
  });

  it('n zeros at once equal n zeros one by one (closed form), from any state and alpha', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        (xs, zeros, alpha) => {
          const a = fresh();
          const b = fresh();
          for (const x of xs) {
            foldValue(a, x, alpha);
            foldValue(b, x, alpha);
          }
          for (let i = 0; i < zeros; i++) foldValue(a, 0, alpha);
          foldZeros(b, zeros, alpha);
          expect(b.intervals).toBe(a.intervals);
          expect(b.mean).toBeCloseTo(a.mean, 6);
          expect(Math.abs(b.variance - a.variance)).toBeLessThanOrEqual(1e-9 * Math.max(1, a.variance));
        },
      ),
    );
  });

  it('a very long silence costs O(1) and decays the mean to 0', () => {
    const s = fresh();
    for (let i = 0; i < 30; i++) foldValue(s, 10, 0.1);
    foldZeros(s, 1e9, 0.1);
    expect(s).toEqual({ mean: 0, variance: 0, intervals: 30 + 1e9 });
  });

  it('the limit is mean + sigma·σ, with σ at least √mean', () => {
    expect(limitOf({ mean: 100, variance: 400, intervals: 30 }, 3)).toBe(160);
    expect(limitOf({ mean: 100, variance: 0, intervals: 30 }, 3)).toBe(130); // a perfectly regular sender: σ = √100
    expect(limitOf({ mean: 0, variance: 0, intervals: 30 }, 3)).toBe(0);
  });
});
