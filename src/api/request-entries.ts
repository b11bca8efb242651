/**
 * A request body → the syslog lines it carries, decided for the whole body before anything is fed anywhere.
 * Structural faults refuse the request (nothing is used): a line of bad JSON or invalid UTF-8 in NDJSON (400,
 * with its line number), more lines than allowed (413). Faults of one entry reject that entry only: a line over
 * the length limit, an NDJSON object the entry schema refuses. Blank lines (empty, or only spaces, tabs and a CR)
 * are not entries and are skipped. A text line is used as it is, bytes and all, exactly as a listener frames it:
 * the parser never refuses a line (one without a syslog header is kept whole as the message).
 */
import { parseNdjsonEntry } from './ndjson-entry.js';

export type BodyFormat = 'text' | 'ndjson';

export interface EntryLimits {
  readonly maxLines: number;
  readonly maxLineBytes: number;
}

/** A syslog line to feed, with its 1-based line number in the body. */
export interface Entry {
  readonly line: number;
  readonly bytes: Buffer;
}

export interface Rejection {
  readonly line: number;
  readonly reason: string;
}

export type EntriesResult =
  | { readonly ok: true; readonly entries: readonly Entry[]; readonly rejected: readonly Rejection[] }
  | { readonly ok: false; readonly status: 400 | 413; readonly message: string };

const LF = 0x0a;
const CR = 0x0d;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseEntries(body: Buffer, format: BodyFormat, limits: EntryLimits): EntriesResult {
  const entries: Entry[] = [];
  const rejected: Rejection[] = [];
  let lineNo = 0;
  let used = 0;
  for (let start = 0; start < body.length; ) {
    const lf = body.indexOf(LF, start);
    const stop = lf < 0 ? body.length : lf;
    lineNo++;
    const piece = body.subarray(start, stop > start && body[stop - 1] === CR ? stop - 1 : stop);
    start = stop + 1;
    if (isBlank(piece)) continue;
    if (++used > limits.maxLines) {
      return { ok: false, status: 413, message: `too many lines: more than ${limits.maxLines} (http.api.maxLines); nothing was used` };
    }
    if (piece.length > limits.maxLineBytes) {
      rejected.push({ line: lineNo, reason: `line longer than ${limits.maxLineBytes} bytes (http.api.maxLineBytes)` });
      continue;
    }
    if (format === 'text') {
      entries.push({ line: lineNo, bytes: piece });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(utf8.decode(piece));
    } catch (err) {
      const why = err instanceof SyntaxError ? `not valid JSON (${err.message})` : 'not valid UTF-8';
      return { ok: false, status: 400, message: `line ${lineNo}: ${why}; nothing was used` };
    }
    const entry = parseNdjsonEntry(value);
    if (entry.ok) entries.push({ line: lineNo, bytes: entry.line });
    else rejected.push({ line: lineNo, reason: entry.reason });
  }
  return { ok: true, entries, rejected };
}

function isBlank(piece: Buffer): boolean {
  for (const c of piece) if (c !== 0x20 && c !== 0x09 && c !== CR) return false;
  return true;
}
