/**
 * A rule's compiled `match:` as a fast pre-filter: set lookups (appname, severity, facility) and host globs run
 * before any regex, nothing is allocated for a message they reject (one the patterns reject costs at most the
 * trimmed text, see matchText), and a regex runs on at most MAX_MATCH_CHARS characters of the message.
 */
import type { CompiledMatch } from '../config/rules-schema.js';
import type { ReceivedMessage } from '../pipeline/types.js';
import { globMatch } from './glob.js';

/** Patterns run on at most this many characters of a message (bounds the cost of any pattern on huge lines). */
export const MAX_MATCH_CHARS = 4096;

/** Named captures of the pattern that matched (a missing capture reads as absent). */
export type Captures = Readonly<Record<string, string | undefined>>;

/** What a match without named captures returns. */
export const NO_CAPTURES: Captures = Object.freeze(Object.create(null) as Record<string, string | undefined>);

/**
 * The text patterns run on: the message without leading spaces and tabs, cut to MAX_MATCH_CHARS (allocates
 * only when there is something to cut off). The parser keeps MSG's leading spaces as content (RFC 5424), but
 * rsyslog's RFC 5424 templates send the space after "sshd[42]:" too, and a pattern anchored with ^ must still
 * see the text.
 */
export function matchText(message: ReceivedMessage): string {
  const text = message.syslog.message;
  let start = 0;
  while (start < text.length && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  if (start === 0) return text.length > MAX_MATCH_CHARS ? text.slice(0, MAX_MATCH_CHARS) : text;
  return text.slice(start, start + MAX_MATCH_CHARS);
}

export class Matcher {
  readonly #appnames: ReadonlySet<string> | null;
  readonly #severities: ReadonlySet<string> | null;
  readonly #facilities: ReadonlySet<string> | null;
  readonly #hostnames: readonly string[] | null;
  readonly #message: readonly RegExp[];
  readonly #exclude: readonly RegExp[];

  constructor(match: CompiledMatch) {
    this.#appnames = match.appnames === null ? null : new Set(match.appnames);
    this.#severities = match.severities === null ? null : new Set(match.severities);
    this.#facilities = match.facilities === null ? null : new Set(match.facilities);
    this.#hostnames = match.hostnames;
    this.#message = match.message;
    this.#exclude = match.exclude;
  }

  /** The captures of the first message pattern that matches (NO_CAPTURES without patterns), or null: no match. */
  /** `text` is matchText(m) (passed in when the caller already has it). */
  match(m: ReceivedMessage, text?: string): Captures | null {
    const s = m.syslog;
    if (this.#appnames !== null && (s.appname === null || !this.#appnames.has(s.appname))) return null;
    if (this.#severities !== null && (s.severity === null || !this.#severities.has(s.severity))) return null;
    if (this.#facilities !== null && (s.facility === null || !this.#facilities.has(s.facility))) return null;
    if (this.#hostnames !== null && !this.#hostMatches(m.host)) return null;
    if (this.#message.length === 0 && this.#exclude.length === 0) return NO_CAPTURES;
    text ??= matchText(m);
    let captures = NO_CAPTURES;
    if (this.#message.length > 0) {
      let hit: RegExpExecArray | null = null;
      for (let i = 0; i < this.#message.length && hit === null; i++) hit = this.#message[i]!.exec(text);
      if (hit === null) return null;
      captures = hit.groups ?? NO_CAPTURES;
    }
    for (let i = 0; i < this.#exclude.length; i++) if (this.#exclude[i]!.test(text)) return null;
    return captures;
  }

  #hostMatches(host: string): boolean {
    const globs = this.#hostnames!;
    for (let i = 0; i < globs.length; i++) if (globMatch(globs[i]!, host)) return true;
    return false;
  }
}
