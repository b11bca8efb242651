/**
 * Field-level comparison of a parser's output with what a corpus record states, honouring the record's context
 * (test clock or supplied year, time zone) and the stating source's documented conventions. Every convention
 * mapping is listed here, applies to all parsers alike, and never looks at record ids:
 *
 * - hostname/appname/procid/msgid: a stated "" (syslog-ng, nsyslog-parser: field absent) or "-" (RFC 5424
 *   NILVALUE as nsyslog-parser reports it) means null.
 * - message: a stated null (RFC 5424 example 4: no MSG) means "". rsyslog's RFC 3164 msg keeps the space after the
 *   TAG (corpus README): for rsyslog records that are not RFC 5424, one leading space of the stated value is dropped.
 * - structuredData: {} and null both mean "no SD-ELEMENT" (syslog_loose states an empty list where RFC 5424 has
 *   NILVALUE or the format has no SD).
 * - timestamp: compared as wall-clock reading + fraction (numerically: ".156" = ".156000") + UTC offset ('Z' =
 *   +00:00); a stated time without offset (the source's local time) compares the wall-clock reading only.
 *   "<current year>" is the year of the parse options' clock.
 * - protocol: "UNKNOWN" = unknown; values that name no grammar (nsyslog-parser's "CEF") are not comparable and
 *   are reported apart instead of being scored.
 */
import { FUTURE_WINDOW_MS } from '../../src/parse/bsd-timestamp.js';
import { getZone } from '../../src/parse/timezone.js';
import type { ParseOptions } from '../../src/parse/types.js';
import type { CorpusRecord } from './corpus-records.js';

export const SCORED_FIELDS = [
  'protocol', 'pri', 'facility', 'severity', 'timestamp', 'hostname', 'appname', 'procid', 'msgid', 'structuredData', 'message',
] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];

/** What a parser produced, in our field names; a field left undefined means "this parser does not report it". */
export type ParserOutput = { readonly [K in ScoredField]?: unknown };

export interface FieldResult {
  readonly field: ScoredField;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly ok: boolean;
}

export interface RecordScore {
  readonly results: readonly FieldResult[];
  /** Stated fields whose value cannot be compared with any parser's (e.g. protocol "CEF"). */
  readonly notComparable: readonly ScoredField[];
}

const YEAR_SUPPLIED = /^(\d{4}) supplied/;
const YEAR_BY_MONTH = /(\d{4}) for December, otherwise (\d{4})/;
const CURRENT_YEAR = '<current year>';

