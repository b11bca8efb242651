/**
 * BSD (RFC 3164) timestamps and the variants devices send: "Mmm dd hh:mm:ss" with a one- or two-digit day (space-
 * or zero-padded), any letter case for the month, an optional fraction, a year before the time ("Oct 11 2019
 * 22:14:15", Cisco ASA/PIX), after the time ("Apr 15 21:28:13 2007", Linksys) or first ("2019 Oct 11 ...", Cisco),
 * a zone abbreviation ("... 22:14:15.123 UTC"), Cisco's clock-sync marks ('*' not synced, '.' sync lost) and a
 * trailing ':' (Cisco, ASA). A year-less stamp gets the year that puts it closest before `now` (see inferYear).
 */
import { COLON, DOT, SP, STAR, isDigit, readDigits } from './char-classes.js';
import { civilToMs, daysInMonth, isValidCivil, utcYearOf } from './civil-time.js';
import type { Zone } from './timezone.js';
import type { ParseOptions } from './types.js';
import { resolveInZone, resolveWithOffset, zoneOrUtc, type ResolvedTime, type TimestampScan } from './wall-time.js';
import { MAX_FRACTION_DIGITS } from './rfc3339.js';
import { BsdTimeCache } from './time-cache.js';

const MAX_DATE_MS = 8.64e15;

/** A year-less stamp up to this far ahead of `now` is taken as this year's (clock skew); further ahead: last year's. */
export const FUTURE_WINDOW_MS = 7 * 86_400_000;

export interface BsdTimestampMatch {
  /** Index just past the timestamp (and its trailing ':' if any). */
  readonly end: number;
  /** Null when the text looks like a timestamp but is no real date/time (e.g. "Feb 30 25:00:00"). */
  readonly time: ResolvedTime | null;
}

/** Fixed-offset zone abbreviations seen after BSD/Cisco times (ambiguous ones such as IST are left out). */
const ZONE_ABBREVIATIONS: ReadonlyMap<string, number> = new Map([
  ['UTC', 0], ['GMT', 0], ['WET', 0], ['WEST', 60], ['BST', 60],
  ['CET', 60], ['CEST', 120], ['MET', 60], ['MEST', 120], ['EET', 120], ['EEST', 180], ['MSK', 180],
  ['EST', -300], ['EDT', -240], ['CST', -360], ['CDT', -300], ['MST', -420], ['MDT', -360], ['PST', -480], ['PDT', -420],
  ['AKST', -540], ['AKDT', -480], ['HST', -600], ['JST', 540], ['KST', 540], ['SGT', 480], ['HKT', 480],
  ['AWST', 480], ['ACST', 570], ['AEST', 600], ['AEDT', 660], ['NZST', 720], ['NZDT', 780],
]);

