/**
 * Time zones for timestamps that carry no offset (BSD stamps): 'UTC', a fixed offset ('+02:00', '-0530'),
 * or an IANA name ('Europe/Berlin'), resolved with the runtime's Intl data. Offsets of IANA zones are cached
 * per zone and UTC hour, so the hot path does not call Intl per message.
 */

import { civilToMs } from './civil-time.js';

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 4096;
/** Date's range is ±8.64e15 ms; stay an hour inside it (the cache looks at whole UTC hours). */
const MAX_INSTANT_MS = 8.64e15 - 2 * HOUR_MS;

export interface Zone {
  readonly name: string;
  /** Offset from UTC in minutes at the given instant (positive east of Greenwich). */
  offsetMinutesAt(utcMs: number): number;
}

function fixedZone(name: string, minutes: number): Zone {
  return { name, offsetMinutesAt: () => minutes };
}

class IanaZone implements Zone {
  readonly #format: Intl.DateTimeFormat;
  readonly #byHour = new Map<number, number>();
  constructor(readonly name: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  }
  offsetMinutesAt(utcMs: number): number {
    // Instants beyond what Date can represent (or NaN) are clamped, so Intl never sees an invalid date.
    if (!(Math.abs(utcMs) <= MAX_INSTANT_MS)) utcMs = utcMs < 0 ? -MAX_INSTANT_MS : MAX_INSTANT_MS;
    // Offsets are cached per UTC hour. An hour in which the offset changes (a transition that does not fall on a
    // UTC hour boundary, e.g. America/St_Johns at 05:30 UTC) is cached as NaN and resolved exactly on each call.
    const hour = Math.floor(utcMs / HOUR_MS);
    let offset = this.#byHour.get(hour);
    if (offset === undefined) {
      const atStart = this.#compute(hour * HOUR_MS);
      offset = atStart === this.#compute(hour * HOUR_MS + HOUR_MS - 1) ? atStart : Number.NaN;
      if (this.#byHour.size >= MAX_CACHED_HOURS) this.#byHour.clear();
      this.#byHour.set(hour, offset);
    }
    return Number.isNaN(offset) ? this.#compute(utcMs) : offset;
  }
  #compute(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#format.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = civilToMs(parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!, 0);
    return Math.round((asUtc - utcMs) / 60_000);
  }
}

const zones = new Map<string, Zone>();

/** Resolves a zone name; throws RangeError for an unknown one. Zones are cached (the set is config-bounded). */
export function getZone(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  let zone: Zone;
  const m = FIXED_OFFSET.exec(name);
  if (name === 'UTC' || name === 'Z' || name === 'GMT') zone = fixedZone(name, 0);
  else if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    if (Number(m[2]) > 23 || Number(m[3]) > 59) throw new RangeError(`invalid offset ${name}`);
    zone = fixedZone(name, m[1] === '-' ? -minutes : minutes);
  } else zone = new IanaZone(name); // throws RangeError for an unknown zone
  zones.set(name, zone);
  return zone;
}

export function isValidTimezone(name: string): boolean {
  try {
    getZone(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Epoch ms of a wall-clock time in a zone. Uses the offset at the naive instant, then corrects once, which is
 * exact except inside a DST gap/overlap (where any answer is a guess; this picks the earlier offset's reading).
 */
export function zonedTimeToUtcMs(zone: Zone, year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
  const naive = civilToMs(year, month, day, hour, minute, second, ms);
  const first = naive - zone.offsetMinutesAt(naive) * 60_000;
  const second_ = naive - zone.offsetMinutesAt(first) * 60_000;
  return second_;
}

/** "+02:00" / "-05:30" / "+00:00" for an offset in minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `${sign}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}
