/**
 * The BSD timestamps resolved last, by their fields: devices stamp a burst of messages with the same second, so the
 * zone lookup, the year inference, the calendar arithmetic and the ISO text are done once per second (and zone),
 * not once per message. Direct-mapped by second of the day, SLOTS entries, allocated once.
 *
 * A key holds everything the result depends on, so a hit returns what resolving again would: the fields, the
 * fraction as sent, the explicit offset (a zone abbreviation) or else the configured zone's name, and for a stamp
 * without a year the second of `now` it was resolved at. Seconds are enough: the year a year-less stamp gets flips
 * only at whole seconds of now (FUTURE_WINDOW_MS and zone offsets are whole seconds; see inferYear).
 */
import type { ResolvedTime } from './wall-time.js';

const SLOTS = 64;
/** Stands for "no explicit offset" (NaN never compares equal). */
const NO_OFFSET = 1e9;

class Entry {
  year = -2; // never a key: a miss until the slot is filled
  mo = 0;
  d = 0;
  h = 0;
  mi = 0;
  sec = 0;
  frac = '';
  offset = NO_OFFSET;
  zone = '';
  nowSec = 0;
  time: ResolvedTime | null = null;
}

export class BsdTimeCache {
  readonly #slots: Entry[] = Array.from({ length: SLOTS }, () => new Entry());

  /**
   * The cached result for this key (null: the text named no real date/time), or undefined when there is none.
   * `offset` is NaN without an explicit offset; `zone` counts only then, and `nowSec` only without a year.
   */
  get(year: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string, offset: number, zone: string, nowSec: number): ResolvedTime | null | undefined {
    const e = this.#slots[slotOf(d, h, mi, sec)]!;
    const off = Number.isNaN(offset) ? NO_OFFSET : offset;
    if (
      e.year === year && e.sec === sec && e.mi === mi && e.h === h && e.d === d && e.mo === mo && e.offset === off &&
      e.nowSec === (year < 0 ? nowSec : 0) && e.frac === frac && e.zone === (off === NO_OFFSET ? zone : '')
    ) {
      return e.time;
    }
    return undefined;
  }

  /** Files `time` under the key (same arguments as get), replacing whatever held its slot. */
  set(year: number, mo: number, d: number, h: number, mi: number, sec: number, frac: string, offset: number, zone: string, nowSec: number, time: ResolvedTime | null): void {
    const e = this.#slots[slotOf(d, h, mi, sec)]!;
    e.year = year;
    e.mo = mo;
    e.d = d;
    e.h = h;
    e.mi = mi;
    e.sec = sec;
    e.frac = frac;
    e.offset = Number.isNaN(offset) ? NO_OFFSET : offset;
    e.zone = e.offset === NO_OFFSET ? zone : '';
    e.nowSec = year < 0 ? nowSec : 0;
    e.time = time;
  }
}

function slotOf(d: number, h: number, mi: number, sec: number): number {
  return (((d * 24 + h) * 60 + mi) * 60 + sec) & (SLOTS - 1);
}
