/**
 * RFC 5424 STRUCTURED-DATA: one or more SD-ELEMENTs `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`, values with the
 * escapes \" \\ \] resolved (any other backslash is kept, RFC 5424 §6.3.3).
 *
 * Two modes:
 * - lenient (the SD field of an RFC 5424 message): spaces around '=' and after '[' are skipped, an unquoted value
 *   runs to SP or ']' (VMware), an element that is malformed anyway ("[x a=]", "[x a]", "[]") is dropped up to its
 *   closing ']' and parsing goes on, an unterminated value runs to the end of the text.
 * - strict (structured data that rsyslog and others put at the start of an RFC 3164 message): the RFC grammar with
 *   at least one parameter per element, followed by SP or the end; anything else means "not structured data".
 */
import { BACKSLASH, DQUOTE, EQUALS, LBRACKET, RBRACKET, SP } from './char-classes.js';
import type { StructuredData } from './types.js';

export interface StructuredDataMatch {
  /** {SD-ID: {PARAM-NAME: value}} (a name "__proto__" is an own key like any other). */
  readonly data: StructuredData;
  /** Index just past the last SD-ELEMENT. */
  readonly end: number;
}

type MutableSd = Record<string, Record<string, string>>;

/** obj[key] = value, also for key "__proto__" (which plain assignment would take for the prototype). */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

function isNameChar(c: number): boolean {
  return c > SP && c !== EQUALS && c !== RBRACKET && c !== DQUOTE && c !== 0x7f;
}

/** Index just past the next unescaped ']' at or after `pos` (the end of a malformed element), or `end`. */
function skipElement(s: string, pos: number, end: number): number {
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === RBRACKET) return i + 1;
  }
  return end;
}

// Second and third results of quotedValue (module scratch instead of a tuple per value: this runs per SD-PARAM).
let valueEnd = 0;
let valueClosed = false;

/**
 * The value of a quoted PARAM-VALUE whose opening quote is at `pos - 1`, escapes resolved. Sets valueEnd (index
 * after the closing quote, or `end`) and valueClosed (false when the text ends inside the value).
 */
function quotedValue(s: string, pos: number, end: number): string {
  let out: string | null = null;
  let runStart = pos;
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      valueEnd = i + 1;
      valueClosed = true;
      return out === null ? s.slice(runStart, i) : out + s.slice(runStart, i);
    }
    if (c === BACKSLASH && i + 1 < end) {
      const n = s.charCodeAt(i + 1);
      if (n === DQUOTE || n === BACKSLASH || n === RBRACKET) {
        out = (out ?? '') + s.slice(runStart, i);
        runStart = ++i; // keep the escaped character, drop the backslash
      }
    }
  }
  valueEnd = end;
  valueClosed = false;
  return out === null ? s.slice(runStart, end) : out + s.slice(runStart, end);
}

/** quotedValue without the value: sets valueEnd and valueClosed only (the escapes are skipped alike). */
function skipQuoted(s: string, pos: number, end: number): void {
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      valueEnd = i + 1;
      valueClosed = true;
      return;
    }
    if (c === BACKSLASH && i + 1 < end) {
      const n = s.charCodeAt(i + 1);
      if (n === DQUOTE || n === BACKSLASH || n === RBRACKET) i++;
    }
  }
  valueEnd = end;
  valueClosed = false;
}

/** Adds an element; a repeated SD-ID (not allowed by the RFC) merges into the first one. */
function addElement(data: MutableSd, id: string, params: Record<string, string>): void {
  const existing = Object.prototype.hasOwnProperty.call(data, id) ? data[id] : undefined;
  if (existing === undefined) setOwn(data, id, params);
  else for (const k of Object.keys(params)) setOwn(existing, k, params[k] as string);
}

/**
 * Structured data starting at `pos` (which holds '['), or null when, in strict mode, the text is not exactly
 * structured data. In lenient mode the result may be an empty object (every element malformed).
 */
export function parseStructuredData(s: string, pos: number, end: number, strict: boolean): StructuredDataMatch | null {
  const data: MutableSd = {};
  const stop = scan(s, pos, end, strict, data);
  return stop < 0 ? null : { data, end: stop };
}

/**
 * Where parseStructuredData's match would end (-1 where it would return null), without building anything: what a
 * grammar needs to find MSG. The same scan, so the same answer.
 */
export function structuredDataEnd(s: string, pos: number, end: number, strict: boolean): number {
  return scan(s, pos, end, strict, null);
}

/** The scan behind both: builds into `data` unless it is null; returns the end index, or -1 for "not structured data". */
function scan(s: string, pos: number, end: number, strict: boolean, data: MutableSd | null): number {
  let i = pos;
  while (i < end && s.charCodeAt(i) === LBRACKET) {
    i++;
    if (!strict) while (i < end && s.charCodeAt(i) === SP) i++;
    const idStart = i;
    while (i < end && isNameChar(s.charCodeAt(i)) && s.charCodeAt(i) !== LBRACKET) i++;
    if (i === idStart) {
      if (strict) return -1;
      i = skipElement(s, i, end);
      continue;
    }
    const idEnd = i;
    const params: Record<string, string> | null = data === null ? null : {};
    let count = 0;
    let ok = false;
    let truncated = false;
    for (;;) {
      const beforeSpace = i;
      while (i < end && s.charCodeAt(i) === SP) i++;
      if (i >= end) break;
      if (s.charCodeAt(i) === RBRACKET) {
        i++;
        ok = true;
        break;
      }
      if (i === beforeSpace) break; // params are separated by SP
      const nameStart = i;
      while (i < end && isNameChar(s.charCodeAt(i))) i++;
      const nameEnd = i;
      if (!strict) while (i < end && s.charCodeAt(i) === SP) i++;
      if (nameEnd === nameStart || i >= end || s.charCodeAt(i) !== EQUALS) break;
      i++;
      if (!strict) while (i < end && s.charCodeAt(i) === SP) i++;
      let value = '';
      if (i < end && s.charCodeAt(i) === DQUOTE) {
        if (params === null) skipQuoted(s, i + 1, end);
        else value = quotedValue(s, i + 1, end);
        i = valueEnd;
        if (!valueClosed) {
          if (strict) return -1;
          if (params !== null) setOwn(params, s.slice(nameStart, nameEnd), value);
          count++;
          truncated = true;
          break;
        }
      } else {
        if (strict) return -1;
        const valueStart = i;
        while (i < end && s.charCodeAt(i) !== SP && s.charCodeAt(i) !== RBRACKET) i++;
        if (i === valueStart) break;
        if (params !== null) value = s.slice(valueStart, i);
      }
      if (params !== null) setOwn(params, s.slice(nameStart, nameEnd), value);
      count++;
    }
    if (truncated) {
      if (data !== null && params !== null) addElement(data, s.slice(idStart, idEnd), params);
      i = end;
      break;
    }
    if (!ok || (strict && count === 0)) {
      if (strict) return -1;
      i = skipElement(s, i, end);
      continue;
    }
    if (data !== null && params !== null) addElement(data, s.slice(idStart, idEnd), params);
  }
  if (strict && i < end && s.charCodeAt(i) !== SP) return -1;
  return i;
}
