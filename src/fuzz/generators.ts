/**
 * The bad-input families of the fuzz run: each turns a seeded Random into one message body (a Buffer, without
 * transport framing). The same seed gives the same bytes on every machine. Over UDP a body is one datagram; over
 * TCP stream-plan.ts frames it (LF, CRLF, NUL or an octet count, honest or not).
 */
import type { Random } from '../simulate/prng.js';

export const PAYLOAD_FAMILIES = [
  'syslog', // well-formed RFC 5424 / RFC 3164 lines (some of them trip the rules)
  'random_bytes', // 1-512 bytes of anything, LF and NUL included
  'invalid_utf8', // a syslog line carrying byte sequences that are not UTF-8
  'nul_bytes', // a syslog line with NUL bytes inside it
  'long_line', // a line longer than the transport's maximum (64 KiB+ over TCP)
  'deep_sd', // RFC 5424 with thousands of SD elements or parameters, or nested brackets
  'unterminated_sd', // RFC 5424 structured data that never closes its quote or bracket
  'regex_hostile', // long runs that make a backtracking pattern work hard (up to 6,000 characters)
  'empty', // nothing, or only line terminators
  'bad_header', // impossible PRI, version, timestamp or field layout
] as const;
export type PayloadFamily = (typeof PAYLOAD_FAMILIES)[number];

/** How often each family is drawn (relative weights). Hostile and long lines are rare: they are the costly ones. */
export const FAMILY_WEIGHTS: readonly (readonly [number, PayloadFamily])[] = [
  [30, 'syslog'],
  [20, 'random_bytes'],
  [10, 'invalid_utf8'],
  [8, 'nul_bytes'],
  [0.2, 'long_line'],
  [5, 'deep_sd'],
  [5, 'unterminated_sd'],
  [0.4, 'regex_hostile'],
  [3, 'empty'],
  [10, 'bad_header'],
];

export interface PayloadLimits {
  /** long_line bodies are at least this long... */
  readonly longMinBytes: number;
  /** ...and at most this long. */
  readonly longMaxBytes: number;
  /** No body is longer than this (cut to it): the largest datagram for UDP. */
  readonly maxBytes: number;
}

/** TCP: long lines are longer than the default maxFrameBytes (64 KiB), up to three times that. */
export const TCP_LIMITS: PayloadLimits = { longMinBytes: 64 * 1024 + 1, longMaxBytes: 192 * 1024, maxBytes: Number.POSITIVE_INFINITY };
/** The largest UDP payload over IPv4 (65,535 minus the IP and UDP headers). */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;

/** UDP: long datagrams are longer than the listener's maxMessageBytes, up to the largest datagram. */
export function udpLimits(maxMessageBytes: number): PayloadLimits {
  return { longMinBytes: maxMessageBytes + 1, longMaxBytes: MAX_UDP_PAYLOAD_BYTES, maxBytes: MAX_UDP_PAYLOAD_BYTES };
}

const PROGRAMS = ['sshd', 'kernel', 'nginx', 'CRON', 'su', 'systemd', 'dnsmasq', 'fuzzd'] as const;
const TEXTS = [
  'Invalid user admin from 203.0.113.7 port 52144',
  'Failed password for root from 198.51.100.23 port 40022 ssh2',
  'app[4242]: segfault at 0 ip 00007f sp 00007ffd error 4 in libc.so.6',
  'Out of memory: Killed process 1234 (java)',
  'GET /index.html HTTP/1.1 200 512',
  'pam_unix(cron:session): session opened for user root',
  'link eth0 down',
  '%SYS-5-CONFIG_I: Configured from console by admin',
] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Byte sequences no UTF-8 decoder accepts. */
export const INVALID_UTF8_SEQUENCES: readonly (readonly number[])[] = [
  [0xc0, 0x80], // overlong NUL
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate
  [0xf8, 0x88, 0x80, 0x80, 0x80], // a 5-byte form
  [0xff],
  [0xfe],
  [0x80], // a lone continuation byte
  [0xe2, 0x82], // a 3-byte form cut short (followed by ASCII)
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
];

