/**
 * RFC 3164 ("BSD") messages as real devices send them: [Cisco sequence number and origin] TIMESTAMP [HOSTNAME]
 * [TAG] MSG, where the timestamp is a BSD stamp in one of its variants or an RFC 3339 stamp, the hostname may be
 * missing (then null: the pipeline uses the sender address), and the TAG is `prog[pid]:`, `prog:`, a bare word or
 * absent. Lines without a timestamp are parsed too (protocol 'unknown'): the whole text is the message unless it
 * starts with a recognisable `[host] prog[pid]:` (journal style), a MikroTik topic list or a Cisco sequence number.
 *
 * Hostname rules: never a month (the timestamp is consumed first), never a `prog[pid]:` tag, never a Cisco sequence
 * number; a token is a host only if it is a hostname, an IP literal or a Ubiquiti `MODEL,MAC,VERSION` identity.
 * `X:` right after the timestamp is a TAG, unless X is a Ubiquiti identity or an IP literal
 * ("U7PG2,f09fc2XXXXXX,v4.3.20.11298: kernel: ...", "10.0.0.1: ..."), or a dotted name followed by a TAG.
 */
import { BOM, COLON, LBRACKET, SP, isHostname, isIpLiteral, isUbiquitiIdentity, skipSpaces, tokenEnd } from './char-classes.js';
import { scanBsdTimestamp } from './bsd-timestamp.js';
import { isMikrotikTopics, scanTag, sequenceNumberEnd, wordTagEnd, type TagScan } from './bsd-tag.js';
import { facilityOf, severityOf } from './priority.js';
import { scanRfc3339 } from './rfc3339.js';
import { structuredDataEnd } from './structured-data.js';
import { ParsedMessage, type StampKind } from './parsed-message.js';
import type { ParseOptions, SyslogFormat } from './types.js';
import type { TimestampScan } from './wall-time.js';

const FORWARDED_FROM = 'Message forwarded from '; // AIX syslogd relaying

/**
 * The fields a BSD header yields, filled in while scanning. One instance, reset per message (parsing is
 * synchronous and never re-entered), like the scan holders below: nothing is allocated per message for them.
 */
class BsdFields {
  s = '';
  end = 0;
  hostname: string | null = null;
  appname: string | null = null;
  procid: string | null = null;
  /** Where MSG's structured data starts (-1: none); it is built when read (parsed-message.ts). */
  sdAt = -1;
  message = '';

  reset(s: string, end: number): void {
    this.s = s;
    this.end = end;
    this.hostname = null;
    this.appname = null;
    this.procid = null;
    this.sdAt = -1;
    this.message = '';
  }

  /** Takes the TAG that `t` holds (found at `pos`) as appname and procid; returns the index after it. */
  tag(t: TagScan, pos: number): number {
    this.appname = this.s.slice(pos, t.nameEnd);
    this.procid = t.pidEnd > t.pidStart ? this.s.slice(t.pidStart, t.pidEnd) : null;
    return t.end;
  }

  /** MSG from `i`: after a tag one SP is the separator; structured data right at the start is taken out. */
  body(i: number, afterTag: boolean): void {
    const { s, end } = this;
    if (afterTag) {
      if (i < end && s.charCodeAt(i) === SP) i++;
    } else i = skipSpaces(s, i, end);
    const j = skipSpaces(s, i, end);
    if (j < end && s.charCodeAt(j) === LBRACKET) {
      const sdEnd = structuredDataEnd(s, j, end, true);
      if (sdEnd >= 0) {
        this.sdAt = j;
        i = skipSpaces(s, sdEnd, end);
      }
    }
    if (i < end && s.charCodeAt(i) === BOM) i++;
    this.message = i < end ? s.slice(i, end) : '';
  }
}

const fields = new BsdFields();
/** The message's timestamp. */
const stamp: TimestampScan = { end: 0, time: null };
/** A TAG about to be taken. */
const tag: TagScan = { end: 0, nameEnd: 0, pidStart: 0, pidEnd: 0 };
/** A TAG only looked for (isTagAt), so that `tag` survives the look. */
const probe: TagScan = { end: 0, nameEnd: 0, pidStart: 0, pidEnd: 0 };
/** A Cisco timestamp that is skipped (the outer one is kept), so that `stamp` survives it. */
const skipped: TimestampScan = { end: 0, time: null };

