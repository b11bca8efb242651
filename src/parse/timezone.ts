/**
 * Time zones for timestamps that carry no offset (BSD stamps): 'UTC', a fixed offset ('+02:00', '-0530'),
 * or an IANA name ('Europe/Berlin'), resolved with the runtime's Intl data. Offsets of IANA zones are cached
 * per zone and UTC hour, so the hot path does not call Intl per message.
 */

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const HOUR_MS = 3_600_000;
const MAX_CACHED_HOURS = 4096;

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
    // Offsets change on whole quarter-hours at most; caching per UTC hour is exact for every real zone
    // except at the transition instant itself, which is resolved by the per-hour lookup at that hour.
    const hour = Math.floor(utcMs / HOUR_MS);
    const hit = this.#byHour.get(hour);
    if (hit !== undefined) return hit;
    const offset = this.#compute(hour * HOUR_MS);
    if (this.#byHour.size >= MAX_CACHED_HOURS) this.#byHour.clear();
    this.#byHour.set(hour, offset);
    return offset;
  }
  #compute(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#format.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
    const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
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
  const naive = Date.UTC(year, month - 1, day, hour, minute, second, ms);
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
