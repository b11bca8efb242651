/**
 * Adapters that map the output of other syslog parsers (devDependencies) to our field names, best effort, so the
 * corpus score can compare them with ours on the same lines. Fields a parser does not report stay undefined (a
 * stated field it does not report counts as a miss). Both parsers read BSD times in the process's local zone and
 * the current year; the scorer sets process.env.TZ to the record's zone before calling them.
 */
import { createRequire } from 'node:module';
import syslogParse from 'syslog-parse';
import { FACILITY_NAMES, SEVERITY_NAMES } from '../../src/parse/types.js';
import type { ParserOutput } from './field-compare.js';

const require = createRequire(import.meta.url);

interface NsyslogEntry {
  readonly type?: string;
  readonly prival?: number;
  readonly facilityval?: number;
  readonly levelval?: number;
  readonly ts?: Date;
  readonly host?: string;
  readonly appName?: string;
  readonly pid?: string;
  readonly messageid?: string;
  readonly structuredData?: unknown;
  readonly message?: string;
  readonly header?: string;
  readonly err?: unknown;
}

const nsyslogParse = require('nsyslog-parser') as (line: string, opts?: object) => NsyslogEntry;

/** A Date as ISO 8601 in the process's local zone (what these parsers mean by it). */
function localIso(d: Date | undefined): string | null {
  if (d === undefined || Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const p = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const sign = off < 0 ? '-' : '+';
  return (
    `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}` +
    `.${p(d.getMilliseconds(), 3)}${sign}${p(Math.trunc(off / 60))}:${p(off % 60)}`
  );
}

function emptyToNull(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

/** syslog-parse v2: BSD only (returns undefined for anything else, e.g. without a `tag:`). */
export function syslogParseOutput(raw: string): ParserOutput | null {
  const r = syslogParse(raw);
  if (r === undefined) return null;
  const hasPri = /^\s*<\d+>/.test(raw);
  return {
    protocol: 'rfc3164',
    pri: hasPri ? r.priority : null,
    facility: hasPri ? (FACILITY_NAMES[r.facilityCode] ?? null) : null,
    severity: hasPri ? (SEVERITY_NAMES[r.severityCode] ?? null) : null,
    timestamp: localIso(r.time),
    hostname: emptyToNull(r.host),
    appname: emptyToNull(r.process),
    procid: r.pid !== undefined ? String(r.pid) : null,
    msgid: null,
    structuredData: null,
    message: r.message,
  };
}

function nsyslogSd(sd: unknown): Record<string, Record<string, string>> | null {
  if (!Array.isArray(sd)) return null;
  const out: Record<string, Record<string, string>> = {};
  for (const el of sd as Array<Record<string, string>>) {
    const { $id, ...params } = el;
    if ($id !== undefined) out[$id] = params;
  }
  return out;
}

/** nsyslog-parser 0.10: BSD, RFC 5424, CEF/LEEF bodies; type UNKNOWN when it finds no header. */
export function nsyslogOutput(raw: string): ParserOutput | null {
  const r = nsyslogParse(raw);
  if (r.err !== undefined) return null;
  const hasPri = typeof r.prival === 'number' && !Number.isNaN(r.prival);
  let protocol: string | null = null;
  if (r.type === 'BSD') protocol = 'rfc3164';
  else if (r.type === 'RFC5424') protocol = 'rfc5424';
  else if (r.type === 'UNKNOWN') protocol = 'unknown';
  else if (r.type === 'CEF' || r.type === 'LEEF') protocol = /^(<\d+>)?\s*\S+\s+\d/.test(r.header ?? '') ? 'rfc3164' : 'unknown';
  return {
    protocol,
    pri: hasPri ? r.prival : null,
    facility: hasPri ? (FACILITY_NAMES[r.facilityval ?? -1] ?? null) : null,
    severity: hasPri ? (SEVERITY_NAMES[r.levelval ?? -1] ?? null) : null,
    timestamp: protocol === 'unknown' ? null : localIso(r.ts),
    hostname: emptyToNull(r.host),
    appname: emptyToNull(r.appName),
    procid: emptyToNull(r.pid),
    msgid: emptyToNull(r.messageid),
    structuredData: nsyslogSd(r.structuredData),
    message: r.message ?? '',
  };
}
