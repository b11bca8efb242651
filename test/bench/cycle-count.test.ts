import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CycleCount } from '../../src/bench/cycle-count.js';

function bruteForce(marked: readonly boolean[], start: number, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (marked[(start + i) % marked.length]) c++;
  return c;
}

describe('CycleCount', () => {
  it('counts marked entries over runs that wrap around, like walking the cycle', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.nat(200), fc.nat(300), (marked, start, n) => {
        expect(new CycleCount(marked).count(start, n)).toBe(bruteForce(marked, start, n));
      }),
    );
  });

  it('rejects an empty cycle and negative or fractional runs', () => {
    expect(() => new CycleCount([])).toThrow(/empty/);
    const c = new CycleCount([true]);
    expect(() => c.count(-1, 1)).toThrow(/bad run/);
    expect(() => c.count(0, 1.5)).toThrow(/bad run/);
  });
});
