import { describe, expect, it } from 'vitest';
import { parseRfc3164 } from '../../src/parse/rfc3164.js';
import { parseSyslog } from '../../src/parse/syslog.js';
import type { SyslogMessage } from '../../src/parse/types.js';

const opts = { timezone: 'UTC', now: Date.parse('2024-06-15T12:00:00Z') };
const parse = (line: string, o = opts) => parseSyslog(line, o);
type Header = Pick<SyslogMessage, 'hostname' | 'appname' | 'procid' | 'message'>;
const header = (line: string): Header => {
  const { hostname, appname, procid, message } = parse(line);
  return { hostname, appname, procid, message };
};

describe('RFC 3164 basics', () => {
  it('parses RFC 3164 §5.4 example 1', () => {
    expect(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toEqual({
      protocol: 'rfc3164',
      pri: 34,
      facility: 'auth',
      severity: 'crit',
      timestamp: '2023-10-11T22:14:15+00:00',
      timestampMs: Date.UTC(2023, 9, 11, 22, 14, 15),
      hostname: 'mymachine',
      appname: 'su',
      procid: null,
      msgid: null,
      structuredData: null,
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
  });

  it('renders BSD stamps in the configured zone', () => {
    const m = parse('<13>Feb 13 20:07:26 host root[8539]: x', { timezone: 'Europe/Berlin', now: Date.parse('2024-06-15T12:00:00Z') });
    expect(m.timestamp).toBe('2024-02-13T20:07:26+01:00');
    expect(m.timestampMs).toBe(Date.UTC(2024, 1, 13, 19, 7, 26));
  });

  it('accepts RFC 3339 timestamps (also with a space for T) inside BSD framing', () => {
    expect(parse('<190>2019-02-13T21:53:30.605850+00:00 74794bfb6795 liblogging-stdlog: start')).toMatchObject({
      protocol: 'rfc3164', timestamp: '2019-02-13T21:53:30.605850+00:00', hostname: '74794bfb6795', appname: 'liblogging-stdlog', message: 'start',
    });
    expect(parse('<7>2006-10-29 02:00:00.156+01:00')).toMatchObject({ protocol: 'rfc3164', timestamp: '2006-10-29T02:00:00.156+01:00', hostname: null, message: '' });
    expect(parse('<7>2006-11-10T10:43:21.156 bzorp openvpn[2499]: x', { timezone: 'MET', now: 0 }).timestamp).toBe('2006-11-10T10:43:21.156+01:00');
  });

  it('parses a missing PRI as user.notice (RFC 3164 §4.3.3)', () => {
    expect(parse('Sep 30 12:11:33 ip-172-31-43-28 sshd[22789]: Invalid user hadoop from 103.100.210.198 port 56762')).toMatchObject({
      protocol: 'rfc3164', pri: 13, facility: 'user', severity: 'notice', hostname: 'ip-172-31-43-28', appname: 'sshd', procid: '22789',
    });
  });

  it('skips a space after the PRI and handles years and upper-case months', () => {
    expect(parse('<167> Mar  7 19:06:53 example tag: testmessage').timestamp).toBe('2024-03-07T19:06:53+00:00');
    expect(parse('<167>Mar 7 2008 19:06:53: example tag: testmessage')).toMatchObject({ timestamp: '2008-03-07T19:06:53+00:00', hostname: 'example', appname: 'tag' });
    expect(parse('<6>AUG 10 22:18:24 2009  netips-warden2-p [audit] user=[*SMS] src=192.168.11.11')).toMatchObject({
      timestamp: '2009-08-10T22:18:24+00:00', hostname: 'netips-warden2-p', appname: null, message: '[audit] user=[*SMS] src=192.168.11.11',
    });
  });
});

describe('hostname', () => {
  it('is null when missing, never a tag, month or sequence number', () => {
    expect(header('Jun 13 16:33:35 haproxy[73411]: I am missing a pri.')).toEqual({ hostname: null, appname: 'haproxy', procid: '73411', message: 'I am missing a pri.' });
    expect(header('<34>Oct 11 22:14:15 : a message')).toEqual({ hostname: null, appname: null, procid: null, message: 'a message' });
    expect(header('<14>May 21 2017 00:00:00: %ASA-6-102030: SFR requested ASA')).toEqual({ hostname: null, appname: '%ASA-6-102030', procid: null, message: 'SFR requested ASA' });
    expect(header('<189>16261: May 28 16:09:56.185: %SYS-5-CONFIG_I: Configured from console')).toEqual({
      hostname: null, appname: '%SYS-5-CONFIG_I', procid: null, message: 'Configured from console',
    });
    expect(header('<189>000123: *Mar  1 18:46:11: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up').hostname).toBeNull();
    expect(header('<0>Jan 10 01:00:00 prg0: msgtxt')).toEqual({ hostname: null, appname: 'prg0', procid: null, message: 'msgtxt' });
  });

  it('accepts names, IPv4 and IPv6 addresses', () => {
    expect(header('<0>Jan 10 01:00:00 1.2.3.4 prg0')).toEqual({ hostname: '1.2.3.4', appname: 'prg0', procid: null, message: '' });
    expect(header('<0>Jan 10 01:00:00 0001:BABA:BA00:DAB::BAB0 prg0').hostname).toBe('0001:BABA:BA00:DAB::BAB0');
    expect(header('<0>Jan 10 01:00:00 0002:: prg0: msgtxt')).toEqual({ hostname: '0002::', appname: 'prg0', procid: null, message: 'msgtxt' });
    expect(header('<190>NOV 22 00:00:33 192.168.33.8-1 CMDLOGGER[165319912]: cmd_logger_api.c(83)')).toMatchObject({ hostname: '192.168.33.8-1', appname: 'CMDLOGGER' });
  });

  it('reads "-" in the hostname position as no hostname', () => {
    expect(header('<13>Oct 11 22:14:15 - app: msg')).toEqual({ hostname: null, appname: 'app', procid: null, message: 'msg' });
  });

  it('takes a token that cannot be a hostname for the tag', () => {
    expect(header('<7>2006-10-29T02:00:00.156+01:00 %bzorp openvpn[2499]: PTHREAD')).toEqual({ hostname: null, appname: '%bzorp', procid: null, message: 'openvpn[2499]: PTHREAD' });
    expect(header('<167>Mar  6 16:57:54 hostname1/hostname2 test: msgnum:0').hostname).toBeNull();
  });

  it('handles Ubiquiti MODEL,MAC,VERSION identities with and without colon', () => {
    expect(header('<13>Oct 22 16:02:16 U7PG2,f09fc2XXXXXX,v4.3.20.11298: kernel: [12345.678] ath0: STA')).toEqual({
      hostname: 'U7PG2,f09fc2XXXXXX,v4.3.20.11298', appname: 'kernel', procid: null, message: '[12345.678] ath0: STA',
    });
    expect(header('<30>Nov 10 11:49:46 U7PG2,788a2056b181,v4.0.66.10832: logread[5495]: Logread connected to 10.2.0.9:514')).toEqual({
      hostname: 'U7PG2,788a2056b181,v4.0.66.10832', appname: 'logread', procid: '5495', message: 'Logread connected to 10.2.0.9:514',
    });
    expect(header('<27>Nov  8 17:28:43 US8P60,18e8294876c3,v4.0.66.10832 switch: DOT1S: dot1sBpduReceive()')).toEqual({
      hostname: 'US8P60,18e8294876c3,v4.0.66.10832', appname: 'switch', procid: null, message: 'DOT1S: dot1sBpduReceive()',
    });
  });

  it('takes "X:" for the host only when X cannot be a program', () => {
    expect(header('<13>Oct 22 16:02:16 U7PG2,f09fc2XXXXXX,v4.3.20.11298: hostapd started')).toMatchObject({ hostname: 'U7PG2,f09fc2XXXXXX,v4.3.20.11298', appname: null, message: 'hostapd started' });
    expect(header('<13>Oct 22 16:02:16 10.0.0.1: link up')).toMatchObject({ hostname: '10.0.0.1', appname: null, message: 'link up' });
    expect(header('<13>Oct 22 16:02:16 gw.example.net: ntpd[12]: synced')).toMatchObject({ hostname: 'gw.example.net', appname: 'ntpd', procid: '12' });
    expect(header('<6>Oct 22 16:02:16 kernel: ACPI: PCI Interrupt')).toMatchObject({ hostname: null, appname: 'kernel', message: 'ACPI: PCI Interrupt' });
    expect(header('<13>Oct 22 16:02:16 org.example.app: started')).toMatchObject({ hostname: null, appname: 'org.example.app' });
  });

  it('reads AIX "Message forwarded from" relays and Cisco origins', () => {
    expect(header('<38>Sep 22 10:11:56 Message forwarded from cdaix66: sshd[679960]: Accepted publickey for nagios')).toEqual({
      hostname: 'cdaix66', appname: 'sshd', procid: '679960', message: 'Accepted publickey for nagios',
    });
    expect(header('<189>52: router1.example.com: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured')).toEqual({
      hostname: 'router1.example.com', appname: '%SYS-5-CONFIG_I', procid: null, message: 'Configured',
    });
    expect(header('<0>91: *Oct 07 03:10:04: mydevice.com %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec\'d IPSEC packet')).toEqual({
      hostname: 'mydevice.com', appname: '%CRYPTO-4-RECVD_PKT_INV_SPI', procid: null, message: "decaps: rec'd IPSEC packet",
    });
    expect(header('<189>Mar  1 18:46:12 10.1.1.1 123: *Mar  1 18:46:11.123: %SYS-5-CONFIG_I: Configured')).toEqual({
      hostname: '10.1.1.1', appname: '%SYS-5-CONFIG_I', procid: null, message: 'Configured',
    });
    expect(header('<166>Jan 05 2020 10:00:00 fw01 : %ASA-6-302013: Built inbound')).toEqual({ hostname: 'fw01', appname: '%ASA-6-302013', procid: null, message: 'Built inbound' });
  });
});

describe('tag', () => {
  it('recognises prog[pid]:, prog:, a bare word and no tag', () => {
    expect(header('<13>Feb 13 20:07:26 74794bfb6795 root[8539]:syslog message')).toEqual({ hostname: '74794bfb6795', appname: 'root', procid: '8539', message: 'syslog message' });
    expect(header('<38>Jan  1 00:00:00 host sshd-session[1234]: Failed password')).toMatchObject({ appname: 'sshd-session', procid: '1234' });
    expect(header('<167>Apr  6 15:07:10 lxcvs07 sshd(pam_unix)[31738]: session closed')).toMatchObject({ appname: 'sshd(pam_unix)', procid: '31738' });
    expect(header('<131>Jun 8 11:54:08 master apache_error [Tue Jun 08 11:54:08.929301 2021] [php7:emerg] x')).toEqual({
      hostname: 'master', appname: 'apache_error', procid: null, message: '[Tue Jun 08 11:54:08.929301 2021] [php7:emerg] x',
    });
    expect(header('<134>Oct 30 16:05:54 opsaudit  {"username": "admin"}')).toEqual({ hostname: 'opsaudit', appname: null, procid: null, message: '{"username": "admin"}' });
    expect(header('<189>May 3 16:02:05 192.168.26.254 date=2017-05-03 time=16:02:05 devname=FG600B')).toMatchObject({ appname: null, message: 'date=2017-05-03 time=16:02:05 devname=FG600B' });
    expect(header('Sep 19 08:26:10 host CEF:0|security|threatmanager|1.0|100|x|10|src=10.0.0.1')).toMatchObject({ hostname: 'host', appname: null });
    expect(header('<167>Feb 18 16:01:59 serverX -- MARK --')).toMatchObject({ hostname: 'serverX', appname: '--', message: 'MARK --' });
    expect(header('<14>Aug 30 23:00:05 X4711')).toEqual({ hostname: 'X4711', appname: null, procid: null, message: '' });
  });

  it('keeps the message after one separator space', () => {
    expect(parse('<129>Mar 10 01:00:00 Hostname2 tag2:  msgnum:2').message).toBe(' msgnum:2');
    expect(parse('<129>Mar 10 01:00:00 172.20.245.8 tag4:').message).toBe('');
  });

  it('takes MikroTik topic lists for the program', () => {
    expect(header('<30>Sep 23 10:16:04 RB4011-HQ system,info,account user admin logged in from 10.1.0.5 via winbox')).toEqual({
      hostname: 'RB4011-HQ', appname: 'system,info,account', procid: null, message: 'user admin logged in from 10.1.0.5 via winbox',
    });
    expect(header('<30>Sep 23 10:16:04 system,info,account user admin logged in')).toMatchObject({ hostname: null, appname: 'system,info,account', message: 'user admin logged in' });
    expect(header('<134>system,info,account user admin logged in from 198.51.100.7 via ssh')).toMatchObject({ hostname: null, appname: 'system,info,account' });
  });

  it('takes structured data at the start of the message (rsyslog) when it is well formed', () => {
    const m = parse('<46>Jan  5 15:33:03 plertrood-ThinkPad-X220 rsyslogd:  [origin software="rsyslogd" swVersion="8.32.0" x-pid="20506" x-info="http://www.rsyslog.com"] start');
    expect(m.structuredData).toEqual({ origin: { software: 'rsyslogd', swVersion: '8.32.0', 'x-pid': '20506', 'x-info': 'http://www.rsyslog.com' } });
    expect(m.message).toBe('start');
    expect(parse('Mar 29 05:59:23 dusky sshd[20878]: [ID 800047 auth.info] Failed keyboard-interactive').structuredData).toBeNull();
  });
});

describe('lines without a timestamp (protocol unknown)', () => {
  it('keeps the whole text as the message', () => {
    expect(parse('this is not syslog')).toMatchObject({ protocol: 'unknown', pri: 13, hostname: null, appname: null, message: 'this is not syslog' });
    expect(parse('<189>date=2018-09-13 time=10:12:18 devname=FW-310B-01')).toMatchObject({ protocol: 'unknown', pri: 189, message: 'date=2018-09-13 time=10:12:18 devname=FW-310B-01' });
    expect(parse('<13>last message repeated 5 times').message).toBe('last message repeated 5 times');
    expect(parse('CEF:0|security|threatmanager|1.0|100|x').message).toBe('CEF:0|security|threatmanager|1.0|100|x');
  });

  it('still reads a journal-style host and tag, or a leading IP address', () => {
    expect(parse('srv sshd[5174]: refused connect from ::ffff:218.249.210.161')).toMatchObject({ protocol: 'unknown', hostname: 'srv', appname: 'sshd', procid: '5174', message: 'refused connect from ::ffff:218.249.210.161' });
    expect(parse('<15> openvpn[2499]: PTHREAD support initialized')).toMatchObject({ hostname: null, appname: 'openvpn', procid: '2499', message: 'PTHREAD support initialized' });
    expect(parse('<190>AMP (airwave)[6944]: Your license\tSystem\t\t\t')).toMatchObject({ hostname: 'AMP', appname: '(airwave)', procid: '6944', message: 'Your license\tSystem' });
    expect(parse('<189>192.168.26.254 myApp time=16:31:28 devname=FG600B')).toMatchObject({ hostname: '192.168.26.254', appname: 'myApp', message: 'time=16:31:28 devname=FG600B' });
    expect(parse('192.168.26.254 time=16:31:28 devname=FG600B')).toMatchObject({ hostname: '192.168.26.254', appname: null, message: 'time=16:31:28 devname=FG600B' });
    expect(parse('<13>myapp: hello')).toMatchObject({ appname: 'myapp', message: 'hello' });
    expect(parse('Warning: disk full')).toMatchObject({ appname: null, message: 'Warning: disk full' });
  });

  it('is called directly with the position after the PRI', () => {
    const s = '<14>1: ';
    expect(parseRfc3164(s, 4, 6, 14, true, opts)).toMatchObject({ protocol: 'unknown', pri: 14, hostname: null, message: '' });
  });
});