/** The units regex_hostile lines repeat. */
export const HOSTILE_RUNS = ['a', '1.', 'foo', ' ', 'user ', ' from ', '=', 'aab', '\t', '['] as const;

export function generatePayload(rng: Random, family: PayloadFamily, limits: PayloadLimits): Buffer {
  const body = familyBody(rng, family, limits);
  return body.length > limits.maxBytes ? body.subarray(0, limits.maxBytes) : body;
}

function familyBody(rng: Random, family: PayloadFamily, limits: PayloadLimits): Buffer {
  switch (family) {
    case 'syslog':
      return Buffer.from(syslogLine(rng, rng.pick(TEXTS)));
    case 'random_bytes':
      return randomBytes(rng, rng.int(1, 512));
    case 'invalid_utf8':
      return invalidUtf8(rng);
    case 'nul_bytes':
      return nulBytes(rng);
    case 'long_line':
      return longLine(rng, limits);
    case 'deep_sd':
      return Buffer.from(deepStructuredData(rng));
    case 'unterminated_sd':
      return Buffer.from(unterminatedStructuredData(rng));
    case 'regex_hostile':
      return Buffer.from(regexHostile(rng));
    case 'empty':
      return Buffer.from(rng.pick(['', '\n', '\r\n', '\0', '\r', '\n\n']));
    case 'bad_header':
      return Buffer.from(badHeader(rng));
  }
}

export function pickFamily(rng: Random): PayloadFamily {
  return rng.weighted(FAMILY_WEIGHTS);
}

/**
 * Host names come from a fixed pool, so the state keyed by host (rule windows, incidents) fills up early in a run
 * and then stays level: growth late in a run is then a leak, not new hosts.
 */
export const HOST_POOL_SIZE = 500;

function host(rng: Random): string {
  return `fz-${rng.int(0, HOST_POOL_SIZE - 1)}`;
}

