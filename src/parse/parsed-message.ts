/**
 * What the grammars build: a SyslogMessage whose timestamp and structured data are made when first read. Finding
 * them (their extent decides where the header goes on) is cheap; resolving the timestamp (zone, year inference,
 * calendar arithmetic, the ISO text) is a fifth of a parse and building the structured data (an object per
 * element, a string per name and value) costs as much again where there is some, and the pipeline's stages read
 * neither. So the message keeps where they are in its text, with the zone and the clock it was parsed with, and
 * the same scanners read them again on demand, with the results they would have given at parse time.
 *
 * parseSyslog() hands out plain objects made from these (toPlain: every field read, in the documented key order);
 * the pipeline passes these on as they are. Either way a reader sees the same values; JSON.stringify gives the
 * same text (toJSON). Only a copy by spread or Object.keys would miss the three getters.
 */
import { scanBsdTimestamp, usableNow } from './bsd-timestamp.js';
import { scanRfc3339 } from './rfc3339.js';
import { parseStructuredData } from './structured-data.js';
import type { FacilityName, SeverityName, StructuredData, SyslogFormat, SyslogMessage } from './types.js';
import type { ResolvedTime, TimestampScan } from './wall-time.js';

/** Which scanner reads the timestamp: a BSD stamp, RFC 3339 in BSD framing (space for 'T' allowed), RFC 5424's TIMESTAMP. */
export type StampKind = 'none' | 'bsd' | 'rfc3339' | 'rfc5424';

const scan: TimestampScan = { end: 0, time: null };

export class ParsedMessage implements SyslogMessage {
  readonly #text: string;
  #stamp: StampKind = 'none';
  #at = 0;
  #end = 0;
  #zone = '';
  #now = 0;
  /** undefined until first read. */
  #time: ResolvedTime | null | undefined = undefined;
  /** Structured data: built from text[#sdAt, #sdEnd) on first read (null: there is none). */
  #sd: StructuredData | null | undefined = null;
  #sdAt = 0;
  #sdEnd = 0;
  #sdStrict = false;

  /** `text` is the whole decoded line the fields were found in. */
  constructor(
    readonly protocol: SyslogFormat,
    readonly pri: number | null,
    readonly facility: FacilityName | null,
    readonly severity: SeverityName | null,
    readonly hostname: string | null,
    readonly appname: string | null,
    readonly procid: string | null,
    readonly msgid: string | null,
    readonly message: string,
    text: string,
  ) {
    this.#text = text;
  }

  /**
   * The timestamp is the `kind` stamp that the grammar found at text[at] (scanning up to `end`), read in `zone`
   * with `now` as the reference time for year inference.
   */
  setStamp(kind: StampKind, at: number, end: number, zone: string, now: number): void {
    this.#stamp = kind;
    this.#at = at;
    this.#end = end;
    this.#zone = zone;
    // A clock that cannot date anything is replaced by the real one, as resolving at once would do (now, not later).
    this.#now = kind === 'bsd' ? usableNow(now) : now;
  }

  /** The structured data is what parseStructuredData(text, at, end, strict) finds (the grammar made sure it finds some). */
  setStructuredData(at: number, end: number, strict: boolean): void {
    this.#sd = undefined;
    this.#sdAt = at;
    this.#sdEnd = end;
    this.#sdStrict = strict;
  }

  get structuredData(): StructuredData | null {
    if (this.#sd === undefined) this.#sd = parseStructuredData(this.#text, this.#sdAt, this.#sdEnd, this.#sdStrict)?.data ?? null;
    return this.#sd;
  }

  get timestamp(): string | null {
    const t = this.#resolved();
    return t === null ? null : t.iso;
  }

  get timestampMs(): number | null {
    const t = this.#resolved();
    return t === null ? null : t.ms;
  }

  toJSON(): SyslogMessage {
    return toPlain(this);
  }

  #resolved(): ResolvedTime | null {
    if (this.#time === undefined) this.#time = this.#resolve();
    return this.#time;
  }

  #resolve(): ResolvedTime | null {
    const s = this.#text;
    let found = false;
    switch (this.#stamp) {
      case 'none':
        return null;
      case 'bsd':
        found = scanBsdTimestamp(s, this.#at, this.#end, { timezone: this.#zone, now: this.#now }, scan, true);
        break;
      case 'rfc3339':
        found = scanRfc3339(s, this.#at, this.#end, this.#zone, true, scan, true);
        break;
      case 'rfc5424':
        found = scanRfc3339(s, this.#at, this.#end, this.#zone, false, scan, true);
        break;
    }
    return found ? scan.time : null;
  }
}

/** A plain object with the message's fields, timestamps resolved, in the documented key order. */
export function toPlain(m: SyslogMessage): SyslogMessage {
  return {
    protocol: m.protocol,
    pri: m.pri,
    facility: m.facility,
    severity: m.severity,
    timestamp: m.timestamp,
    timestampMs: m.timestampMs,
    hostname: m.hostname,
    appname: m.appname,
    procid: m.procid,
    msgid: m.msgid,
    structuredData: m.structuredData,
    message: m.message,
  };
}
