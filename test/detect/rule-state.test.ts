import { describe, expect, it } from 'vitest';
import { RuleState } from '../../src/detect/rule-state.js';
import { T0 } from './received.js';

describe('RuleState', () => {
  it('evicts the least recently used key beyond maxKeys, and counts it', () => {
    const s = new RuleState<{ n: number }>(2, 60_000);
    s.set('a', { n: 1 }, T0);
    s.set('b', { n: 2 }, T0);
    expect(s.get('a', T0 + 1)).toEqual({ n: 1 }); // a is now the most recent
    s.set('c', { n: 3 }, T0 + 2);
    expect(s.get('b', T0 + 3)).toBeUndefined();
    expect(s.get('a', T0 + 3)).toBeDefined();
    expect(s.size).toBe(2);
    expect(s.evictions).toBe(1);
  });

  it('a key idle for idleMs (by the message clock) is gone; touching it keeps it alive', () => {
    const s = new RuleState<object>(10, 60_000);
    s.set('a', {}, T0);
    s.set('b', {}, T0);
    expect(s.get('a', T0 + 59_000)).toBeDefined();
    expect(s.get('b', T0 + 60_001)).toBeUndefined();
    expect(s.get('a', T0 + 110_000)).toBeDefined(); // refreshed at 59 s
    expect(s.evictions).toBe(0);
  });

  it('purgeStale drops idle keys without touching them one by one', () => {
    const s = new RuleState<object>(10, 1000);
    for (let i = 0; i < 5; i++) s.set(`k${i}`, {}, T0 + i * 500);
    expect(s.size).toBe(5);
    s.purgeStale(T0 + 2400);
    expect(s.size).toBe(2); // k3 (set at 1.5 s) and k4 (2 s) are less than 1 s old at 2.4 s
  });

  it('works from time 0 (lru-cache reads a start of 0 as "no TTL"; the clock is offset)', () => {
    const s = new RuleState<object>(10, 1000);
    s.set('a', {}, 0);
    expect(s.get('a', 1001)).toBeUndefined();
  });
});
