import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { civilToMs, daysFromCivil, daysInMonth, isLeapYear, isValidCivil, utcYearOf } from '../../src/parse/civil-time.js';

describe('civil time arithmetic', () => {
  it('agrees with Date.UTC', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilToMs(2003, 10, 11, 22, 14, 15, 3)).toBe(Date.UTC(2003, 9, 11, 22, 14, 15, 3));
    expect(civilToMs(1969, 12, 31, 23, 59, 59, 999)).toBe(-1);
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        expect(civilToMs(y, m, d, 13, 5, 7, 9)).toBe(Date.UTC(y, m - 1, d, 13, 5, 7, 9));
      }),
    );
  });

  it('takes years 0-99 literally (unlike Date.UTC)', () => {
    const d = new Date(civilToMs(1, 1, 1, 0, 0, 0, 0));
    expect(d.getUTCFullYear()).toBe(1);
  });

  it('utcYearOf inverts the calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: -60_000_000_000_000, max: 250_000_000_000_000 }), (ms) => {
        expect(utcYearOf(ms)).toBe(new Date(ms).getUTCFullYear());
      }),
    );
    expect(utcYearOf(Date.UTC(2024, 11, 31, 23, 59, 59, 999))).toBe(2024);
    expect(utcYearOf(Date.UTC(2025, 0, 1))).toBe(2025);
  });

  it('knows leap years and month lengths', () => {
    expect([isLeapYear(2000), isLeapYear(1900), isLeapYear(2024), isLeapYear(2023)]).toEqual([true, false, true, false]);
    expect([daysInMonth(2024, 2), daysInMonth(2023, 2), daysInMonth(2023, 4), daysInMonth(2023, 12)]).toEqual([29, 28, 30, 31]);
    expect(isValidCivil(2023, 2, 29, 0, 0, 0)).toBe(false);
    expect(isValidCivil(2024, 2, 29, 23, 59, 60)).toBe(true);
    expect(isValidCivil(2024, 13, 1, 0, 0, 0)).toBe(false);
    expect(isValidCivil(2024, 1, 1, 24, 0, 0)).toBe(false);
  });
});