function isTagAt(s: string, pos: number, end: number): boolean {
  return scanTag(s, pos, end, probe);
}

/** The kind of timestamp at `pos` (its extent into `stamp`): RFC 3339 (also with a space for 'T') or BSD, followed by SP or the end. */
function timestampAt(s: string, pos: number, end: number, opts: ParseOptions): StampKind {
  if (scanRfc3339(s, pos, end, opts.timezone, true, stamp, false) && (stamp.end >= end || s.charCodeAt(stamp.end) === SP)) return 'rfc3339';
  return scanBsdTimestamp(s, pos, end, opts, stamp, false) ? 'bsd' : 'none';
}

/** Is `X` in "X: ..." the host? Always for a Ubiquiti identity or an IP address (no program is named so). */
function isColonHost(s: string, start: number, stop: number): boolean {
  return isUbiquitiIdentity(s, start, stop) || isIpLiteral(s, start, stop);
}

/** A dotted name ("router1.example.com") is the host in "X: TAG ..." only when a TAG follows. */
function isDottedHostname(s: string, start: number, stop: number): boolean {
  const dot = s.indexOf('.', start);
  return dot > start && dot < stop - 1 && isHostname(s, start, stop);
}

/** After a Cisco sequence number: [Cisco timestamp] %FAC-SEV-MNEMONIC: MSG (the outer timestamp is kept). */
function ciscoTail(f: BsdFields, i: number, opts: ParseOptions): void {
  const { s, end } = f;
  i = skipSpaces(s, i, end);
  if (scanBsdTimestamp(s, i, end, opts, skipped, false)) i = skipSpaces(s, skipped.end, end);
  if (scanTag(s, i, end, tag)) f.body(f.tag(tag, i), true);
  else f.body(i, false);
}

/** TAG and MSG after a known (or absent-by-syntax) hostname. `words`: a bare word may be the TAG. */
function tagAndBody(f: BsdFields, i: number, words: boolean, opts: ParseOptions): void {
  const { s, end } = f;
  if (i >= end) return;
  if (s.charCodeAt(i) === COLON && (i + 1 >= end || s.charCodeAt(i + 1) === SP)) {
    // "host : %ASA-6-...: msg" / "Oct 11 22:14:15 : a message": empty TAG position
    i = skipSpaces(s, i + 1, end);
    if (scanTag(s, i, end, tag)) f.body(f.tag(tag, i), true);
    else f.body(i, false);
    return;
  }
  const seq = sequenceNumberEnd(s, i, end);
  if (seq >= 0) return ciscoTail(f, seq, opts);
  if (scanTag(s, i, end, tag)) return f.body(f.tag(tag, i), true);
  if (words) {
    const w = wordTagEnd(s, i, end);
    if (w >= 0) {
      f.appname = s.slice(i, w);
      return f.body(w, true);
    }
  }
  f.body(i, false);
}

/** Everything after the timestamp. */
function afterTimestamp(f: BsdFields, i: number, opts: ParseOptions): void {
  const { s, end } = f;
  i = skipSpaces(s, i, end);
  if (i >= end) return;
  if (f.hostname !== null) return tagAndBody(f, i, true, opts); // Cisco origin before the timestamp
  if (s.charCodeAt(i) === 0x4d && s.startsWith(FORWARDED_FROM, i)) {
    const hostStart = i + FORWARDED_FROM.length;
    const colon = s.indexOf(':', hostStart);
    if (colon > hostStart && colon < end && isHostname(s, hostStart, colon)) {
      f.hostname = s.slice(hostStart, colon);
      return tagAndBody(f, skipSpaces(s, colon + 1, end), false, opts);
    }
  }
  if (s.charCodeAt(i) === COLON || sequenceNumberEnd(s, i, end) >= 0) return tagAndBody(f, i, false, opts);
  if (scanTag(s, i, end, tag)) {
    const nameEnd = tag.nameEnd;
    if (tag.pidEnd === tag.pidStart && nameEnd + 1 === tag.end) {
      const next = skipSpaces(s, tag.end, end);
      if (
        isColonHost(s, i, nameEnd) ||
        (isDottedHostname(s, i, nameEnd) && (isTagAt(s, next, end) || sequenceNumberEnd(s, next, end) >= 0))
      ) {
        f.hostname = s.slice(i, nameEnd);
        return tagAndBody(f, next, false, opts);
      }
    }
    return f.body(f.tag(tag, i), true);
  }
  const stop = tokenEnd(s, i, end);
  if (isHostname(s, i, stop) || isUbiquitiIdentity(s, i, stop)) {
    f.hostname = s.slice(i, stop);
    return tagAndBody(f, skipSpaces(s, stop, end), true, opts);
  }
  if (stop === i + 1 && s.charCodeAt(i) === 0x2d) return tagAndBody(f, skipSpaces(s, stop, end), true, opts); // "-": no hostname
  // not a hostname ("%bzorp", "#001", "host/relay", "system,info,account"): a bare-word TAG, if anything
  tagAndBody(f, i, true, opts);
}