/** Month number (1-12) of the three letters at `pos`, any case, or 0. */
export function monthAt(s: string, pos: number): number {
  const a = s.charCodeAt(pos) | 0x20;
  const b = s.charCodeAt(pos + 1) | 0x20;
  const c = s.charCodeAt(pos + 2) | 0x20;
  switch ((a << 16) | (b << 8) | c) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

function isBoundary(s: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = s.charCodeAt(i);
  return c === SP || c === COLON;
}

/** A plausible year (1970-2099) as four digits at `pos` followed by SP or the end, else -1. */
function yearAt(s: string, pos: number, end: number): number {
  const y = readDigits(s, pos, 4, end);
  return y >= 1970 && y <= 2099 && (pos + 4 >= end || s.charCodeAt(pos + 4) === SP) ? y : -1;
}

// The year of the last `now` seen, by day: messages arrive with the same clock day after day.
let lastDay = Number.NaN;
let lastYear = 0;

/**
 * The year for a year-less stamp: the latest year in which the stamp is not more than FUTURE_WINDOW_MS ahead of
 * `nowWallMs` (now as a wall-clock reading in the stamp's zone). So a Dec 31 line received on Jan 1 is last
 * year's, a line a day ahead of the clock is this year's, and Feb 29 lands in a leap year.
 */
export function inferYear(mo: number, d: number, h: number, mi: number, sec: number, nowWallMs: number): number {
  const day = Math.floor(nowWallMs / 86_400_000);
  if (day !== lastDay) {
    lastDay = day;
    lastYear = utcYearOf(nowWallMs);
  }
  const nowYear = lastYear;
  for (let k = 0; k < 10; k++) {
    const y = nowYear + 1 - k;
    if (d > daysInMonth(y, mo)) continue;
    if (civilToMs(y, mo, d, h, mi, sec, 0) <= nowWallMs + FUTURE_WINDOW_MS) return y;
  }
  return nowYear;
}

/** The BSD timestamp at `pos`, or null when none starts there. */
export function parseBsdTimestamp(s: string, pos: number, end: number, opts: ParseOptions): BsdTimestampMatch | null {
  const out: TimestampScan = { end: 0, time: null };
  return scanBsdTimestamp(s, pos, end, opts, out, true) ? out : null;
}

/**
 * parseBsdTimestamp into `out`: false (and `out` untouched) when no timestamp starts at `pos`. Without `resolve`
 * only its extent is found (`out.time` is null): what the grammar needs to go on.
 */
export function scanBsdTimestamp(s: string, pos: number, end: number, opts: ParseOptions, out: TimestampScan, resolve: boolean): boolean {
  let i = pos;
  const c0 = s.charCodeAt(i);
  if (c0 === STAR || c0 === DOT) i++; // Cisco clock-sync mark
  let year = -1;
  if (isDigit(s.charCodeAt(i))) {
    // "2019 Oct 11 22:14:15" (Cisco with year first)
    year = yearAt(s, i, end);
    if (year < 0) return false;
    i += 5;
  }
  if (i + 4 > end) return false;
  const mo = monthAt(s, i);
  if (mo === 0 || s.charCodeAt(i + 3) !== SP) return false;
  i += 4;
  while (i < end && s.charCodeAt(i) === SP) i++;
  // day: one or two digits
  let d = 0;
  const dayStart = i;
  while (i < end && i < dayStart + 2 && isDigit(s.charCodeAt(i))) d = d * 10 + (s.charCodeAt(i++) - 0x30);
  if (i === dayStart || s.charCodeAt(i) !== SP) return false;
  while (i < end && s.charCodeAt(i) === SP) i++;
  if (year < 0) {
    // "Oct 11 2019 22:14:15"
    const y = yearAt(s, i, end);
    if (y >= 0) {
      year = y;
      i += 5;
      while (i < end && s.charCodeAt(i) === SP) i++;
    }
  }
  const h = readDigits(s, i, 2, end);
  const mi = readDigits(s, i + 3, 2, end);
  const sec = readDigits(s, i + 6, 2, end);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 2) !== COLON || s.charCodeAt(i + 5) !== COLON) return false;
  i += 8;
  let frac = '';
  if (i < end && s.charCodeAt(i) === DOT) {
    const fracStart = ++i;
    while (i < end && isDigit(s.charCodeAt(i))) i++;
    if (resolve) frac = s.slice(fracStart, Math.min(i, fracStart + MAX_FRACTION_DIGITS));
  }
  if (!isBoundary(s, i, end)) return false;
  if (year < 0 && s.charCodeAt(i) === SP) {
    // "Apr 15 21:28:13 2007"
    const y = yearAt(s, i + 1, end);
    if (y >= 0) {
      year = y;
      i += 5;
    }
  }
  let offset = Number.NaN;
  if (s.charCodeAt(i) === SP && isUpper(s.charCodeAt(i + 1))) {
    let j = i + 1;
    while (j < end && j < i + 6 && isUpper(s.charCodeAt(j))) j++;
    if (isBoundary(s, j, end)) {
      const zoneOffset = ZONE_ABBREVIATIONS.get(s.slice(i + 1, j));
      if (zoneOffset !== undefined) {
        offset = zoneOffset;
        i = j;
      }
    }
  }
  if (s.charCodeAt(i) === COLON && (i + 1 >= end || s.charCodeAt(i + 1) === SP)) i++;
  out.end = i;
  out.time = resolve ? resolveBsd(year, mo, d, h, mi, sec, frac, offset, opts) : null;
  return true;
}

function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

const resolved = new BsdTimeCache();

/** The reference time for year inference: `now`, or the real clock when `now` is NaN or out of Date's range. */
export function usableNow(now: number): number {
  return Math.abs(now) <= MAX_DATE_MS ? now : Date.now();
}

function resolveBsd(year: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string, offset: number, opts: ParseOptions): ResolvedTime | null {
  if (d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  const now = year >= 0 ? 0 : usableNow(opts.now); // only a year-less stamp depends on now
  const nowSec = Math.floor(now / 1000);
  const cached = resolved.get(year, mo, d, h, mi, sec, frac, offset, opts.timezone, nowSec);
  if (cached !== undefined) return cached;
  const time = resolveUncached(year, mo, d, h, mi, sec, frac, offset, opts.timezone, now);
  resolved.set(year, mo, d, h, mi, sec, frac, offset, opts.timezone, nowSec, time);
  return time;
}

function resolveUncached(year: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string, offset: number, timezone: string, now: number): ResolvedTime | null {
  const zone: Zone | null = Number.isNaN(offset) ? zoneOrUtc(timezone) : null;
  if (year < 0) {
    const nowOffset = zone === null ? offset : zone.offsetMinutesAt(now);
    year = inferYear(mo, d, h, mi, sec, now + nowOffset * 60_000);
  }
  if (!isValidCivil(year, mo, d, h, mi, sec)) return null;
  return zone === null ? resolveWithOffset(year, mo, d, h, mi, sec, frac, offset) : resolveInZone(year, mo, d, h, mi, sec, frac, zone);
}
