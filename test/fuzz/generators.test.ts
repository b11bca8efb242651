import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_RUNS,
  MAX_UDP_PAYLOAD_BYTES,
  PAYLOAD_FAMILIES,
  TCP_LIMITS,
  generatePayload,
  pickFamily,
  udpLimits,
  type PayloadFamily,
} from '../../src/fuzz/generators.js';
import { parseSyslog } from '../../src/parse/syslog.js';
import { Random } from '../../src/simulate/prng.js';

const N = 200;

function samples(family: PayloadFamily, seed = 42, limits = TCP_LIMITS): Buffer[] {
  const rng = new Random(seed);
  return Array.from({ length: N }, () => generatePayload(rng, family, limits));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function validDate(y: number, mon: number, d: number, h: number, mi: number, s: number): boolean {
  const t = new Date(Date.UTC(y, mon - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mon - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
}

/**
 * A strict header check written for this test (independent of src/parse): PRI 0-191, then either RFC 5424
 * (version 1, a real date and time, field lengths within the RFC's limits, "-" or [..] structured data followed
 * by a space or the end) or RFC 3164 (a real month day and time, a host, a tag of at most 32 characters + ':').
 */
function strictHeader(line: string): boolean {
  const pri = /^<(\d{1,3})>/.exec(line);
  if (pri === null || Number(pri[1]) > 191 || (pri[1]!.length > 1 && pri[1]!.startsWith('0'))) return false;
  const rest = line.slice(pri[0].length);
  const v1 = /^1 (\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) (-|\[[^\]]*\](?:\[[^\]]*\])*)(?: |$)/.exec(rest);
  if (v1 !== null) return validDate(+v1[1]!, +v1[2]!, +v1[3]!, +v1[4]!, +v1[5]!, +v1[6]!);
  const bsd = /^([A-Z][a-z]{2}) ([ 1-3]\d) (\d\d):(\d\d):(\d\d) (\S{1,255}) [A-Za-z0-9_.-]{1,32}(?:\[\d{1,10}\])?: /.exec(rest);
  if (bsd === null) return false;
  const mon = MONTHS.indexOf(bsd[1]!) + 1;
  return mon > 0 && validDate(2024, mon, Number(bsd[2]!.trim()), +bsd[3]!, +bsd[4]!, +bsd[5]!);
}

describe('fuzz generators', () => {
  it.each(PAYLOAD_FAMILIES)('%s: the same seed gives the same bytes, another seed others', (family) => {
    const digest = (bodies: Buffer[]): string[] => bodies.map((x) => createHash('sha1').update(x).digest('hex'));
    const a = digest(samples(family, 7));
    expect(digest(samples(family, 7))).toEqual(a);
    expect(digest(samples(family, 8))).not.toEqual(a);
  });

  it('draws every family, the rare ones rarely', () => {
    const rng = new Random(1);
    const seen = new Map<PayloadFamily, number>();
    for (let i = 0; i < 20_000; i++) {
      const f = pickFamily(rng);
      seen.set(f, (seen.get(f) ?? 0) + 1);
    }
    for (const f of PAYLOAD_FAMILIES) expect(seen.get(f) ?? 0).toBeGreaterThan(0);
    expect(seen.get('long_line')!).toBeLessThan(seen.get('syslog')! / 50);
  });

  it('syslog: well-formed lines that the strict check and the parser accept', () => {
    for (const b of samples('syslog')) {
      const line = b.toString('utf8');
      expect(strictHeader(line), line).toBe(true);
      expect(parseSyslog(b, { timezone: 'UTC', now: Date.parse('2025-06-15T12:00:00Z') }).protocol).not.toBe('unknown');
    }
  });

  it('bad_header: no line passes the strict header check', () => {
    for (const b of samples('bad_header')) expect(strictHeader(b.toString('utf8')), b.toString('utf8').slice(0, 120)).toBe(false);
  });

  it('random_bytes: 1 to 512 bytes, all byte values over many draws', () => {
    const all = samples('random_bytes');
    const values = new Set<number>();
    for (const b of all) {
      expect(b.length).toBeGreaterThanOrEqual(1);
      expect(b.length).toBeLessThanOrEqual(512);
      for (const x of b) values.add(x);
    }
    expect(values.size).toBe(256);
  });

  it('invalid_utf8: never decodes as UTF-8', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const b of samples('invalid_utf8')) expect(() => decoder.decode(b)).toThrow();
  });

  it('nul_bytes: a NUL inside the line, not only at an end', () => {
    for (const b of samples('nul_bytes')) {
      const at = b.indexOf(0);
      expect(at).toBeGreaterThan(0);
      expect(at).toBeLessThan(b.length - 1);
    }
  });

  it('long_line: over 64 KiB for TCP; for UDP over maxMessageBytes and at most the largest datagram', () => {
    for (const b of samples('long_line')) expect(b.length).toBeGreaterThan(64 * 1024);
    for (const b of samples('long_line', 3, udpLimits(16 * 1024))) {
      expect(b.length).toBeGreaterThan(16 * 1024);
      expect(b.length).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
    }
  });

  it('no UDP body is longer than a datagram can be', () => {
    const rng = new Random(9);
    for (let i = 0; i < 2000; i++) expect(generatePayload(rng, pickFamily(rng), udpLimits(16 * 1024)).length).toBeLessThanOrEqual(MAX_UDP_PAYLOAD_BYTES);
  });

  it('deep_sd: an RFC 5424 line with at least 100 SD elements, parameters or nested brackets', () => {
    for (const b of samples('deep_sd')) {
      const line = b.toString('utf8');
      expect(line).toMatch(/^<\d+>1 /);
      expect(line.split('[').length - 1 + line.split('="').length - 1).toBeGreaterThanOrEqual(100);
    }
  });

  it('unterminated_sd: structured data opened and never closed', () => {
    for (const b of samples('unterminated_sd')) {
      const line = b.toString('utf8');
      expect(line).toMatch(/^<\d+>1 \S+ \S+ \S+ \S+ - \[/);
      expect(line.endsWith(']')).toBe(false);
      const sd = line.slice(line.indexOf(' - [') + 3);
      let depth = 0;
      let inQuote = false;
      for (let i = 0; i < sd.length; i++) {
        const c = sd[i];
        if (c === '\\') i++;
        else if (c === '"') inQuote = !inQuote;
        else if (!inQuote && c === '[') depth++;
        else if (!inQuote && c === ']') depth--;
      }
      expect(inQuote || depth > 0, sd.slice(0, 80)).toBe(true);
    }
  });

  it('regex_hostile: a run of one unit, at least 256 characters long', () => {
    for (const b of samples('regex_hostile')) {
      const line = b.toString('utf8');
      const longest = Math.max(...HOSTILE_RUNS.map((u) => longestRun(line, u)));
      expect(longest, line.slice(0, 100)).toBeGreaterThanOrEqual(256);
    }
  });

  it('empty: nothing but line terminators', () => {
    for (const b of samples('empty')) expect(b.toString('latin1')).toMatch(/^[\r\n\0]*$/);
  });
});

/** Characters covered by the longest run of consecutive copies of `unit` in `s`. */
function longestRun(s: string, unit: string): number {
  let best = 0;
  for (let i = s.indexOf(unit); i >= 0; i = s.indexOf(unit, i + 1)) {
    let j = i;
    while (s.startsWith(unit, j)) j += unit.length;
    best = Math.max(best, j - i);
    if (j - i > 0) i = j - 1;
  }
  return best;
}