/** A line without timestamp. */
function withoutTimestamp(f: BsdFields, i: number, hadPri: boolean, opts: ParseOptions): void {
  const { s, end } = f;
  if (scanTag(s, i, end, tag) && (tag.pidEnd > tag.pidStart || hadPri)) return f.body(f.tag(tag, i), true);
  const stop = tokenEnd(s, i, end);
  if (stop < end && isHostname(s, i, stop)) {
    const next = skipSpaces(s, stop, end);
    if (scanTag(s, next, end, tag)) {
      f.hostname = s.slice(i, stop);
      return f.body(f.tag(tag, next), true);
    }
    if (isIpLiteral(s, i, stop)) {
      // "192.168.26.254 time=16:31:28 ..." (a relay's address in front of a headerless message)
      f.hostname = s.slice(i, stop);
      return tagAndBody(f, next, true, opts);
    }
  }
  if (isMikrotikTopics(s, i, stop)) {
    f.appname = s.slice(i, stop);
    return f.body(stop, true);
  }
  f.message = s.slice(i, end);
}

/**
 * Parses the text at `pos` (just after the PRI, or the line start without one) as a BSD-style message. Returns a
 * message with protocol 'rfc3164' when a timestamp was found, else 'unknown' (fields may still have been found).
 * The timestamp is resolved when read (parsed-message.ts).
 */
export function parseRfc3164(s: string, pos: number, end: number, pri: number, hadPri: boolean, opts: ParseOptions): ParsedMessage {
  const f = fields;
  f.reset(s, end);
  let i = skipSpaces(s, pos, end);
  const seq = sequenceNumberEnd(s, i, end);
  if (seq >= 0) i = skipSpaces(s, seq, end);
  let kind = timestampAt(s, i, end, opts);
  let stampAt = i;
  if (kind === 'none') {
    // Cisco origin (logging origin-id): "[123: ]router1: *Mar  1 18:46:11: %SYS-5-CONFIG_I: ..."
    const stop = tokenEnd(s, i, end);
    if (stop - 1 > i && s.charCodeAt(stop - 1) === COLON && isHostname(s, i, stop - 1)) {
      stampAt = skipSpaces(s, stop, end);
      if (scanBsdTimestamp(s, stampAt, end, opts, stamp, false)) {
        kind = 'bsd';
        f.hostname = s.slice(i, stop - 1);
      }
    }
  }
  let protocol: SyslogFormat = 'unknown';
  if (kind !== 'none') {
    protocol = 'rfc3164';
    afterTimestamp(f, stamp.end, opts);
  } else if (seq >= 0) {
    ciscoTail(f, i, opts); // "<189>16261: %SYS-5-CONFIG_I: ..." (no service timestamps)
  } else {
    withoutTimestamp(f, i, hadPri, opts);
  }
  const message = new ParsedMessage(protocol, pri, facilityOf(pri), severityOf(pri), f.hostname, f.appname, f.procid, null, f.message, s);
  if (kind !== 'none') message.setStamp(kind, stampAt, end, opts.timezone, opts.now);
  if (f.sdAt >= 0) message.setStructuredData(f.sdAt, end, true);
  f.reset('', 0); // keep no reference to the text
  return message;
}