/** An over-long field, in one of a few lengths (each length is another host or program name). */
function overLong(rng: Random, ch: string, lengths: readonly number[]): string {
  return ch.repeat(rng.pick(lengths));
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** A valid RFC 5424 (with or without structured data) or RFC 3164 line around `text`. */
export function syslogLine(rng: Random, text: string, sd = '-'): string {
  const pri = `<${rng.int(0, 191)}>`;
  const app = rng.pick(PROGRAMS);
  const pid = rng.int(1, 65535);
  if (rng.chance(0.5) || sd !== '-') {
    const ts = `2025-${two(rng.int(1, 12))}-${two(rng.int(1, 28))}T${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}.${rng.int(0, 999)}Z`;
    return `${pri}1 ${ts} ${host(rng)} ${app} ${pid} - ${sd} ${text}`;
  }
  const ts = `${rng.pick(MONTHS)} ${String(rng.int(1, 28)).padStart(2, ' ')} ${two(rng.int(0, 23))}:${two(rng.int(0, 59))}:${two(rng.int(0, 59))}`;
  return `${pri}${ts} ${host(rng)} ${app}[${pid}]: ${text}`;
}

export function randomBytes(rng: Random, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = rng.int(0, 255);
  return out;
}

function invalidUtf8(rng: Random): Buffer {
  const parts: Buffer[] = [Buffer.from(syslogLine(rng, 'user '))];
  if (rng.chance(0.3)) parts.push(Buffer.from([0xef, 0xbb, 0xbf])); // an RFC 5424 BOM, then bytes that are not UTF-8 after all
  const n = rng.int(1, 6);
  for (let i = 0; i < n; i++) {
    parts.push(Buffer.from(rng.pick(INVALID_UTF8_SEQUENCES)));
    parts.push(Buffer.from(rng.pick(['x', ' login failure', 'é', '😀', ''])));
  }
  // Always at least one ASCII byte after a cut-short sequence, so it is invalid and not merely unfinished.
  parts.push(Buffer.from(' end'));
  return Buffer.concat(parts);
}

function nulBytes(rng: Random): Buffer {
  const line = Buffer.from(syslogLine(rng, rng.pick(TEXTS)));
  const n = rng.int(1, 4);
  const out: number[] = [...line];
  for (let i = 0; i < n; i++) out.splice(rng.int(1, out.length - 1), 0, 0);
  return Buffer.from(out);
}

function longLine(rng: Random, limits: PayloadLimits): Buffer {
  const length = rng.int(limits.longMinBytes, limits.longMaxBytes);
  const head = Buffer.from(syslogLine(rng, 'long: '));
  const out = Buffer.alloc(length, rng.pick(['x', 'a', ' ', 'segfault ', '1.']));
  head.copy(out, 0, 0, Math.min(head.length, length));
  return out;
}

function deepStructuredData(rng: Random): string {
  const kind = rng.int(0, 2);
  const count = rng.int(100, 2000);
  const parts: string[] = [];
  if (kind === 0) {
    for (let i = 0; i < count; i++) parts.push(`[id${i % 300}@${rng.int(1, 99999)} k${i}="v\\"${i}\\]\\\\"]`);
  } else if (kind === 1) {
    parts.push('[many@1');
    for (let i = 0; i < count; i++) parts.push(` p${i}="${'x'.repeat(rng.int(0, 8))}"`);
    parts.push(']');
  } else {
    parts.push('['.repeat(count), 'x a="b"', ']'.repeat(count));
  }
  return syslogLine(rng, 'deep structured data', parts.join(''));
}

function unterminatedStructuredData(rng: Random): string {
  const sd = rng.pick([
    '[exampleSDID@32473 iut="3" eventSource="Application',
    '[x a="\\"',
    '[',
    '[x',
    '[x a=',
    `[x a="${'\\'.repeat(rng.int(1, 500))}`,
    '['.repeat(rng.int(100, 5000)),
    `[x ${'a="b" '.repeat(rng.int(10, 1000))}`,
  ]);
  // No message after it: the structured data runs to the end of the line.
  return syslogLine(rng, '', sd).trimEnd();
}

/** A syslog line whose message is a long run built to make a backtracking pattern try many splits. */
function regexHostile(rng: Random): string {
  // 256 to about 6,000 characters, most of them short: the costly ones (quadratic) are few.
  const length = Math.floor(2 ** (8 + rng.next() * 4.55));
  const unit = rng.pick(HOSTILE_RUNS);
  const run = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const text = rng.pick([
    run, // nothing after the run: a pattern that needs a final character fails at every split
    `Invalid user ${run} from${run}`,
    `${run}!`,
    `segfault${run}`,
    `user ${run}from 1.2.3 port x`,
  ]);
  return syslogLine(rng, text);
}

function badHeader(rng: Random): string {
  const text = rng.pick(TEXTS);
  return rng.pick([
    `<${rng.int(192, 99999)}>1 2025-01-01T00:00:00Z h a - - - ${text}`,
    `<-1>${text}`,
    `<${'9'.repeat(rng.int(3, 40))}>${text}`,
    `<13`,
    `<>`,
    `<13>`,
    `<13>1`,
    `<13>1 `,
    `<13>1 - - - - -`,
    `<13>${rng.int(2, 999999)} 2025-01-01T00:00:00Z h a - - - ${text}`,
    `<13>1 2025-13-45T25:61:61.9999999999Z h a - - - ${text}`,
    `<13>1 99999-01-01T00:00:00+99:99 h a - - - ${text}`,
    `<13>1 2016-12-31T23:59:60Z h a - - - leap second`,
    `<13>${rng.pick(MONTHS)} 31 25:00:00 h a: ${text}`,
    `<13>Feb 30 00:00:00 ${overLong(rng, 'h', [256, 1024, 2048])} ${text}`,
    `<13>1 2025-01-01T00:00:00Z ${overLong(rng, 'h', [256, 1024, 2048])} ${overLong(rng, 'a', [49, 500])} ${'p'.repeat(129)} ${'m'.repeat(33)} - ${text}`,
    `<13>Jan  1 00:00:00 h ${overLong(rng, 't', [49, 400])}[${'1'.repeat(rng.int(11, 100))}]: ${text}`,
    `${' '.repeat(rng.int(1, 100))}<13>1 - - - - - - leading spaces`,
    `<13>1 2025-01-01T00:00:00Z h a - - [x a="1"]${text}`,
  ]);
}
