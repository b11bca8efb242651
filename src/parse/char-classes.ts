/**
 * Character classes and small scanners over UTF-16 code units, shared by the syslog grammars. Everything here
 * works on (string, index) pairs with charCodeAt: no regular expressions and no allocation on the hot path.
 */

export const SP = 0x20;
export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const NUL = 0x00;
export const COLON = 0x3a;
export const LT = 0x3c;
export const GT = 0x3e;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const EQUALS = 0x3d;
export const DOT = 0x2e;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const PLUS = 0x2b;
export const STAR = 0x2a;
export const BOM = 0xfeff;

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAsciiAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** ASCII letter or digit, or any non-ASCII code unit (hostnames and tags in the wild use UTF-8 letters). */
export function isWordChar(c: number): boolean {
  return isDigit(c) || isAsciiAlpha(c) || c >= 0x80;
}

/** Blank for the purpose of trimming a received line: SP, TAB, CR, LF and NUL. */
export function isBlank(c: number): boolean {
  return c === SP || c === TAB || c === LF || c === CR || c === NUL;
}

/** Index of the first SP at or after `pos`, or `end`. */
export function tokenEnd(s: string, pos: number, end: number): number {
  const i = s.indexOf(' ', pos);
  return i < 0 || i > end ? end : i;
}

/** Index of the first non-SP at or after `pos` (at most `end`). */
export function skipSpaces(s: string, pos: number, end: number): number {
  while (pos < end && s.charCodeAt(pos) === SP) pos++;
  return pos;
}

/** Value of `n` decimal digits at `pos`, or -1 when any of them is not a digit (or the text is too short). */
export function readDigits(s: string, pos: number, n: number, end: number): number {
  if (pos + n > end) return -1;
  let v = 0;
  for (let i = pos; i < pos + n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/**
 * A hostname as RFC 3164 relays and real senders write it: letters, digits, '.', '-', '_' (and UTF-8 letters),
 * ending in a letter or digit; or an IPv6 literal. Slashes, '@', '%', '#', brackets and colons (outside IPv6)
 * are not hostname characters, so such a token is taken for a tag instead.
 */
export function isHostname(s: string, start: number, end: number): boolean {
  if (end <= start || end - start > 255) return false;
  let colons = 0;
  let hexOnly = true;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === COLON) {
      colons++;
      continue;
    }
    if (!isHexDigit(c) && c !== DOT) hexOnly = false;
    if (!(isWordChar(c) || c === DOT || c === MINUS || c === 0x5f)) return false;
  }
  if (colons > 0) {
    // IPv6 (also ::ffff:1.2.3.4): compressed ("::") or all eight groups, so that a time like "16:31:28" is no host
    const compressed = s.indexOf('::', start);
    return hexOnly && (colons === 7 || (compressed >= 0 && compressed < end - 1));
  }
  return isWordChar(s.charCodeAt(end - 1));
}

/** An IPv4 dotted quad or an IPv6 literal: the only tokens taken for a host at the start of a headerless line. */
export function isIpLiteral(s: string, start: number, end: number): boolean {
  if (end - start < 2 || end - start > 45) return false;
  const colon = s.indexOf(':', start);
  if (colon >= 0 && colon < end) return isHostname(s, start, end);
  let dots = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0) return false;
      dots++;
      digits = 0;
    } else if (isDigit(c)) {
      if (++digits > 3) return false;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/**
 * Ubiquiti UniFi devices put `MODEL,MAC,VERSION` where the hostname goes (e.g. "U7PG2,f09fc2XXXXXX,v4.3.20.11298"):
 * three comma-separated parts, a 12-character MAC (possibly masked with X) and a version starting with 'v'.
 */
export function isUbiquitiIdentity(s: string, start: number, end: number): boolean {
  const c1 = s.indexOf(',', start);
  if (c1 <= start || c1 >= end) return false;
  const c2 = s.indexOf(',', c1 + 1);
  if (c2 !== c1 + 13 || c2 >= end - 2) return false;
  for (let i = c1 + 1; i < c2; i++) if (!isWordChar(s.charCodeAt(i))) return false;
  if (s.charCodeAt(c2 + 1) !== 0x76 || !isDigit(s.charCodeAt(c2 + 2))) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!(isWordChar(c) || c === DOT || c === MINUS || c === 0x5f || c === COMMA)) return false;
  }
  return true;
}

/**
 * Characters a syslog TAG (program name) may hold: printable and not one that marks content rather than a name
 * (quotes, '=', braces, brackets, '<', '>', '|', backslash) nor a TAG delimiter (':' and '[').
 */
const TAG_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x21; c < 0x7f; c++) table[c] = 1;
  for (const c of ':[]="\'{}<>|\\') table[c.charCodeAt(0)] = 0;
  return table;
})();

export function isTagChar(c: number): boolean {
  return c >= 0x80 || TAG_CHARS[c] === 1;
}
