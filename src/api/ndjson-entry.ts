/**
 * One NDJSON entry of the HTTP API: {timestamp, host, appname, message, severity?, facility?}, validated with zod
 * and turned into the RFC 5424 line a device would have sent (`<PRI>1 TIMESTAMP HOST APPNAME - - - MESSAGE`),
 * so it goes through the same parser, rules and metrics as a line from a listener.
 */
import { z } from 'zod';
import { FACILITY_NAMES, SEVERITY_NAMES } from '../parse/types.js';

/** RFC 3339 with a required offset; a fraction of 1-9 digits (milliseconds are kept). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
/** 9999-12-31T23:59:59.999Z: the last instant an RFC 5424 TIMESTAMP can carry. */
const MAX_EPOCH_MS = 253_402_300_799_999;

/** zod's message for a missing or mistyped field, in this project's words. */
const wrongType = (expected: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be ${expected}`);

/** RFC 5424 PRINTUSASCII (33..126), as HOSTNAME and APP-NAME must be. */
const printableAscii = (max: number) =>
  z
    .string({ error: wrongType('a string') })
    .regex(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`), { message: `must be 1-${max} printable ASCII characters without spaces` })
    .refine((s) => s !== '-', { message: 'must not be "-" (the RFC 5424 nil value)' });

const Timestamp = z.union([z.string(), z.number()], { error: wrongType('an RFC 3339 string (e.g. 2024-03-01T12:00:00Z) or epoch milliseconds') }).transform((v, ctx) => {
  const ms = typeof v === 'number' ? (Number.isSafeInteger(v) && v >= 0 && v <= MAX_EPOCH_MS ? v : null) : rfc3339ToMs(v);
  if (ms === null) {
    ctx.addIssue({
      code: 'custom',
      message: typeof v === 'number' ? 'epoch milliseconds must be a whole number from 0 to 253402300799999' : 'is not an RFC 3339 date-time with an offset (e.g. 2024-03-01T12:00:00Z or 2024-03-01T13:00:00+01:00)',
    });
    return z.NEVER;
  }
  return ms;
});

/** A facility or severity: its keyword ("auth", "err") or its number. */
function code(names: readonly string[], what: string) {
  return z.union([z.number(), z.string()], { error: wrongType(`a ${what} name or number`) }).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : names.indexOf(v);
    if (!Number.isInteger(n) || n < 0 || n >= names.length) {
      ctx.addIssue({ code: 'custom', message: `must be a ${what} name (${names.join(', ')}) or a number from 0 to ${names.length - 1}` });
      return z.NEVER;
    }
    return n;
  });
}

export const NdjsonEntrySchema = z.strictObject({
  timestamp: Timestamp,
  host: printableAscii(255),
  appname: printableAscii(48),
  message: z.string({ error: wrongType('a string') }),
  /** Default: notice (5). */
  severity: code(SEVERITY_NAMES, 'severity').default(5),
  /** Default: user (1). */
  facility: code(FACILITY_NAMES, 'facility').default(1),
});

export type NdjsonEntry = z.output<typeof NdjsonEntrySchema>;

/** The RFC 5424 line for an entry (UTF-8, no trailing LF). */
export function entryToSyslogLine(e: NdjsonEntry): Buffer {
  return Buffer.from(`<${e.facility * 8 + e.severity}>1 ${new Date(e.timestamp).toISOString()} ${e.host} ${e.appname} - - - ${e.message}`, 'utf8');
}

/** Validates one decoded JSON value: the syslog line, or every problem found as one text. */
export function parseNdjsonEntry(value: unknown): { ok: true; line: Buffer } | { ok: false; reason: string } {
  const r = NdjsonEntrySchema.safeParse(value);
  if (!r.success) return { ok: false, reason: r.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
  return { ok: true, line: entryToSyslogLine(r.data) };
}

function rfc3339ToMs(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMin = m[8] !== undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (h > 23 || mi > 59 || s > 59 || Math.abs(offsetMin) > 23 * 60 + 59) return null;
  const civil = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  const check = new Date(civil);
  // Date.UTC rolls 2024-02-30 over into March: a changed date means no such day.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const ms = civil - offsetMin * 60_000;
  return ms >= 0 && ms <= MAX_EPOCH_MS ? ms : null;
}
