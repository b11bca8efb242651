import { describe, expect, it } from 'vitest';
import { parseStructuredData } from '../../src/parse/structured-data.js';

const lenient = (s: string) => parseStructuredData(s, 0, s.length, false);
const strict = (s: string) => parseStructuredData(s, 0, s.length, true);

describe('parseStructuredData (RFC 5424 field, lenient)', () => {
  it('parses several elements and stops at the SP before MSG', () => {
    const s = '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] msg';
    expect(lenient(s)).toEqual({
      data: { 'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' }, 'examplePriority@32473': { class: 'high' } },
      end: s.length - 4,
    });
  });

  it('resolves the escapes \\" \\\\ \\] and keeps other backslashes', () => {
    expect(lenient('[a i="\\]\\"\\\\"]')?.data).toEqual({ a: { i: ']"\\' } });
    expect(lenient('[x key="hello a\\\\b"]')?.data).toEqual({ x: { key: 'hello a\\b' } });
    expect(lenient('[x key="hello \\"test\\""]')?.data).toEqual({ x: { key: 'hello "test"' } });
    expect(lenient('[x key="hello [bye\\]"]')?.data).toEqual({ x: { key: 'hello [bye]' } });
    expect(lenient('[x key="C:\\temp\\n"]')?.data).toEqual({ x: { key: 'C:\\temp\\n' } });
  });

  it('accepts empty elements and empty values', () => {
    expect(lenient('[non_empty x=""][empty] qwerty')).toEqual({ data: { non_empty: { x: '' }, empty: {} }, end: 23 });
  });

  it('drops malformed elements up to their closing bracket and goes on', () => {
    expect(lenient('[incorrect x=] qwerty')).toEqual({ data: {}, end: 14 });
    expect(lenient('[incorrect x] qwerty')).toEqual({ data: {}, end: 13 });
    expect(lenient('[] BOM')).toEqual({ data: {}, end: 2 });
    expect(lenient('[a i=""ok"][b j="1"] m')).toEqual({ data: { b: { j: '1' } }, end: 20 });
  });

  it('is lenient with spaces around = and after [, and with unquoted values', () => {
    expect(lenient('[exampleSDID@32473 iut="3" eventSource= "Application"]')?.data).toEqual({ 'exampleSDID@32473': { iut: '3', eventSource: 'Application' } });
    expect(lenient('[ exampleSDID@0 iut="3"]')?.data).toEqual({ 'exampleSDID@0': { iut: '3' } });
    expect(lenient('[foo bar=baz] message')).toEqual({ data: { foo: { bar: 'baz' } }, end: 13 });
  });

  it('keeps what it has of an unterminated value', () => {
    expect(lenient('[tcpflood@32473 MSGNUM="unterminated')).toEqual({ data: { 'tcpflood@32473': { MSGNUM: 'unterminated' } }, end: 36 });
  });

  it('stops at a space between elements (the rest is MSG)', () => {
    const s = '[exampleSDID@0 iut="3"] [eventSource="Application"] An application';
    expect(lenient(s)).toEqual({ data: { 'exampleSDID@0': { iut: '3' } }, end: 23 });
  });

  it('takes __proto__ as an ordinary name and merges repeated SD-IDs', () => {
    const r = lenient('[__proto__ __proto__="x"][a b="1"][a c="2"]');
    expect(Object.getPrototypeOf(r?.data)).toBe(Object.prototype);
    expect(JSON.stringify(r?.data)).toBe('{"__proto__":{"__proto__":"x"},"a":{"b":"1","c":"2"}}');
  });
});

describe('parseStructuredData (start of an RFC 3164 message, strict)', () => {
  it('accepts well-formed elements with parameters', () => {
    const s = '[origin software="rsyslogd" swVersion="8.32.0" x-pid="20506" x-info="http://www.rsyslog.com"] start';
    expect(strict(s)?.data).toEqual({ origin: { software: 'rsyslogd', swVersion: '8.32.0', 'x-pid': '20506', 'x-info': 'http://www.rsyslog.com' } });
  });

  it('rejects bracketed text that is not structured data', () => {
    for (const s of ['[ID 800047 auth.info] Failed', '[audit] user=[*SMS]', '[Tue Jun 08 11:54:08.929301 2021] [php7:emerg]', '[28/Dec/2019:16:49:07 +0000]',
      '[software="rsyslogd"] start', '[x a=b] c', '[x a="b"]c', '[x a="b', '[ x a="b"]']) {
      expect(strict(s), s).toBeNull();
    }
  });
});
