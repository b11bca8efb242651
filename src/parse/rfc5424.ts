/**
 * RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG].
 * NILVALUE ('-') fields are null. Header fields longer than the RFC allows (HOSTNAME 255, APP-NAME 48, PROCID 128,
 * MSGID 32) are cut to that length, as syslog-ng does, which also bounds what downstream keys on them.
 * Best effort on malformed input: runs of spaces between header fields are
 * accepted, an invalid timestamp is null, a truncated header leaves the missing fields null, malformed
 * structured data is handled as described in structured-data.ts, and a UTF-8 BOM at the start of MSG is removed.
 */
import { BOM, LBRACKET, SP, isDigit, readDigits, skipSpaces, tokenEnd } from './char-classes.js';
import { facilityOf, severityOf } from './priority.js';
import { scanRfc3339 } from './rfc3339.js';
import { structuredDataEnd } from './structured-data.js';
import { ParsedMessage } from './parsed-message.js';
import type { ParseOptions } from './types.js';
import type { TimestampScan } from './wall-time.js';

/**
 * Whether the text at `pos` (just after the PRI, or the line start when there is none) begins an RFC 5424 header:
 * a VERSION of one to three digits, SP, then a NILVALUE or a full date ("YYYY-MM-DD").
 */
export function looksLikeRfc5424(s: string, pos: number, end: number): boolean {
  let i = pos;
  while (i < end && i < pos + 3 && isDigit(s.charCodeAt(i))) i++;
  if (i === pos || s.charCodeAt(i) !== SP) return false;
  i++;
  const c = s.charCodeAt(i);
  if (c === 0x2d) return i + 1 >= end || s.charCodeAt(i + 1) === SP;
  return readDigits(s, i, 4, end) >= 0 && s.charCodeAt(i + 4) === 0x2d && isDigit(s.charCodeAt(i + 5));
}

export const MAX_HOSTNAME = 255;
export const MAX_APPNAME = 48;
export const MAX_PROCID = 128;
export const MAX_MSGID = 32;

/** The TIMESTAMP field's scan (one holder, not an object per message). */
const stamp: TimestampScan = { end: 0, time: null };

/** The header field at [start, stop), at most `max` characters: null for NILVALUE or an empty field. */
function field(s: string, start: number, stop: number, max: number): string | null {
  if (stop <= start || (stop === start + 1 && s.charCodeAt(start) === 0x2d)) return null;
  return s.slice(start, Math.min(stop, start + max));
}

/**
 * Parses an RFC 5424 message whose VERSION starts at `pos` (looksLikeRfc5424 was true). `pri` is the PRIVAL
 * (the caller substitutes 13 when the message had none).
 */
export function parseRfc5424(s: string, pos: number, end: number, pri: number, opts: ParseOptions): ParsedMessage {
  let i = tokenEnd(s, pos, end); // skip VERSION
  i = skipSpaces(s, i, end);
  let stop = tokenEnd(s, i, end);
  const stampAt = i;
  const stampEnd = stop;
  // the timestamp is resolved when read (parsed-message.ts); here only its extent is checked
  const stamped = !(stop === i + 1 && s.charCodeAt(i) === 0x2d) && scanRfc3339(s, i, stop, opts.timezone, false, stamp, false) && stamp.end === stop;
  i = skipSpaces(s, stop, end);
  stop = tokenEnd(s, i, end);
  const hostname = field(s, i, stop, MAX_HOSTNAME);
  i = skipSpaces(s, stop, end);
  stop = tokenEnd(s, i, end);
  const appname = field(s, i, stop, MAX_APPNAME);
  i = skipSpaces(s, stop, end);
  stop = tokenEnd(s, i, end);
  const procid = field(s, i, stop, MAX_PROCID);
  i = skipSpaces(s, stop, end);
  stop = tokenEnd(s, i, end);
  const msgid = field(s, i, stop, MAX_MSGID);
  i = skipSpaces(s, stop, end);

  let sdAt = -1; // the STRUCTURED-DATA field is built when read (parsed-message.ts); here only its extent is found
  if (i < end) {
    const c = s.charCodeAt(i);
    if (c === 0x2d && (i + 1 >= end || s.charCodeAt(i + 1) === SP)) {
      i++;
    } else if (c === LBRACKET) {
      const sdEnd = structuredDataEnd(s, i, end, false);
      if (sdEnd >= 0) {
        sdAt = i;
        i = sdEnd;
      }
    }
    // anything else: no STRUCTURED-DATA field at all; the rest is taken as MSG
  }
  if (i < end && s.charCodeAt(i) === SP) i++; // the SP before MSG; further spaces belong to MSG
  if (i < end && s.charCodeAt(i) === BOM) i++;

  const message = new ParsedMessage('rfc5424', pri, facilityOf(pri), severityOf(pri), hostname, appname, procid, msgid, i < end ? s.slice(i, end) : '', s);
  if (stamped) message.setStamp('rfc5424', stampAt, stampEnd, opts.timezone, opts.now);
  if (sdAt >= 0) message.setStructuredData(sdAt, end, false);
  return message;
}
