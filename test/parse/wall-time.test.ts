import { describe, expect, it } from 'vitest';
import { getZone } from '../../src/parse/timezone.js';
import { formatIso, fractionMs, resolveInZone, resolveWithOffset, zoneOrUtc } from '../../src/parse/wall-time.js';

describe('fractionMs', () => {
  it('takes the first three digits of a fraction as milliseconds', () => {
    expect([fractionMs(''), fractionMs('5'), fractionMs('003'), fractionMs('123456789'), fractionMs('03000000')]).toEqual([0, 500, 3, 123, 30]);
  });
});

describe('formatIso', () => {
  it('keeps the fraction as sent and writes a numeric offset', () => {
    expect(formatIso(2003, 10, 11, 22, 14, 15, '003', 0)).toBe('2003-10-11T22:14:15.003+00:00');
    expect(formatIso(2003, 1, 2, 3, 4, 5, '', -330)).toBe('2003-01-02T03:04:05-05:30');
    expect(formatIso(987, 1, 2, 3, 4, 5, '123456789', 60)).toBe('0987-01-02T03:04:05.123456789+01:00');
  });
});

describe('resolveWithOffset / resolveInZone', () => {
  it('gives the instant of a reading with an offset', () => {
    const t = resolveWithOffset(2009, 10, 16, 11, 51, 56, '', 120);
    expect(t).toEqual({ iso: '2009-10-16T11:51:56+02:00', ms: Date.UTC(2009, 9, 16, 9, 51, 56) });
  });

  it('renders a zone-less reading in the zone’s offset at that instant', () => {
    const berlin = getZone('Europe/Berlin');
    expect(resolveInZone(2024, 1, 15, 12, 0, 0, '', berlin)).toEqual({ iso: '2024-01-15T12:00:00+01:00', ms: Date.UTC(2024, 0, 15, 11) });
    expect(resolveInZone(2024, 7, 15, 12, 0, 0, '5', berlin)).toEqual({ iso: '2024-07-15T12:00:00.5+02:00', ms: Date.UTC(2024, 6, 15, 10, 0, 0, 500) });
  });

  it('renders a reading inside a DST gap as the reading of the instant chosen', () => {
    const berlin = getZone('Europe/Berlin');
    const t = resolveInZone(2024, 3, 31, 2, 30, 0, '', berlin); // 02:00-03:00 does not exist that night
    expect(new Date(t.ms).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    expect(t.iso).toBe('2024-03-31T03:30:00+02:00');
  });

  it('reads an unknown zone name as UTC instead of throwing', () => {
    expect(zoneOrUtc('No/Such_Zone').offsetMinutesAt(0)).toBe(0);
  });
});
