/** The PRI part: "<" PRIVAL ">", PRIVAL = facility * 8 + severity (RFC 5424 §6.2.1, RFC 3164 §4.1.1). */
import { GT, LT, isDigit } from './char-classes.js';
import { FACILITY_NAMES, SEVERITY_NAMES, type FacilityName, type SeverityName } from './types.js';

/** RFC 3164 §4.3.3: a message without a (valid) PRI is treated as user.notice. */
export const MISSING_PRI = 13;
export const MAX_PRI = 191;

export function facilityOf(pri: number): FacilityName {
  return FACILITY_NAMES[pri >> 3] ?? 'user';
}

export function severityOf(pri: number): SeverityName {
  return SEVERITY_NAMES[pri & 7] ?? 'notice';
}

/**
 * PRI at `pos` ('<' expected there): the PRIVAL (0-191, one to three digits) or -1 when there is no well-formed PRI.
 * The PRI then ends at the '>' that follows the digits: see priEnd.
 */
export function priValue(s: string, pos: number, end: number): number {
  if (pos >= end || s.charCodeAt(pos) !== LT) return -1;
  let v = 0;
  let i = pos + 1;
  for (; i < end && i <= pos + 3; i++) {
    const c = s.charCodeAt(i);
    if (c === GT) break;
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  if (i === pos + 1 || i >= end || s.charCodeAt(i) !== GT || v > MAX_PRI) return -1;
  return v;
}

/** Index just past the '>' of the PRI at `pos` (only meaningful when priValue(s, pos) >= 0). A loop, not indexOf: the '>' is at most four places on. */
export function priEnd(s: string, pos: number): number {
  for (let i = pos; i < s.length; i++) if (s.charCodeAt(i) === GT) return i + 1;
  return 0;
}
