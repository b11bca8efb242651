import { describe, expect, it } from 'vitest';
import { CallBudget } from '../../src/triage/call-budget.js';

const HOUR = 3_600_000;

describe('CallBudget', () => {
  it('allows max calls in any rolling hour, and each one again an hour after it was taken', () => {
    const budget = new CallBudget(3);
    expect([budget.take(0), budget.take(10 * 60_000), budget.take(20 * 60_000)]).toEqual([true, true, true]);
    expect(budget.take(30 * 60_000)).toBe(false);
    expect(budget.remaining(30 * 60_000)).toBe(0);
    expect(budget.take(HOUR - 1)).toBe(false);
    expect(budget.take(HOUR)).toBe(true); // the call at 0 left the window
    expect(budget.take(HOUR + 1)).toBe(false);
    expect(budget.remaining(HOUR + 20 * 60_000)).toBe(2);
  });

  it('a refused call takes nothing', () => {
    const budget = new CallBudget(1, 1000);
    expect(budget.take(0)).toBe(true);
    for (let t = 1; t < 1000; t += 100) expect(budget.take(t)).toBe(false);
    expect(budget.take(1000)).toBe(true);
  });
});