function contextString(record: CorpusRecord, key: string): string | undefined {
  const v = record.context?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The zone a record's expectation assumes: its `timezone`/`TZ` context, else UTC. */
export function recordZone(record: CorpusRecord): string {
  const tz = contextString(record, 'TZ');
  if (tz !== undefined) {
    // POSIX TZ strings such as "MET-1METDST": the standard-time name is also an IANA zone (MET, CET, EET, WET)
    const name = /^[A-Z]{3,4}/.exec(tz)?.[0] ?? tz;
    try {
      getZone(name);
      return name;
    } catch {
      return 'UTC';
    }
  }
  return 'UTC';
}

/** Whether the record states BSD times as local wall-clock readings without zone (compare the reading only). */
function statesLocalTime(record: CorpusRecord): boolean {
  return /local time zone|without offset/.test(contextString(record, 'timezone') ?? '');
}

function startOfYearMs(year: number, zone: string): number {
  const utc = Date.UTC(year, 0, 1);
  return utc - getZone(zone).offsetMinutesAt(utc) * 60_000;
}

/**
 * The parse options that reproduce a record's conditions: its test clock, or — when the source supplies the year —
 * the latest clock at which a year-less stamp of that year is read as that year.
 */
export function parseOptionsFor(record: CorpusRecord, now: number = Date.now()): ParseOptions {
  const timezone = recordZone(record);
  const clock = contextString(record, 'testClock');
  if (clock !== undefined && Number.isFinite(Date.parse(clock))) return { timezone, now: Date.parse(clock) };
  const yearRule = contextString(record, 'year');
  let year: number | undefined;
  if (yearRule !== undefined) {
    const supplied = YEAR_SUPPLIED.exec(yearRule);
    const byMonth = YEAR_BY_MONTH.exec(yearRule);
    if (supplied) year = Number(supplied[1]);
    else if (byMonth) {
      const ts = record.expect['timestamp'];
      const month = typeof ts === 'string' ? ts.slice(5, 7) : '';
      year = Number(month === '12' ? byMonth[1] : byMonth[2]);
    } else if (/current year/.test(yearRule)) year = new Date(now).getUTCFullYear();
  }
  if (year !== undefined) return { timezone, now: startOfYearMs(year + 1, timezone) - FUTURE_WINDOW_MS - 1 };
  return { timezone, now };
}

interface CanonicalTime {
  readonly wall: string;
  readonly frac: string;
  readonly offset: number | null;
}

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

function canonicalTime(text: string): CanonicalTime | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  let offset: number | null = null;
  const o = m[4];
  if (o !== undefined) {
    if (o.toUpperCase() === 'Z') offset = 0;
    else {
      const digits = o.replace(':', '');
      offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
  }
  return { wall: `${m[1]}T${m[2]}`, frac, offset };
}

function sameTimestamp(expected: unknown, actual: unknown, record: CorpusRecord, opts: ParseOptions): boolean {
  if (expected === null) return actual === null;
  if (typeof expected !== 'string' || typeof actual !== 'string') return false;
  const stated = expected.replace(CURRENT_YEAR, String(new Date(opts.now).getUTCFullYear()));
  const e = canonicalTime(stated);
  const a = canonicalTime(actual);
  if (e === null || a === null) return false;
  if (e.wall !== a.wall || e.frac !== a.frac) return false;
  if (e.offset === null || statesLocalTime(record)) return true;
  return e.offset === a.offset;
}

function isEmptySd(v: unknown): boolean {
  return v === null || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The stated value in our conventions (see the module comment), or undefined when it is not comparable. */
export function normalisedExpectation(field: ScoredField, record: CorpusRecord): unknown {
  const v = record.expect[field];
  switch (field) {
    case 'hostname':
    case 'appname':
    case 'procid':
    case 'msgid':
      return v === '' || v === '-' ? null : v;
    case 'message': {
      if (v === null) return '';
      const rsyslog3164 = record.expectBy.startsWith('rsyslog') && !record.format.startsWith('rfc5424');
      return rsyslog3164 && typeof v === 'string' && v.startsWith(' ') ? v.slice(1) : v;
    }
    case 'protocol': {
      const p = typeof v === 'string' ? v.toLowerCase() : v;
      return p === 'rfc3164' || p === 'rfc5424' || p === 'unknown' ? p : undefined;
    }
    default:
      return v;
  }
}

export function compareField(field: ScoredField, record: CorpusRecord, actual: unknown, opts: ParseOptions): boolean {
  const expected = normalisedExpectation(field, record);
  if (actual === undefined) return false;
  switch (field) {
    case 'timestamp':
      return sameTimestamp(expected, actual, record, opts);
    case 'structuredData':
      return isEmptySd(expected) ? isEmptySd(actual) : deepEqual(expected, actual);
    default:
      return expected === actual;
  }
}

/** Scores one parser output against every stated, scored field of a record. */
export function scoreRecord(record: CorpusRecord, output: ParserOutput, opts: ParseOptions): RecordScore {
  const results: FieldResult[] = [];
  const notComparable: ScoredField[] = [];
  for (const field of SCORED_FIELDS) {
    if (!(field in record.expect)) continue;
    if (normalisedExpectation(field, record) === undefined) {
      notComparable.push(field);
      continue;
    }
    const actual = output[field];
    results.push({ field, expected: record.expect[field], actual, ok: compareField(field, record, actual, opts) });
  }
  return { results, notComparable };
}

/**
 * Whether a record's expectation holds only under a non-default option of its source (rsyslog `config`, syslog-ng
 * flags without LP_EXPECT_HOSTNAME for BSD lines, a bad_hostname regex). Such records are scored like the others
 * but reported apart.
 */
export function dependsOnOption(record: CorpusRecord): boolean {
  const ctx = record.context ?? {};
  if (typeof ctx['config'] === 'string') return true;
  if (typeof ctx['bad_hostname_regex'] === 'string') return true;
  if (typeof ctx['flags'] === 'string' && ctx['flags'].includes('CHECK_HOSTNAME')) return true;
  const flags = typeof ctx['flags'] === 'string' ? ctx['flags'] : undefined;
  if (flags !== undefined && !record.format.startsWith('rfc5424') && !flags.includes('EXPECT_HOSTNAME') && !flags.includes('SYSLOG_PROTOCOL')) return true;
  return false;
}
