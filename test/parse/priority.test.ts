import { describe, expect, it } from 'vitest';
import { MISSING_PRI, facilityOf, priEnd, priValue, severityOf } from '../../src/parse/priority.js';

describe('priValue / priEnd', () => {
  it('reads one to three digits between < and >', () => {
    expect(priValue('<0>x', 0, 4)).toBe(0);
    expect(priValue('<13>x', 0, 5)).toBe(13);
    expect(priValue('<191>x', 0, 6)).toBe(191);
    expect(priEnd('<191>x', 0)).toBe(5);
    expect(priValue('  <34>x', 2, 7)).toBe(34);
  });

  it('rejects malformed and out-of-range PRIs', () => {
    for (const s of ['<>', '<192>', '<999>', '<1000>', '<1a>', '<13', '<189 Feb', '13>', '<-1>', '< 13>']) {
      expect(priValue(s, 0, s.length), s).toBe(-1);
    }
  });

  it('does not read past the end it is given', () => {
    expect(priValue('<13>', 0, 3)).toBe(-1);
  });
});

describe('facilityOf / severityOf', () => {
  it('splits PRIVAL into facility * 8 + severity', () => {
    expect([facilityOf(0), severityOf(0)]).toEqual(['kern', 'emerg']);
    expect([facilityOf(34), severityOf(34)]).toEqual(['auth', 'crit']);
    expect([facilityOf(165), severityOf(165)]).toEqual(['local4', 'notice']);
    expect([facilityOf(191), severityOf(191)]).toEqual(['local7', 'debug']);
    expect([facilityOf(13 * 8 + 4), facilityOf(14 * 8), facilityOf(15 * 8)]).toEqual(['audit', 'alert', 'clock']);
  });

  it('treats a missing PRI as user.notice (RFC 3164 §4.3.3)', () => {
    expect(MISSING_PRI).toBe(13);
    expect([facilityOf(MISSING_PRI), severityOf(MISSING_PRI)]).toEqual(['user', 'notice']);
  });
});
