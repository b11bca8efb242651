import { describe, expect, it } from 'vitest';
import { parseSyslog, parseSyslogDeferred } from '../../src/parse/syslog.js';
import type { SyslogMessage } from '../../src/parse/types.js';

const NOW = Date.UTC(2024, 5, 15, 12);

const LINES = [
  '<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8',
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] An application event',
  '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.',
  '<165>1 2003-10-11T22:14:15 host app - - - no offset: the configured zone applies',
  '<165>1 2003-13-11T22:14:15Z host app - - - month 13: no timestamp',
  '<13>2019-10-11 22:14:15.123 host app[1]: rsyslog-style stamp in BSD framing',
  '<189>16261: router1: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured from console',
  '<13>Feb 30 10:00:00 host app: no such day',
  '<13>Oct 11 22:14:15 host app[1]: [origin ip="10.0.0.1"][meta __proto__="x" a="\\]"] structured data in BSD framing',
  '<165>1 2003-10-11T22:14:15Z host app - - [x a=] [y b="1"] malformed elements are dropped',
  '<165>1 2003-10-11T22:14:15Z host app - - [x a="unterminated',
  'no header at all',
];

/** Every field read through the message's own properties (getters included). */
function read(m: SyslogMessage): SyslogMessage {
  return {
    protocol: m.protocol, pri: m.pri, facility: m.facility, severity: m.severity, timestamp: m.timestamp, timestampMs: m.timestampMs,
    hostname: m.hostname, appname: m.appname, procid: m.procid, msgid: m.msgid, structuredData: m.structuredData, message: m.message,
  };
}

describe('parseSyslogDeferred', () => {
  it('reads exactly what parseSyslog returns, and serialises to the same JSON', () => {
    for (const timezone of ['UTC', 'Europe/Berlin']) {
      for (const line of LINES) {
        const eager = parseSyslog(line, { timezone, now: NOW });
        const deferred = parseSyslogDeferred(Buffer.from(line), { timezone, now: NOW });
        expect(read(deferred), line).toEqual(eager);
        expect(JSON.stringify(deferred), line).toBe(JSON.stringify(eager));
      }
    }
  });

  it('resolves with the zone and clock of the options as they were when it parsed, whatever happens to them later', () => {
    const opts = { timezone: 'Europe/Berlin', now: Date.UTC(2025, 0, 1, 0, 0, 30) };
    const m = parseSyslogDeferred('<13>Dec 31 23:59:50 host app: x', opts);
    opts.timezone = 'UTC';
    opts.now = Date.UTC(2030, 5, 1);
    parseSyslogDeferred('<13>Jun  1 00:00:00 other app: y', opts);
    expect(m.timestamp).toBe('2024-12-31T23:59:50+01:00');
    expect(m.timestampMs).toBe(Date.UTC(2024, 11, 31, 22, 59, 50));
  });

  it('builds its structured data once, when first read', () => {
    const m = parseSyslogDeferred('<165>1 2003-10-11T22:14:15Z host app - - [x a="1"] msg', { timezone: 'UTC', now: NOW });
    expect(m.structuredData).toEqual({ x: { a: '1' } });
    expect(m.structuredData).toBe(m.structuredData);
    expect(m.message).toBe('msg');
  });

  it('gives null timestamps for a line without one and for a stamp that names no real time', () => {
    for (const line of ['no header at all', '<13>Feb 30 10:00:00 host app: x', '<165>1 - host app - - - nil']) {
      const m = parseSyslogDeferred(line, { timezone: 'UTC', now: NOW });
      expect([m.timestamp, m.timestampMs], line).toEqual([null, null]);
    }
  });
});
