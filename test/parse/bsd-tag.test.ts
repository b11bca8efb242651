import { describe, expect, it } from 'vitest';
import { isMikrotikTopics, matchTag, sequenceNumberEnd, wordTagEnd } from '../../src/parse/bsd-tag.js';

const tag = (s: string) => matchTag(s, 0, s.length);

describe('matchTag', () => {
  it('recognises prog[pid]:, prog[pid] and prog:', () => {
    expect(tag('sshd[22789]: Invalid user')).toEqual({ appname: 'sshd', procid: '22789', end: 12, nameEnd: 4 });
    expect(tag('root[8539]:syslog message')).toMatchObject({ appname: 'root', procid: '8539', end: 11 });
    expect(tag('sshd(pam_unix)[31738]: session')).toMatchObject({ appname: 'sshd(pam_unix)', procid: '31738' });
    expect(tag('ctld/snmpd[2499]:')).toMatchObject({ appname: 'ctld/snmpd', procid: '2499', end: 17 });
    expect(tag('sshd-session[1234]: x')).toMatchObject({ appname: 'sshd-session', procid: '1234' });
    expect(tag('prog[] x')).toMatchObject({ appname: 'prog', procid: null, end: 6 });
    expect(tag('hostd[81480B70] [Originator')).toMatchObject({ appname: 'hostd', procid: '81480B70', end: 15 });
    expect(tag('su: msg')).toEqual({ appname: 'su', procid: null, end: 3, nameEnd: 2 });
    expect(tag('%ASA-6-102030: SFR')).toMatchObject({ appname: '%ASA-6-102030' });
    expect(tag('tag4:')).toMatchObject({ appname: 'tag4', end: 5 });
    expect(tag('0123456789012345678901234567890123456789: MSG')).toMatchObject({ appname: '0123456789012345678901234567890123456789' });
  });

  it('rejects what is no tag', () => {
    for (const s of ['mymachine.example.com %CRYPTO', 'CEF:0|security', 'tag:msgnum:3', 'time=16:31:28', '123: *Mar', '000123: x', '0002:: prg0',
      '[sshd] User', 'sshd[12 3]: x', 'sshd[123]x', 'word', '']) {
      expect(tag(s), s).toBeNull();
    }
  });
});

describe('wordTagEnd', () => {
  it('accepts a program-like word up to SP or the end', () => {
    expect(wordTagEnd('apache_error [Tue', 0, 17)).toBe(12);
    expect(wordTagEnd('prg0', 0, 4)).toBe(4);
    expect(wordTagEnd('-- MARK --', 0, 10)).toBe(2);
    expect(wordTagEnd('system,info,account user', 0, 25)).toBe(19);
    expect(wordTagEnd('außerplanmäßig größen', 0, 21)).toBe(14);
  });

  it('rejects content-like words', () => {
    for (const s of ['date=2018-09-13 time', '05",result_code=200,b', '{"a": 1}', 'CEF:0|x', '12345 x', '1,2020/03/15 09:25:51', 'x'.repeat(49)]) {
      expect(wordTagEnd(s, 0, s.length), s).toBe(-1);
    }
  });
});

describe('sequenceNumberEnd', () => {
  it('recognises Cisco sequence numbers', () => {
    expect(sequenceNumberEnd('123: *Mar', 0, 9)).toBe(4);
    expect(sequenceNumberEnd('000123: x', 0, 9)).toBe(7);
    expect(sequenceNumberEnd('1:', 0, 2)).toBe(2);
    expect(sequenceNumberEnd('12:34:56', 0, 8)).toBe(-1);
    expect(sequenceNumberEnd('12345678901: x', 0, 14)).toBe(-1);
    expect(sequenceNumberEnd('abc: x', 0, 6)).toBe(-1);
  });
});

describe('isMikrotikTopics', () => {
  it('recognises RouterOS topic lists', () => {
    for (const s of ['system,info,account', 'firewall,info', 'l2tp,ppp,info', 'system,error,critical', 'wireless,debug,packet']) {
      expect(isMikrotikTopics(s, 0, s.length), s).toBe(true);
    }
    for (const s of ['system', 'a,b', 'System,Info', 'info,', 'date=2018,info', 'foo,bar']) {
      expect(isMikrotikTopics(s, 0, s.length), s).toBe(false);
    }
  });
});
