import { describe, expect, it } from 'vitest';
import { toParseRecord } from '../../src/parse/parse-record.js';
import { parseSyslog } from '../../src/parse/syslog.js';

const KEYS = ['protocol', 'pri', 'facility', 'severity', 'timestamp', 'hostname', 'appname', 'procid', 'msgid', 'structuredData', 'message'];

describe('toParseRecord', () => {
  it('has exactly the CLI keys, in order', () => {
    const msg = parseSyslog('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] hi', { timezone: 'UTC', now: 0 });
    const record = toParseRecord(msg);
    expect(Object.keys(record)).toEqual(KEYS);
    expect(JSON.stringify(record)).toBe(
      '{"protocol":"rfc5424","pri":165,"facility":"local4","severity":"notice","timestamp":"2003-10-11T22:14:15.003+00:00",' +
        '"hostname":"mymachine.example.com","appname":"evntslog","procid":null,"msgid":"ID47","structuredData":{"exampleSDID@32473":{"iut":"3"}},"message":"hi"}',
    );
  });

  it('keeps nulls (JSON null, not missing keys)', () => {
    const json = JSON.parse(JSON.stringify(toParseRecord(parseSyslog('hello', { timezone: 'UTC', now: 0 })))) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(KEYS);
    expect(json).toMatchObject({ protocol: 'unknown', timestamp: null, hostname: null, structuredData: null, message: 'hello' });
  });
});
