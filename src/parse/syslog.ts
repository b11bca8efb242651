/**
 * Entry point of the parser: picks the grammar for one received message and never throws.
 *
 * - Leading and trailing blanks (SP, TAB, CR, LF, NUL) and a leading byte-order mark are ignored.
 * - "<PRI>" followed by an RFC 5424 VERSION and timestamp/NILVALUE → RFC 5424; anything else after a valid PRI is
 *   parsed BSD style (rfc3164.ts), which reports protocol 'unknown' when it finds no timestamp.
 * - No PRI, or one that is malformed: PRI 13 (user.notice), as RFC 3164 §4.3.3 tells a relay to assume. Without a
 *   PRI the text is still parsed (log-file lines, "1 2020-05-22T..." RFC 5424 without PRI); with a malformed one
 *   ("<189 Feb ...", "<999>...") the whole text is the message.
 * - Bytes are decoded as UTF-8; invalid sequences become U+FFFD.
 */
import { BOM, LT, isBlank } from './char-classes.js';
import { MISSING_PRI, facilityOf, priEnd, priValue, severityOf } from './priority.js';
import { parseRfc3164 } from './rfc3164.js';
import { ParsedMessage, toPlain } from './parsed-message.js';
import { looksLikeRfc5424, parseRfc5424 } from './rfc5424.js';
import type { ParseOptions, SyslogMessage } from './types.js';

function unknown(message: string, pri: number): ParsedMessage {
  return new ParsedMessage('unknown', pri, facilityOf(pri), severityOf(pri), null, null, null, null, message, message);
}

function parseText(s: string, opts: ParseOptions): ParsedMessage {
  let start = 0;
  let end = s.length;
  while (start < end && isBlank(s.charCodeAt(start))) start++;
  if (start < end && s.charCodeAt(start) === BOM) start++;
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  if (start < end && s.charCodeAt(start) === LT) {
    const pri = priValue(s, start, end);
    if (pri < 0) return unknown(s.slice(start, end), MISSING_PRI);
    const pos = priEnd(s, start);
    if (looksLikeRfc5424(s, pos, end)) return parseRfc5424(s, pos, end, pri, opts);
    return parseRfc3164(s, pos, end, pri, true, opts);
  }
  if (looksLikeRfc5424(s, start, end)) return parseRfc5424(s, start, end, MISSING_PRI, opts);
  return parseRfc3164(s, start, end, MISSING_PRI, false, opts);
}

/** Parses one syslog message (without transport framing). Never throws; see the module comment for the rules. */
export function parseSyslog(input: Buffer | string, opts: ParseOptions): SyslogMessage {
  return toPlain(parseSyslogDeferred(input, opts));
}

/**
 * parseSyslog, but the timestamp is resolved only when `timestamp` or `timestampMs` is first read, with the zone
 * and reference time of `opts` as they are now (see parsed-message.ts). For the pipeline, whose stages do not
 * read it.
 */
export function parseSyslogDeferred(input: Buffer | string, opts: ParseOptions): SyslogMessage {
  const text = typeof input === 'string' ? input : input.toString(); // toString() without arguments: UTF-8, minus the encoding lookup
  try {
    return parseText(text, opts);
  } catch {
    // Defensive only: the grammars are written not to throw. Keep the message rather than lose it.
    return unknown(text, MISSING_PRI);
  }
}
