import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../src/parse/syslog.js';
import { SYSLOG_FORMATS } from '../../src/parse/types.js';

const opts = { timezone: 'UTC', now: Date.parse('2024-06-15T12:00:00Z') };
const clean = '<13>1 2019-02-13T19:48:34+00:00 74794bfb6795 root 8449 - [meta sequenceId="1"] i am foobar';

describe('parseSyslog: choosing the grammar', () => {
  it('dispatches on PRI and VERSION', () => {
    expect(parseSyslog(clean, opts).protocol).toBe('rfc5424');
    expect(parseSyslog('<13>Feb 13 20:07:26 host root[8539]: x', opts).protocol).toBe('rfc3164');
    expect(parseSyslog('1 2020-05-22T14:59:09.250-03:00 host app 1 - - x', opts).protocol).toBe('rfc5424');
    expect(parseSyslog('just text', opts).protocol).toBe('unknown');
  });

  it('keeps the whole line as the message for a malformed PRI (RFC 3164 §4.3.3)', () => {
    for (const line of ['<189 Feb  3 12:34:56 host program[pid]: message', '<999>Oct 11 22:14:15 host su: x', '<>x', '<abc>x']) {
      expect(parseSyslog(line, opts)).toMatchObject({ protocol: 'unknown', pri: 13, facility: 'user', severity: 'notice', hostname: null, message: line });
    }
  });

  it('returns an empty message for an empty line', () => {
    expect(parseSyslog('', opts)).toMatchObject({ protocol: 'unknown', pri: 13, message: '' });
    expect(parseSyslog(Buffer.alloc(0), opts).message).toBe('');
    expect(parseSyslog('<13>', opts)).toMatchObject({ protocol: 'unknown', pri: 13, message: '' });
  });
});

describe('parseSyslog: bytes and whitespace', () => {
  it('ignores leading/trailing whitespace, a trailing LF/CRLF and a leading BOM', () => {
    const expected = parseSyslog(clean, opts);
    for (const line of [`\n            ${clean}\n            `, `${clean}\n`, `${clean}\r\n`, `\uFEFF${clean}`, `${clean}\0`]) {
      expect(parseSyslog(line, opts), JSON.stringify(line)).toEqual(expected);
    }
  });

  it('decodes invalid UTF-8 with U+FFFD and goes on', () => {
    const bytes = Buffer.concat([Buffer.from('<13>Oct 11 22:14:15 host app: caf'), Buffer.from([0xe9, 0xff, 0xc3]), Buffer.from(' ok')]);
    const m = parseSyslog(bytes, opts);
    expect(m).toMatchObject({ protocol: 'rfc3164', hostname: 'host', appname: 'app' });
    expect(m.message).toBe('caf\uFFFD\uFFFD\uFFFD ok');
    const sd = Buffer.concat([Buffer.from('<13>1 - h a - - [x k="'), Buffer.from([0xf0, 0x28, 0x8c, 0x28]), Buffer.from('"] PTHREAD \xf0 initialized', 'latin1')]);
    expect(parseSyslog(sd, opts)).toMatchObject({ protocol: 'rfc5424', structuredData: { x: { k: '\uFFFD(\uFFFD(' } } });
  });

  it('keeps NUL bytes inside the message', () => {
    expect(parseSyslog('<13>Oct 11 22:14:15 host app: a\0b', opts).message).toBe('a\0b');
    expect(parseSyslog(Buffer.from('<13>Oct 11 22:14:15 host app: a\0b\0'), opts).message).toBe('a\0b');
  });

  it('parses the same from a Buffer and from a string', () => {
    const line = '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] \uFEFFAn application event log entry...';
    expect(parseSyslog(Buffer.from(line), opts)).toEqual(parseSyslog(line, opts));
  });
});

describe('parseSyslog: large and hostile input (completes; the test timeout is the only time limit)', () => {
  const kib64 = 64 * 1024;
  it('handles 64 KiB+ messages of every shape', () => {
    const body = 'x'.repeat(kib64);
    expect(parseSyslog(`<13>Oct 11 22:14:15 host app: ${body}`, opts).message.length).toBe(kib64);
    expect(parseSyslog(`<13>1 - host app - - - ${body}`, opts).message.length).toBe(kib64);
    expect(parseSyslog(body, opts).message.length).toBe(kib64);
  });

  it('stays linear on adversarial repetitions', () => {
    const n = 256 * 1024;
    const inputs = [
      `<13>1 - h a - - ${'['.repeat(n)}`,
      `<13>1 - h a - - ${'[a b="c"]'.repeat(n / 9)}`,
      `<13>1 - h a - - [a b="${'\\"'.repeat(n / 2)}"] m`,
      `<13>1 - h a - - ${'[x y]'.repeat(n / 5)} m`,
      `<13>Oct 11 22:14:15 ${' '.repeat(n)}x`,
      `<13>Oct 11 22:14:15 host ${'a'.repeat(n)}[${'1'.repeat(n)}`,
      `<13>Oct 11 22:14:15 ${':'.repeat(n)}`,
      `<13>Oct 11 22:14:15 host ${'a,'.repeat(n / 2)}`,
      `${'1: '.repeat(n / 3)}`,
      `<13>${'Oct 11 '.repeat(n / 7)}`,
      `Message forwarded from ${'a'.repeat(n)}`,
      `<13>Oct 11 22:14:15 ${'0:'.repeat(n / 2)} x`,
      `<13>Oct 11 22:14:15 host [a b="c"]${'[a b="c"]'.repeat(n / 9)}`,
    ];
    for (const input of inputs) {
      const m = parseSyslog(input, opts);
      expect(typeof m.message).toBe('string');
    }
  });
});

describe('parseSyslog: properties', () => {
  const check = (m: ReturnType<typeof parseSyslog>) => {
    expect(typeof m.message).toBe('string');
    expect(SYSLOG_FORMATS).toContain(m.protocol);
    expect(m.pri === null || (Number.isInteger(m.pri) && m.pri >= 0 && m.pri <= 191)).toBe(true);
    expect((m.timestamp === null) === (m.timestampMs === null)).toBe(true);
    if (m.timestampMs !== null) expect(Number.isFinite(m.timestampMs)).toBe(true);
  };

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => check(parseSyslog(Buffer.from(bytes), opts))), { numRuns: 3000 });
  });

  it('never throws on random strings, including syslog-like ones', () => {
    const piece = fc.constantFrom('<', '>', '<13>', '<165>', '1 ', '-', ' ', '  ', '[', ']', '"', '\\', '=', ':', ': ', 'Oct', ' 11 ', '22:14:15', '.123',
      '2003-10-11T22:14:15.003Z', '+02:00', 'host', 'app[12]:', 'su:', '*', '123: ', '%ASA-6-1:', '\uFEFF', '\0', '\n', 'U7PG2,f09fc2XXXXXX,v4.3.20.11298:',
      'system,info,account', 'Message forwarded from ', '::1', 'x=y', '2019 ', 'UTC');
    const syslogish = fc.array(piece, { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 200 }), syslogish), (s) => check(parseSyslog(s, opts))), { numRuns: 5000 });
  });

  it('never throws for any zone or clock', () => {
    fc.assert(
      fc.property(fc.constantFrom('UTC', 'Europe/Berlin', '+05:30', 'No/Such_Zone', ''), fc.double(), (timezone, now) => {
        check(parseSyslog('<13>Feb 29 01:02:03 host app: x', { timezone, now }));
        check(parseSyslog('<13>1 2009-10-16T11:51:56 h a - - - x', { timezone, now }));
      }),
      { numRuns: 300 },
    );
  });
});
