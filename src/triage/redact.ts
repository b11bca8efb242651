/**
 * Replaces IP addresses and user names with placeholders before text leaves the box for an LLM endpoint.
 * One Redactor serves one request, so a value gets the same placeholder everywhere in it (`<ip-1>` is the
 * same address in the key, the distinct values and every sample line), and `restore()` can put the real
 * values back into the model's answer, which is only shown here.
 *
 * IPs: every run of hex digits, dots and colons that Node's isIP() accepts (IPv4, IPv6, IPv4-mapped IPv6),
 * also with a trailing `.`/`:` or an IPv4 `:port`. Users: the values of user-like fields (user, username,
 * login, account, ...) wherever they appear as a word, and the common log phrasings (`user foo`,
 * `invalid user foo`, `authenticating user foo`, `user=foo`, `ruser=foo`, `for foo from`, `by foo(uid=`, sudo's `sudo: foo : TTY=`).
 * This is best effort over free text: a user name in a phrasing not listed here is sent as it is.
 */
import { isIP } from 'node:net';

export interface RedactOptions {
  readonly ips: boolean;
  readonly users: boolean;
}

type Kind = 'ip' | 'user';

/** A field whose whole value is a user name (rule captures, group-key fields). */
const USER_FIELD = /user|login|logname|account|acct/i;

/** Runs of the characters an IP address is written with (maximal: the match starts where the run starts). */
const IP_RUN = /[0-9A-Fa-f:.]{2,}/g;
/** Longer runs (hex dumps) are left alone: the longest address with a port is about 50 characters. */
const MAX_IP_RUN_CHARS = 100;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})(:\d{1,5})$/;

/** Characters a captured user name stops at (so placeholders, quotes and brackets are never taken for one). */
const NAME = `[^\\s()'",;=<>\\[\\]]+`;
/** Each pattern is (prefix)(user name), optionally followed by a lookahead. */
const USER_PATTERNS: readonly RegExp[] = [
  // "Invalid user foo", "for invalid user foo", "authenticating user foo", "session opened for user foo(uid=...)"
  new RegExp(`(\\b(?:(?:invalid|illegal|authenticating)\\s+)?user\\s+)(?!(?:from|for|unknown|name)\\b)(${NAME})`, 'gi'),
  // user=foo, ruser=foo, USER=root, acct="foo bar", login: foo
  new RegExp(`(\\b(?:r?user|user_?name|logname|login|account|acct)(?:=|:[ \\t]*))("[^"]*"|'[^']*'|${NAME})`, 'gi'),
  // "Failed password for root from", "Accepted publickey for alice from" (not a number: "for 5 from")
  new RegExp(`(\\bfor\\s+)(?!(?:invalid|illegal|user)\\b)(?!\\d+\\s)(${NAME})(?=\\s+from\\b)`, 'gi'),
  // "session opened for user root by alice(uid=1000)"
  new RegExp(`(\\bby\\s+)(${NAME})(?=\\(uid=)`, 'gi'),
  // sudo: "sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=..."
  new RegExp(`(\\bsudo(?:\\[\\d+\\])?:\\s+)(${NAME})(?=\\s+:\\s)`, 'gi'),
];

const PLACEHOLDER = /<(ip|user)-\d+>/g;

export class Redactor {
  readonly #placeholders = new Map<string, string>();
  readonly #originals = new Map<string, string>();
  readonly #counts: Record<Kind, number> = { ip: 0, user: 0 };
  readonly #knownUsers = new Set<string>();
  #knownUsersPattern: RegExp | null = null;

  constructor(readonly options: RedactOptions) {}

  /** Whether a field's whole value is a user name. */
  static isUserField(name: string): boolean {
    return USER_FIELD.test(name);
  }

  /** Values known to be user names (from user-like fields): replaced wherever they stand as a word. */
  addKnownUsers(values: Iterable<string>): void {
    if (!this.options.users) return;
    for (const v of values) if (v.trim() !== '') this.#knownUsers.add(v);
    this.#knownUsersPattern = null;
  }

  /** A field value: a user-like field's whole value is a user name; anything else is redacted as text. */
  field(name: string, value: string): string {
    if (this.options.users && Redactor.isUserField(name) && value !== '') return this.#placeholder('user', value);
    return this.text(value);
  }

  /** Free text (a log line). */
  text(text: string): string {
    let out = text;
    // Known names first: one may contain an address ("admin from 10.0.0.1" is a valid sshd user name).
    const known = this.options.users ? this.#knownUsersRegex() : null;
    if (known !== null) out = out.replace(known, (name) => this.#placeholder('user', name));
    if (this.options.ips) out = out.replace(IP_RUN, (run) => this.#ipRun(run));
    if (this.options.users) {
      for (const pattern of USER_PATTERNS) out = out.replace(pattern, (_all, prefix: string, name: string) => prefix + this.#placeholder('user', name));
    }
    return out;
  }

  /** Puts the real values back for the placeholders this redactor handed out (unknown ones stay as they are). */
  restore(text: string): string {
    return text.replace(PLACEHOLDER, (p) => this.#originals.get(p) ?? p);
  }

  /** How many distinct values were replaced, by kind. */
  get counts(): Readonly<Record<Kind, number>> {
    return this.#counts;
  }

  /** The first address in a run: the whole run, else what follows one of its colons ("ip:10.0.0.1", "Bad:1.2.3.4"). */
  #ipRun(run: string): string {
    if (run.length > MAX_IP_RUN_CHARS) return run;
    for (let start = 0; start < run.length - 1; ) {
      const hit = addressAt(run.slice(start));
      if (hit !== null) return run.slice(0, start) + this.#placeholder('ip', hit.address) + hit.rest;
      const colon = run.indexOf(':', start);
      if (colon === -1) break;
      start = colon + 1;
    }
    return run;
  }

  #knownUsersRegex(): RegExp | null {
    if (this.#knownUsers.size === 0) return null;
    if (this.#knownUsersPattern === null) {
      const alternatives = [...this.#knownUsers].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.#knownUsersPattern = new RegExp(`(?<![\\w@.-])(?:${alternatives.join('|')})(?![\\w@-])`, 'g');
    }
    this.#knownUsersPattern.lastIndex = 0;
    return this.#knownUsersPattern;
  }

  #placeholder(kind: Kind, value: string): string {
    const id = `${kind}\u0000${value}`;
    let p = this.#placeholders.get(id);
    if (p === undefined) {
      p = `<${kind}-${++this.#counts[kind]}>`;
      this.#placeholders.set(id, p);
      this.#originals.set(p, value);
    }
    return p;
  }
}

/** An address that is all of `text`, or all of it but a trailing `.`/`:` or two, or an IPv4 `:port`. */
function addressAt(text: string): { address: string; rest: string } | null {
  for (let end = text.length; end >= text.length - 2 && end > 1; end--) {
    if (end < text.length && !/^[.:]+$/.test(text.slice(end))) break;
    const candidate = text.slice(0, end);
    if (isIP(candidate) !== 0 && /[0-9A-Fa-f]/.test(candidate)) return { address: candidate, rest: text.slice(end) };
  }
  const withPort = IPV4_WITH_PORT.exec(text);
  return withPort !== null && isIP(withPort[1]!) === 4 ? { address: withPort[1]!, rest: withPort[2]! } : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
