import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from '../../src/parse/rfc3339.js';

const parse = (s: string, zone = 'UTC', allowSpace = false) => parseRfc3339(s, 0, s.length, zone, allowSpace);

describe('parseRfc3339', () => {
  it('parses offsets and writes Z as +00:00, keeping the fraction verbatim', () => {
    expect(parse('2003-10-11T22:14:15.003Z')).toEqual({ end: 24, time: { iso: '2003-10-11T22:14:15.003+00:00', ms: Date.UTC(2003, 9, 11, 22, 14, 15, 3) } });
    expect(parse('2003-08-24T05:14:15.000003-07:00')?.time?.iso).toBe('2003-08-24T05:14:15.000003-07:00');
    expect(parse('2006-10-29T01:59:59.156123Z')?.time?.iso).toBe('2006-10-29T01:59:59.156123+00:00');
    expect(parse('1987-01-01T12:00:27.000087+00:20')?.time?.ms).toBe(Date.UTC(1987, 0, 1, 11, 40, 27));
    expect(parse('2019-02-13T19:48:34+0000')?.time?.iso).toBe('2019-02-13T19:48:34+00:00');
    expect(parse('2019-02-13t19:48:34z')?.time?.iso).toBe('2019-02-13T19:48:34+00:00');
  });

  it('renders the same text on the fast and the general path', () => {
    for (const [text, iso] of [
      ['2019-02-13T19:48:34-00:00', '2019-02-13T19:48:34+00:00'],
      ['2019-02-13t19:48:34-00:00', '2019-02-13T19:48:34+00:00'],
      ['2019-02-13T19:48:34.5+01:30', '2019-02-13T19:48:34.5+01:30'],
      ['2019-02-13T19:48:34.5+0130', '2019-02-13T19:48:34.5+01:30'],
      ['2019-02-13T19:48:34.+01:30', '2019-02-13T19:48:34+01:30'],
    ]) expect(parse(text as string)?.time?.iso, text).toBe(iso);
  });

  it('keeps up to 9 fraction digits', () => {
    expect(parse('2026-04-27T15:46:41.03000000Z')?.time?.iso).toBe('2026-04-27T15:46:41.03000000+00:00');
    expect(parse('2026-04-27T15:46:41.123456789Z')?.time?.iso).toBe('2026-04-27T15:46:41.123456789+00:00');
    const long = '2006-11-10T10:43:21.15600000000000000000000000000000000000000000000000000000000000+01:00';
    expect(parse(long)).toEqual({ end: long.length, time: { iso: '2006-11-10T10:43:21.156000000+01:00', ms: Date.UTC(2006, 10, 10, 9, 43, 21, 156) } });
  });

  it('reads a time without offset in the given zone', () => {
    expect(parse('2009-10-16T11:51:56', 'Europe/Berlin')?.time).toEqual({ iso: '2009-10-16T11:51:56+02:00', ms: Date.UTC(2009, 9, 16, 9, 51, 56) });
    expect(parse('2009-10-16T11:51:56', '-05:00')?.time?.iso).toBe('2009-10-16T11:51:56-05:00');
  });

  it('accepts a space for T only when asked', () => {
    expect(parse('2006-10-29 02:00:00.156+01:00')).toBeNull();
    expect(parse('2006-10-29 02:00:00.156+01:00', 'UTC', true)?.time?.iso).toBe('2006-10-29T02:00:00.156+01:00');
  });

  it('returns null for text that is no timestamp and a null time for an impossible one', () => {
    expect(parse('Oct 11 22:14:15')).toBeNull();
    expect(parse('2019-02-13')).toBeNull();
    expect(parse('2019-02-13T19:48')).toBeNull();
    expect(parse('2019-13-13T19:48:34Z')).toEqual({ end: 20, time: null });
    expect(parse('2019-02-30T19:48:34Z')?.time).toBeNull();
  });
});
