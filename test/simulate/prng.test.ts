import { describe, expect, it } from 'vitest';
import { mulberry32, Random } from '../../src/simulate/prng.js';

describe('mulberry32', () => {
  it('is a pure function of the seed, in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(1000);
  });

  it('gives the reference sequence (so a seed means the same on every machine)', () => {
    const r = mulberry32(1);
    expect(Array.from({ length: 3 }, () => Math.round(r() * 1e9))).toEqual([627073941, 2735721, 527447040]);
  });
});

describe('Random', () => {
  it('int stays within its bounds and reaches both', () => {
    const r = new Random(3);
    const seen = new Set(Array.from({ length: 2000 }, () => r.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('weighted follows the weights', () => {
    const r = new Random(5);
    const n = Array.from({ length: 10_000 }, () => r.weighted([[9, 'a'], [1, 'b']])).filter((x) => x === 'b').length;
    expect(n).toBeGreaterThan(800);
    expect(n).toBeLessThan(1200);
  });

  it('outside clients never get loopback or private addresses', () => {
    const r = new Random(8);
    for (let i = 0; i < 1000; i++) expect(r.publicIpv4()).not.toMatch(/^(?:127|10|192\.168|172\.(?:1[6-9]|2\d|3[01]))\./);
  });
});
