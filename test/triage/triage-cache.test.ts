import { describe, expect, it } from 'vitest';
import type { IncidentTriage } from '../../src/alert/types.js';
import { TriageCache } from '../../src/triage/triage-cache.js';

const triage = (summary: string): IncidentTriage => ({ summary, severity: 'low', model: 'm', at: 0 });

describe('TriageCache', () => {
  it('returns a result for its fingerprint until the TTL has passed', () => {
    const cache = new TriageCache(10, 1000);
    cache.set('a', triage('A'), 0);
    expect(cache.get('a', 999)?.summary).toBe('A');
    expect(cache.get('b', 0)).toBeUndefined();
    expect(cache.get('a', 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('holds at most maxEntries, dropping the oldest and counting it', () => {
    const cache = new TriageCache(2, 10_000);
    cache.set('a', triage('A'), 0);
    cache.set('b', triage('B'), 1);
    cache.set('a', triage('A2'), 2); // stored again: now the newest
    cache.set('c', triage('C'), 3);
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(1);
    expect(cache.get('b', 4)).toBeUndefined();
    expect(cache.get('a', 4)?.summary).toBe('A2');
    expect(cache.get('c', 4)?.summary).toBe('C');
  });

  it('expired entries are dropped when something is stored (not counted as evictions); size 0 keeps nothing', () => {
    const cache = new TriageCache(5, 100);
    cache.set('a', triage('A'), 0);
    cache.set('b', triage('B'), 50);
    cache.set('c', triage('C'), 120);
    expect(cache.size).toBe(2);
    expect(cache.evictions).toBe(0);
    const none = new TriageCache(0, 100);
    none.set('a', triage('A'), 0);
    expect(none.get('a', 0)).toBeUndefined();
  });
});
