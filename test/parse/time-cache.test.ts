import { describe, expect, it } from 'vitest';
import { FUTURE_WINDOW_MS, parseBsdTimestamp } from '../../src/parse/bsd-timestamp.js';
import { BsdTimeCache } from '../../src/parse/time-cache.js';

const time = { iso: '2024-03-04T10:11:12+00:00', ms: Date.UTC(2024, 2, 4, 10, 11, 12) };

describe('BsdTimeCache', () => {
  it('returns what was stored under exactly the same key, and undefined for any other', () => {
    const cache = new BsdTimeCache();
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 0)).toBeUndefined();
    cache.set(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 0, time);
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 0)).toBe(time);
    expect(cache.get(2024, 3, 4, 10, 11, 12, '5', Number.NaN, 'UTC', 0)).toBeUndefined(); // fraction
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', 60, 'UTC', 0)).toBeUndefined(); // explicit offset
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'Europe/Berlin', 0)).toBeUndefined(); // zone
    expect(cache.get(2023, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 0)).toBeUndefined();
    expect(cache.get(2024, 4, 4, 10, 11, 12, '', Number.NaN, 'UTC', 0)).toBeUndefined();
  });

  it('keys a year-less stamp by the second of now, and a stamp with a year by its fields alone', () => {
    const cache = new BsdTimeCache();
    cache.set(-1, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 1000, time);
    expect(cache.get(-1, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 1000)).toBe(time);
    expect(cache.get(-1, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 1001)).toBeUndefined();
    cache.set(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 1000, time);
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', Number.NaN, 'UTC', 99)).toBe(time);
  });

  it('ignores the zone name when the stamp carries its own offset', () => {
    const cache = new BsdTimeCache();
    cache.set(2024, 3, 4, 10, 11, 12, '', 60, 'UTC', 0, time);
    expect(cache.get(2024, 3, 4, 10, 11, 12, '', 60, 'Europe/Berlin', 0)).toBe(time);
  });

  it('caches "no such date" (null) like any other result', () => {
    const cache = new BsdTimeCache();
    cache.set(2023, 2, 29, 0, 0, 0, '', Number.NaN, 'UTC', 0, null);
    expect(cache.get(2023, 2, 29, 0, 0, 0, '', Number.NaN, 'UTC', 0)).toBeNull();
  });
});

describe('parseBsdTimestamp with its cache', () => {
  it('gives the same line a new year the moment now moves it inside the future window', () => {
    const line = 'Jan  7 23:59:59 host';
    const flip = Date.UTC(2025, 0, 7, 23, 59, 59) - FUTURE_WINDOW_MS; // from here on the stamp is 2025's
    const at = (now: number) => parseBsdTimestamp(line, 0, line.length, { timezone: 'UTC', now })?.time?.iso;
    for (let round = 0; round < 2; round++) {
      expect(at(flip - 1)).toBe('2024-01-07T23:59:59+00:00');
      expect(at(flip - 1)).toBe('2024-01-07T23:59:59+00:00');
      expect(at(flip)).toBe('2025-01-07T23:59:59+00:00');
      expect(at(flip + 999)).toBe('2025-01-07T23:59:59+00:00');
    }
  });

  it('renders the same line in whichever zone the options name on each call', () => {
    const line = 'Jul 10 01:00:00 host';
    const now = Date.UTC(2019, 7, 8);
    const at = (timezone: string) => parseBsdTimestamp(line, 0, line.length, { timezone, now })?.time?.iso;
    expect([at('UTC'), at('Europe/Berlin'), at('UTC'), at('+05:30')]).toEqual([
      '2019-07-10T01:00:00+00:00',
      '2019-07-10T01:00:00+02:00',
      '2019-07-10T01:00:00+00:00',
      '2019-07-10T01:00:00+05:30',
    ]);
  });
});
