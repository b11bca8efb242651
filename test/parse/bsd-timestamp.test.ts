import { describe, expect, it } from 'vitest';
import { FUTURE_WINDOW_MS, inferYear, monthAt, parseBsdTimestamp } from '../../src/parse/bsd-timestamp.js';

const at = (iso: string, timezone = 'UTC') => ({ timezone, now: Date.parse(iso) });
const parse = (s: string, opts = at('2024-06-15T12:00:00Z')) => parseBsdTimestamp(s, 0, s.length, opts);
const iso = (s: string, opts?: { timezone: string; now: number }) => parse(s, opts)?.time?.iso;

describe('monthAt', () => {
  it('reads three-letter months in any case', () => {
    expect(['Jan', 'feb', 'MAR', 'aPr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'NOV', 'Dec'].map((m) => monthAt(m, 0))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(monthAt('Foo', 0)).toBe(0);
  });
});

describe('parseBsdTimestamp', () => {
  it('parses the classic form with one- or two-digit, space- or zero-padded days', () => {
    expect(parse('Oct 11 22:14:15 host')).toEqual({ end: 15, time: { iso: '2023-10-11T22:14:15+00:00', ms: Date.UTC(2023, 9, 11, 22, 14, 15) } });
    expect(iso('Jun  8 11:54:08')).toBe('2024-06-08T11:54:08+00:00');
    expect(iso('Jun 8 11:54:08')).toBe('2024-06-08T11:54:08+00:00');
    expect(iso('Jun 08 11:54:08')).toBe('2024-06-08T11:54:08+00:00');
    expect(iso('NOV 22 00:00:33')).toBe('2023-11-22T00:00:33+00:00');
  });

  it('keeps fractions and reads zone abbreviations', () => {
    expect(iso('Oct 11 22:14:15.123 mymachine')).toBe('2023-10-11T22:14:15.123+00:00');
    expect(iso('Aug 29 02:00:00.156789 ctld')).toBe('2023-08-29T02:00:00.156789+00:00');
    expect(parse('Aug 29 02:00:00. ctld')).toMatchObject({ end: 16, time: { iso: '2023-08-29T02:00:00+00:00' } });
    expect(parse('Oct 11 22:14:15.123 UTC mymachine', at('2024-06-15T00:00:00Z', 'Europe/Berlin'))).toMatchObject({
      end: 23,
      time: { iso: '2023-10-11T22:14:15.123+00:00' },
    });
    expect(iso('Mar  1 10:00:00.123 CET: %SYS')).toBe('2024-03-01T10:00:00.123+01:00');
    // an upper-case hostname is no zone
    expect(parse('Sep 14 00:41:58 NAS sshd[1]: x')?.end).toBe(15);
  });

  it('parses years before the time, after the time and first', () => {
    expect(iso('Oct 11 2019 22:14:15 mymachine')).toBe('2019-10-11T22:14:15+00:00');
    expect(parse('Apr 15 2007 21:28:13: %PIX-6-302014: x')).toMatchObject({ end: 21, time: { iso: '2007-04-15T21:28:13+00:00' } });
    expect(parse('Apr 15 21:28:13 2007 linksys app: msg')).toMatchObject({ end: 20, time: { iso: '2007-04-15T21:28:13+00:00' } });
    expect(iso('2019 Oct 11 22:14:15 router')).toBe('2019-10-11T22:14:15+00:00');
    // an IPv6 host that starts with four digits is no year
    expect(parse('Oct 11 22:14:15 2001:db8::1 prog: x')?.end).toBe(15);
  });

  it('skips Cisco clock-sync marks and a trailing colon', () => {
    expect(parse('*Mar  1 18:46:11.123: %SYS-5-CONFIG_I: x')).toMatchObject({ end: 21, time: { iso: '2024-03-01T18:46:11.123+00:00' } });
    expect(parse('.Apr 15 2007 21:28:13: %PIX')).toMatchObject({ end: 22 });
  });

  it('renders in the configured zone', () => {
    expect(iso('Jan 10 01:00:00 1.2.3.4', at('2019-02-08T09:37:49+01:00', 'MET'))).toBe('2019-01-10T01:00:00+01:00');
    expect(iso('Jul 10 01:00:00 host', at('2019-08-08T09:37:49+01:00', 'Europe/Berlin'))).toBe('2019-07-10T01:00:00+02:00');
    expect(iso('Jul 10 01:00:00 host', at('2019-08-08T09:37:49+01:00', '+05:30'))).toBe('2019-07-10T01:00:00+05:30');
  });

  it('returns null when no timestamp starts there, and a null time for an impossible one', () => {
    for (const s of ['Foo 11 22:14:15', 'Oct x 22:14:15', 'Oct 11 22:14', 'Oct 11 22-14-15', 'Oct 11 22:14:15x', 'sshd[1]: hi', '']) {
      expect(parse(s), s).toBeNull();
    }
    expect(parse('Oct 11 25:14:15')).toEqual({ end: 15, time: null });
    expect(parse('Feb 30 2023 10:00:00')?.time).toBeNull();
  });
});

describe('year inference', () => {
  it('puts a stamp in the year that makes it the closest past', () => {
    expect(iso('Dec 31 23:59:59 host', at('2025-01-01T00:00:10Z'))).toBe('2024-12-31T23:59:59+00:00');
    expect(iso('Jan  1 00:00:05 host', at('2025-01-01T00:00:10Z'))).toBe('2025-01-01T00:00:05+00:00');
    expect(iso('Jun  1 00:00:00 host', at('2025-01-01T00:00:10Z'))).toBe('2024-06-01T00:00:00+00:00');
  });

  it('keeps a stamp slightly in the future (clock skew) in this year, and next year across New Year', () => {
    expect(iso('Jun 16 12:00:00 host', at('2024-06-15T12:00:00Z'))).toBe('2024-06-16T12:00:00+00:00');
    expect(iso('Jan  1 00:30:00 host', at('2024-12-31T23:00:00Z'))).toBe('2025-01-01T00:30:00+00:00');
    // beyond the window: last year
    const far = new Date(Date.parse('2024-06-15T12:00:00Z') + FUTURE_WINDOW_MS + 86_400_000);
    const stamp = `Jun ${String(far.getUTCDate()).padStart(2, ' ')} 12:00:00 host`;
    expect(iso(stamp, at('2024-06-15T12:00:00Z'))?.slice(0, 4)).toBe('2023');
  });

  it('judges "now" in the configured zone', () => {
    // 2024-12-31T23:30Z is already 2025-01-01 00:30 in Berlin
    expect(iso('Jan  1 00:10:00 host', at('2024-12-31T23:30:00Z', 'Europe/Berlin'))).toBe('2025-01-01T00:10:00+01:00');
    expect(iso('Dec 31 23:50:00 host', at('2024-12-31T23:30:00Z', 'Europe/Berlin'))).toBe('2024-12-31T23:50:00+01:00');
  });

  it('uses the real clock when `now` is no usable instant', () => {
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, 1e308, -1e300]) {
      expect(parse('Oct 11 22:14:15 host', { timezone: 'Europe/Berlin', now })?.time?.iso).toMatch(/^\d{4}-10-11T22:14:15\+02:00$/);
    }
  });

  it('puts Feb 29 in a leap year', () => {
    expect(iso('Feb 29 10:00:00 host', at('2025-06-01T00:00:00Z'))).toBe('2024-02-29T10:00:00+00:00');
    expect(inferYear(2, 29, 0, 0, 0, Date.UTC(2027, 0, 1))).toBe(2024);
  });
});
