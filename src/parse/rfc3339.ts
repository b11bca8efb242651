/**
 * RFC 3339 timestamps (the RFC 5424 TIMESTAMP, also sent inside BSD framing by rsyslog and others):
 * FULL-DATE "T" FULL-TIME with an optional fraction and an optional offset ("Z", "+hh:mm", also "+hhmm").
 * Lenient where senders are: 't'/'z' in lower case, a space instead of 'T' (when allowed), fractions of any
 * length (kept verbatim up to 9 digits), and no offset at all (then the configured zone applies).
 */
import { DOT, MINUS, PLUS, isDigit, readDigits } from './char-classes.js';
import { civilToMs, isValidCivil } from './civil-time.js';
import { fractionMs, resolveInZone, resolveWithOffset, zoneOrUtc, type ResolvedTime, type TimestampScan } from './wall-time.js';

export const MAX_FRACTION_DIGITS = 9;

export interface Rfc3339Match {
  /** Index just past the timestamp text. */
  readonly end: number;
  /** Null when the text has the shape of a timestamp but names no real date/time (e.g. month 13). */
  readonly time: ResolvedTime | null;
}

/**
 * The RFC 3339 timestamp at `pos`, or null when the text there does not start with "YYYY-MM-DD?hh:mm:ss".
 * `zoneName` is used for a timestamp without offset.
 */
export function parseRfc3339(s: string, pos: number, end: number, zoneName: string, allowSpace: boolean): Rfc3339Match | null {
  const out: TimestampScan = { end: 0, time: null };
  return scanRfc3339(s, pos, end, zoneName, allowSpace, out, true) ? out : null;
}

/**
 * parseRfc3339 into `out`: false (and `out` untouched) when no timestamp starts at `pos`. Without `resolve` only
 * its extent is found (`out.time` is null).
 */
export function scanRfc3339(s: string, pos: number, end: number, zoneName: string, allowSpace: boolean, out: TimestampScan, resolve: boolean): boolean {
  const y = readDigits(s, pos, 4, end);
  if (y < 0 || s.charCodeAt(pos + 4) !== MINUS || s.charCodeAt(pos + 7) !== MINUS) return false;
  const mo = readDigits(s, pos + 5, 2, end);
  const d = readDigits(s, pos + 8, 2, end);
  const sep = s.charCodeAt(pos + 10);
  if (mo < 0 || d < 0 || !(sep === 0x54 || sep === 0x74 || (allowSpace && sep === 0x20))) return false;
  const h = readDigits(s, pos + 11, 2, end);
  const mi = readDigits(s, pos + 14, 2, end);
  const sec = readDigits(s, pos + 17, 2, end);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(pos + 13) !== 0x3a || s.charCodeAt(pos + 16) !== 0x3a) return false;
  let i = pos + 19;
  let frac = '';
  if (i < end && s.charCodeAt(i) === DOT) {
    const fracStart = ++i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (resolve) frac = s.slice(fracStart, Math.min(i, fracStart + MAX_FRACTION_DIGITS));
  }
  const beforeOffset = i;
  let offset = Number.NaN;
  if (i < end) {
    const c = s.charCodeAt(i);
    if (c === 0x5a || c === 0x7a) {
      offset = 0;
      i++;
    } else if (c === PLUS || c === MINUS) {
      const oh = readDigits(s, i + 1, 2, end);
      const colon = s.charCodeAt(i + 3) === 0x3a;
      const om = readDigits(s, i + (colon ? 4 : 3), 2, end);
      if (oh >= 0 && om >= 0 && oh <= 23 && om <= 59) {
        offset = (c === MINUS ? -1 : 1) * (oh * 60 + om);
        i += colon ? 6 : 5;
      }
    }
  }
  out.end = i;
  if (!resolve || !isValidCivil(y, mo, d, h, mi, sec)) out.time = null;
  else if (Number.isNaN(offset)) out.time = resolveInZone(y, mo, d, h, mi, sec, frac, zoneOrUtc(zoneName));
  else out.time = resolveOffsetTime(s, pos, i, beforeOffset, sep, y, mo, d, h, mi, sec, frac, offset);
  return true;
}

function resolveOffsetTime(s: string, pos: number, i: number, beforeOffset: number, sep: number, y: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string, offset: number): ResolvedTime {
  // Fast path: "YYYY-MM-DDThh:mm:ss[.f{1,9}]" + "Z" or "±hh:mm" is already the ISO text we emit (Z as +00:00).
  const plainFraction = beforeOffset === pos + 19 || (frac.length > 0 && beforeOffset === pos + 20 + frac.length);
  if (sep === 0x54 && plainFraction && (offset === 0 || i - beforeOffset === 6)) {
    const ms = civilToMs(y, mo, d, h, mi, sec, fractionMs(frac)) - offset * 60_000;
    return { iso: offset === 0 ? `${s.slice(pos, beforeOffset)}+00:00` : s.slice(pos, i), ms };
  }
  return resolveWithOffset(y, mo, d, h, mi, sec, frac, offset);
}
