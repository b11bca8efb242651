import { describe, expect, it } from 'vitest';
import { looksLikeRfc5424, parseRfc5424 } from '../../src/parse/rfc5424.js';
import { parseSyslog } from '../../src/parse/syslog.js';

const opts = { timezone: 'UTC', now: Date.parse('2024-06-15T12:00:00Z') };
const parse = (line: string, o = opts) => parseSyslog(line, o);

describe('looksLikeRfc5424', () => {
  it('needs VERSION SP and a date or NILVALUE', () => {
    const at = (s: string) => looksLikeRfc5424(s, 0, s.length);
    expect(at('1 2003-10-11T22:14:15.003Z host')).toBe(true);
    expect(at('1 - host')).toBe(true);
    expect(at('0 2019-11-07T06:09:28+01:00 x')).toBe(true);
    expect(at('1: %SYS')).toBe(false);
    expect(at('1 foo')).toBe(false);
    expect(at('1234 2003-10-11T22:14:15Z')).toBe(false);
    expect(at('Oct 11 22:14:15')).toBe(false);
  });
});

describe('parseRfc5424', () => {
  it('parses RFC 5424 §6.5 example 1 (NILVALUE fields are null, BOM removed)', () => {
    expect(parse('<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8')).toEqual({
      protocol: 'rfc5424',
      pri: 34,
      facility: 'auth',
      severity: 'crit',
      timestamp: '2003-10-11T22:14:15.003+00:00',
      timestampMs: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      hostname: 'mymachine.example.com',
      appname: 'su',
      procid: null,
      msgid: 'ID47',
      structuredData: null,
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
  });

  it('parses example 2 (offset, microseconds, no MSGID)', () => {
    const m = parse('<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.');
    expect(m).toMatchObject({ timestamp: '2003-08-24T05:14:15.000003-07:00', hostname: '192.0.2.1', appname: 'myproc', procid: '8710', msgid: null });
    expect(m.timestampMs).toBe(Date.UTC(2003, 7, 24, 12, 14, 15, 0));
    expect(m.message).toBe("%% It's time to make the do-nuts.");
  });

  it('parses examples 3 and 4 (structured data; SD only, no MSG)', () => {
    const m3 = parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"] \uFEFFAn application event log entry...');
    expect(m3.structuredData).toEqual({ 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' } });
    expect(m3.message).toBe('An application event log entry...');
    const m4 = parse('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]');
    expect(m4.structuredData).toEqual({ 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' }, 'examplePriority@32473': { class: 'high' } });
    expect(m4.message).toBe('');
  });

  it('makes every NILVALUE null, including the timestamp', () => {
    expect(parse('<14>1 - - - - - -')).toMatchObject({ timestamp: null, timestampMs: null, hostname: null, appname: null, procid: null, msgid: null, structuredData: null, message: '' });
    expect(parse('<14>1 - 10.0.4.87 Serial-Debugger - - - Serializer started!')).toMatchObject({ timestamp: null, hostname: '10.0.4.87', appname: 'Serial-Debugger', message: 'Serializer started!' });
  });

  it('keeps MSG after exactly one SP (leading spaces are content)', () => {
    expect(parse('<13>1 2019-05-15T11:21:57+03:00 domain.tld tag - - -  nosd-sp').message).toBe(' nosd-sp');
    expect(parse('<13>1 2019-05-15T11:21:57+03:00 domain.tld tag - - [abc@123 a="b"] sd-nosp').message).toBe('sd-nosp');
  });

  it('accepts IPv6 hostnames, APP-NAMEs with colons and 7-9 digit fractions', () => {
    expect(parse('<34>1 2003-10-11T22:14:15.003Z ::FFFF:129.144.52.38 su - ID47 - x').hostname).toBe('::FFFF:129.144.52.38');
    expect(parse('<28>1 2020-05-22T14:59:09.250-03:00 OX-XXX-MX204 OX-XXX-CONTEUDO:rpd 6589 - - bgp').appname).toBe('OX-XXX-CONTEUDO:rpd');
    expect(parse('<34>1 2026-04-27T15:46:41.123456789Z h a - - - m').timestamp).toBe('2026-04-27T15:46:41.123456789+00:00');
  });

  it('reads a timestamp without offset in the configured zone', () => {
    const m = parse('<134>1 2009-10-16T11:51:56 exchange MSExchange 20208 - - x', { timezone: 'MET', now: 0 });
    expect(m.timestamp).toBe('2009-10-16T11:51:56+02:00');
    expect(m.timestampMs).toBe(Date.UTC(2009, 9, 16, 9, 51, 56));
  });

  it('is best effort on malformed headers', () => {
    expect(parse('<13>1 2019-13-45T99:00:00Z host app 1 - - msg')).toMatchObject({ protocol: 'rfc5424', timestamp: null, hostname: 'host', message: 'msg' });
    expect(parse('<34>1 2003-10-11T22:14:15.003Z host')).toMatchObject({ hostname: 'host', appname: null, procid: null, msgid: null, message: '' });
    expect(parse('<13>1 2019-02-13T19:48:34+00:00 host  app   8449 - - two  spaces')).toMatchObject({ appname: 'app', procid: '8449', message: 'two  spaces' });
    expect(parse('<13>1 2019-02-13T19:48:34+00:00 host app 1 ID no structured data')).toMatchObject({ msgid: 'ID', structuredData: null, message: 'no structured data' });
    expect(parse('<13>1 2019-02-13T19:48:34+00:00 74794bfb6795 root 8449 - [incorrect x] qwerty')).toMatchObject({ structuredData: {}, message: 'qwerty' });
  });

  it('cuts over-long header fields to the RFC limits', () => {
    const m = parse(`<132>1 2006-10-29T01:59:59.156+01:00 mymachine ${'a'.repeat(49)} ${'p'.repeat(130)} ${'m'.repeat(33)} [a i="ok"] x`);
    expect([m.appname, m.procid, m.msgid]).toEqual(['a'.repeat(48), 'p'.repeat(128), 'm'.repeat(32)]);
    expect(m.structuredData).toEqual({ a: { i: 'ok' } });
  });

  it('parses RFC 5424 without PRI as user.notice', () => {
    const s = '1 2020-05-22T14:59:09.250-03:00 OX-XXX-MX204 OX-XXX-CONTEUDO:rpd 6589 - - bgp_listen_accept: %DAEMON-4: x';
    expect(parseRfc5424(s, 0, s.length, 13, opts)).toMatchObject({ protocol: 'rfc5424', pri: 13, hostname: 'OX-XXX-MX204', procid: '6589', message: 'bgp_listen_accept: %DAEMON-4: x' });
  });
});
