/**
 * Recognisers for what follows the timestamp (or stands alone) in BSD-style messages: the TAG in its forms
 * `prog[pid]:`, `prog[pid]`, `prog:` and a bare word, Cisco IOS sequence numbers ("123:", "000123:"), and MikroTik
 * RouterOS topic lists ("system,info,account").
 */
import { COLON, COMMA, LBRACKET, RBRACKET, SP, isAsciiAlpha, isDigit, isTagChar } from './char-classes.js';

/** Longest bare word (a TAG without ':' or '[pid]') still taken for a program name (RFC 5424 APP-NAME limit). */
export const MAX_WORD_TAG = 48;
/** Longest all-digit token taken for a Cisco sequence number rather than a TAG. */
export const MAX_SEQUENCE_DIGITS = 10;
const MAX_PID = 64;

export interface TagMatch {
  readonly appname: string;
  readonly procid: string | null;
  /** Index just past the tag (past the ':' when there is one). */
  readonly end: number;
  /** Index of the name's end (the '[' or the ':'). */
  readonly nameEnd: number;
}

/** Where scanTag puts a TAG's positions: one holder per caller, not an object per message. */
export interface TagScan {
  /** Index just past the tag (past the ':' when there is one). */
  end: number;
  /** Index of the name's end (the '[' or the ':'). */
  nameEnd: number;
  /** The PID is [pidStart, pidEnd); empty when there is none. */
  pidStart: number;
  pidEnd: number;
}

/**
 * A TAG with a delimiter at `pos`: `prog[pid]:` (any text may follow the colon), `prog[pid]` or `prog:` followed by
 * SP or the end of the text. Null otherwise, and for an all-digit `prog:` of up to MAX_SEQUENCE_DIGITS digits
 * (a Cisco sequence number).
 */
export function matchTag(s: string, pos: number, end: number): TagMatch | null {
  const t: TagScan = { end: 0, nameEnd: 0, pidStart: 0, pidEnd: 0 };
  if (!scanTag(s, pos, end, t)) return null;
  return { appname: s.slice(pos, t.nameEnd), procid: t.pidEnd > t.pidStart ? s.slice(t.pidStart, t.pidEnd) : null, end: t.end, nameEnd: t.nameEnd };
}

/** matchTag without the strings: the positions go into `out` (left as they were when there is no TAG). */
export function scanTag(s: string, pos: number, end: number, out: TagScan): boolean {
  let i = pos;
  let digitsOnly = true;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (!isTagChar(c)) break;
    if (!isDigit(c)) digitsOnly = false;
    i++;
  }
  if (i === pos || i >= end) return false;
  const c = s.charCodeAt(i);
  if (c === LBRACKET) {
    const pidStart = i + 1;
    let j = pidStart;
    while (j < end && j < pidStart + MAX_PID) {
      const p = s.charCodeAt(j);
      if (p === RBRACKET || p <= SP || p === LBRACKET) break;
      j++;
    }
    if (j >= end || s.charCodeAt(j) !== RBRACKET) return false;
    const after = j + 1;
    if (after < end && s.charCodeAt(after) === COLON) return found(out, after + 1, i, pidStart, j);
    if (after >= end || s.charCodeAt(after) === SP) return found(out, after, i, pidStart, j);
    return false;
  }
  if (c === COLON && (i + 1 >= end || s.charCodeAt(i + 1) === SP)) {
    if (digitsOnly && i - pos <= MAX_SEQUENCE_DIGITS) return false;
    return found(out, i + 1, i, 0, 0);
  }
  return false;
}

function found(out: TagScan, end: number, nameEnd: number, pidStart: number, pidEnd: number): true {
  out.end = end;
  out.nameEnd = nameEnd;
  out.pidStart = pidStart;
  out.pidEnd = pidEnd;
  return true;
}

/**
 * End of a bare-word TAG at `pos` (tag characters up to SP or the end, at most MAX_WORD_TAG, not starting with a
 * digit), or -1. A word holding '=', quotes, ':' and the like is content ("date=2018-09-13", "CEF:0|..."), and so
 * is one starting with a digit ("1,2020/03/15" of a PAN-OS CSV record), not a program name.
 */
export function wordTagEnd(s: string, pos: number, end: number): number {
  if (pos >= end || isDigit(s.charCodeAt(pos))) return -1;
  let i = pos;
  while (i < end && isTagChar(s.charCodeAt(i))) i++;
  if (i === pos || i - pos > MAX_WORD_TAG) return -1;
  if (i < end && s.charCodeAt(i) !== SP) return -1;
  return i;
}

/** Index just past a Cisco IOS sequence number at `pos` ("123:" followed by SP or the end), or -1. */
export function sequenceNumberEnd(s: string, pos: number, end: number): number {
  let i = pos;
  while (i < end && i < pos + MAX_SEQUENCE_DIGITS && isDigit(s.charCodeAt(i))) i++;
  if (i === pos || i >= end || s.charCodeAt(i) !== COLON) return -1;
  if (i + 1 < end && s.charCodeAt(i + 1) !== SP) return -1;
  return i + 1;
}

const MIKROTIK_LEVELS = new Set(['info', 'warning', 'error', 'critical', 'debug']);

/**
 * A MikroTik RouterOS topic list at [start, stop): two or more comma-separated lower-case words, one of them a
 * RouterOS level (info, warning, error, critical, debug), e.g. "system,info,account" or "firewall,info".
 */
export function isMikrotikTopics(s: string, start: number, stop: number): boolean {
  if (stop - start < 5 || stop - start > 64) return false;
  let partStart = start;
  let parts = 0;
  let hasLevel = false;
  for (let i = start; i <= stop; i++) {
    const c = i < stop ? s.charCodeAt(i) : COMMA;
    if (c === COMMA) {
      if (i === partStart) return false;
      if (!hasLevel && i - partStart <= 8 && MIKROTIK_LEVELS.has(s.slice(partStart, i))) hasLevel = true;
      parts++;
      partStart = i + 1;
    } else if (!((isAsciiAlpha(c) && c >= 0x61) || isDigit(c) || c === 0x2d)) return false;
  }
  return parts >= 2 && hasLevel;
}
