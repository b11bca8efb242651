import { describe, expect, it } from 'vitest';
import { formatOffset, getZone, isValidTimezone, zonedTimeToUtcMs } from '../../src/parse/timezone.js';

describe('getZone', () => {
  it('resolves UTC, fixed offsets and IANA names', () => {
    expect(getZone('UTC').offsetMinutesAt(0)).toBe(0);
    expect(getZone('+02:00').offsetMinutesAt(0)).toBe(120);
    expect(getZone('-0530').offsetMinutesAt(0)).toBe(-330);
    const berlin = getZone('Europe/Berlin');
    expect(berlin.offsetMinutesAt(Date.UTC(2024, 0, 15))).toBe(60);
    expect(berlin.offsetMinutesAt(Date.UTC(2024, 6, 15))).toBe(120);
  });

  it('answers for instants Date cannot represent instead of throwing', () => {
    const berlin = getZone('Europe/Berlin');
    for (const t of [8.64e15, -8.64e15, 1e20, Number.NaN]) expect(Number.isFinite(berlin.offsetMinutesAt(t))).toBe(true);
  });

  it('rejects unknown names and impossible offsets', () => {
    expect(() => getZone('Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => getZone('+25:00')).toThrow(RangeError);
    expect(isValidTimezone('Europe/Berlin')).toBe(true);
    expect(isValidTimezone('nope')).toBe(false);
  });

  it('is exact around transitions on a whole UTC hour (EU: 01:00 UTC)', () => {
    const berlin = getZone('Europe/Berlin');
    const t = Date.UTC(2024, 2, 31, 1, 0, 0); // CET -> CEST
    expect(berlin.offsetMinutesAt(t - 1)).toBe(60);
    expect(berlin.offsetMinutesAt(t)).toBe(120);
  });

  it('is exact around transitions inside a UTC hour (America/St_Johns: 05:30 UTC)', () => {
    const stJohns = getZone('America/St_Johns');
    const t = Date.UTC(2024, 2, 10, 5, 30, 0); // NST -03:30 -> NDT -02:30
    expect(stJohns.offsetMinutesAt(t - 60_000)).toBe(-210);
    expect(stJohns.offsetMinutesAt(t)).toBe(-150);
    expect(stJohns.offsetMinutesAt(t - 30 * 60_000)).toBe(-210); // same UTC hour, before the change
    expect(stJohns.offsetMinutesAt(t + 20 * 60_000)).toBe(-150);
  });
});

describe('zonedTimeToUtcMs', () => {
  it('converts a wall-clock reading in a zone', () => {
    const berlin = getZone('Europe/Berlin');
    expect(zonedTimeToUtcMs(berlin, 2024, 7, 1, 12, 0, 0)).toBe(Date.UTC(2024, 6, 1, 10, 0, 0));
    expect(zonedTimeToUtcMs(getZone('UTC'), 2024, 7, 1, 12, 0, 0, 5)).toBe(Date.UTC(2024, 6, 1, 12, 0, 0, 5));
  });

  it('takes years 0-99 literally', () => {
    expect(new Date(zonedTimeToUtcMs(getZone('UTC'), 50, 1, 1, 0, 0, 0)).getUTCFullYear()).toBe(50);
  });
});

describe('formatOffset', () => {
  it('formats minutes as ±hh:mm', () => {
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(120)).toBe('+02:00');
    expect(formatOffset(-330)).toBe('-05:30');
    expect(formatOffset(-30)).toBe('-00:30');
    expect(formatOffset(765)).toBe('+12:45');
  });
});
