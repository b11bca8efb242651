/**
 * Turning a parsed wall-clock time into the two timestamp fields of a SyslogMessage: the ISO 8601 text (with the
 * fraction as sent and a numeric offset, 'Z' written as +00:00) and the instant in epoch milliseconds.
 */
import { civilToMs } from './civil-time.js';
import { formatOffset, getZone, type Zone } from './timezone.js';

export interface ResolvedTime {
  readonly iso: string;
  readonly ms: number;
}

/** Where the timestamp scanners (scanBsdTimestamp, scanRfc3339) put a result: one holder per caller, not an object per message. */
export interface TimestampScan {
  end: number;
  time: ResolvedTime | null;
}

const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));

function pad2(n: number): string {
  return PAD2[n] ?? `${n}`;
}

function pad4(n: number): string {
  return n >= 1000 ? `${n}` : n >= 100 ? `0${n}` : n >= 10 ? `00${n}` : `000${n}`;
}

/** Milliseconds in a fraction given as its digits ("003" → 3, "5" → 500, "123456789" → 123). */
export function fractionMs(frac: string): number {
  if (frac.length === 0) return 0;
  let v = 0;
  for (let i = 0; i < 3; i++) v = v * 10 + (i < frac.length ? frac.charCodeAt(i) - 0x30 : 0);
  return v;
}

const fromCharCode = String.fromCharCode;
const D0 = 0x30;

/**
 * "YYYY-MM-DDThh:mm:ss[.frac]±hh:mm". Per message (every timestamp is rendered), so the usual case is built by one
 * String.fromCharCode call (a flat string, half the cost of a template literal's chain of concatenations); years
 * outside 0-9999 and offsets that are not whole minutes under 100 hours take the general path.
 */
export function formatIso(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, offsetMin: number): string {
  const abs = offsetMin < 0 ? -offsetMin : offsetMin;
  if (!(y >= 0 && y <= 9999 && abs < 6000 && Number.isInteger(abs) && mo < 100 && d < 100 && h < 100 && mi < 100 && s < 100)) return formatIsoSlow(y, mo, d, h, mi, s, frac, offsetMin);
  const oh = Math.floor(abs / 60);
  const om = abs % 60;
  const date = fromCharCode(
    D0 + Math.floor(y / 1000), D0 + (Math.floor(y / 100) % 10), D0 + (Math.floor(y / 10) % 10), D0 + (y % 10), 0x2d,
    D0 + Math.floor(mo / 10), D0 + (mo % 10), 0x2d, D0 + Math.floor(d / 10), D0 + (d % 10), 0x54,
    D0 + Math.floor(h / 10), D0 + (h % 10), 0x3a, D0 + Math.floor(mi / 10), D0 + (mi % 10), 0x3a, D0 + Math.floor(s / 10), D0 + (s % 10),
  );
  const offset = fromCharCode(offsetMin < 0 ? 0x2d : 0x2b, D0 + Math.floor(oh / 10), D0 + (oh % 10), 0x3a, D0 + Math.floor(om / 10), D0 + (om % 10));
  return frac.length > 0 ? `${date}.${frac}${offset}` : date + offset;
}

function formatIsoSlow(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, offsetMin: number): string {
  const fracPart = frac.length > 0 ? `.${frac}` : '';
  return `${pad4(y)}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${fracPart}${formatOffset(offsetMin)}`;
}

/** A wall-clock time that carries its own UTC offset. */
export function resolveWithOffset(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, offsetMin: number): ResolvedTime {
  const ms = civilToMs(y, mo, d, h, mi, s, fractionMs(frac)) - offsetMin * 60_000;
  return { iso: formatIso(y, mo, d, h, mi, s, frac, offsetMin), ms };
}

/**
 * A wall-clock time without offset, read in `zone`. The ISO text shows the offset the zone has at that instant; a
 * time that does not exist (inside a DST gap) is rendered as the wall-clock reading of the instant chosen.
 */
export function resolveInZone(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, zone: Zone): ResolvedTime {
  // as zonedTimeToUtcMs (offset at the naive reading, corrected once), inlined to reuse the intermediate values
  const naive = civilToMs(y, mo, d, h, mi, s, fractionMs(frac));
  const guess = zone.offsetMinutesAt(naive);
  const corrected = zone.offsetMinutesAt(naive - guess * 60_000);
  const ms = naive - corrected * 60_000;
  const offset = corrected === guess ? guess : zone.offsetMinutesAt(ms);
  if (offset === corrected) return { iso: formatIso(y, mo, d, h, mi, s, frac, offset), ms };
  const t = new Date(ms + offset * 60_000); // a wall time inside a DST gap: render the reading of the instant chosen
  return {
    iso: formatIso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), frac, offset),
    ms,
  };
}

const badZoneNames = new Set<string>();

/** The zone for `name`; an unknown name (which config validation should have rejected) reads as UTC, never throws. */
export function zoneOrUtc(name: string): Zone {
  if (!badZoneNames.has(name)) {
    try {
      return getZone(name);
    } catch {
      if (badZoneNames.size < 64) badZoneNames.add(name);
    }
  }
  return getZone('UTC');
}
