import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/triage/redact.js';

const both = () => new Redactor({ ips: true, users: true });

describe('Redactor: IP addresses', () => {
  it.each([
    ['Invalid user admin from 203.0.113.5 port 50022', 'Invalid user <user-1> from <ip-1> port 50022'],
    ['Failed password for root from 2001:db8::7 port 22 ssh2', 'Failed password for <user-1> from <ip-1> port 22 ssh2'],
    ['Connection from ::ffff:198.51.100.4 port 22', 'Connection from <ip-1> port 22'],
    ['peer [2001:db8::1]:443 closed.', 'peer [<ip-1>]:443 closed.'],
    ['rhost=10.1.2.3 sip:192.168.1.4:5060 Bad:1.2.3.4', 'rhost=<ip-1> sip:<ip-2>:5060 Bad:<ip-3>'],
    ['the end is 203.0.113.9.', 'the end is <ip-1>.'],
    ['link fe80::1%eth0 up', 'link <ip-1>%eth0 up'],
  ])('%s', (line, expected) => {
    expect(both().text(line)).toBe(expected);
  });

  it('leaves times, MAC addresses, version numbers and hex words alone', () => {
    const line = 'at 10:00:15.123 mac aa:bb:cc:dd:ee:ff kernel 6.1.0 v1.2.3.4.5 deadbeef cafe:babe 999.1.1.1';
    expect(both().text(line)).toBe(line);
  });

  it('one address gets one placeholder across every call of one redactor, in order of appearance', () => {
    const r = both();
    expect(r.text('from 203.0.113.5 and 198.51.100.7')).toBe('from <ip-1> and <ip-2>');
    expect(r.text('again 198.51.100.7, then 203.0.113.5')).toBe('again <ip-2>, then <ip-1>');
    expect(r.field('ip', '203.0.113.5')).toBe('<ip-1>');
    expect(r.counts).toEqual({ ip: 2, user: 0 });
  });

  it('never leaves a random IPv4 or IPv6 address in a line (property)', () => {
    const ipv6 = fc.ipV6().filter((a) => /[0-9a-f]/i.test(a));
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), ipv6), fc.constantFrom(' ', ' from ', '=', ' [', ' ('), fc.constantFrom(' port 22', '', '.', ']:22', ')'), (ip, before, after) => {
        const out = both().text(`sshd${before}${ip}${after}`);
        expect(out).not.toContain(ip);
        expect(out).toContain('<ip-1>');
      }),
    );
  });
});

describe('Redactor: user names', () => {
  it.each([
    ['Invalid user oracle from <x>', 'Invalid user <user-1> from <x>'],
    ['Failed password for invalid user bob from 1.2.3.4', 'Failed password for invalid user <user-1> from <ip-1>'],
    ['Connection closed by authenticating user root 1.2.3.4 port 22 [preauth]', 'Connection closed by authenticating user <user-1> <ip-1> port 22 [preauth]'],
    ['Accepted publickey for alice from 1.2.3.4', 'Accepted publickey for <user-1> from <ip-1>'],
    ['authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root', 'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=<ip-1>  user=<user-1>'],
    ['session opened for user root by carol(uid=1000)', 'session opened for user <user-1> by <user-2>(uid=1000)'],
    ['sudo:    dave : TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/ls', 'sudo:    <user-2> : TTY=pts/0 ; PWD=/tmp ; USER=<user-1> ; COMMAND=/bin/ls'],
    ['User eve from 1.2.3.4 not allowed because not listed in AllowUsers', 'User <user-1> from <ip-1> not allowed because not listed in AllowUsers'],
    ['login failed acct="Mallory X" reason=bad', 'login failed acct=<user-1> reason=bad'],
  ])('%s', (line, expected) => {
    expect(both().text(line)).toBe(expected);
  });

  it('leaves phrases that name no user alone', () => {
    for (const line of ['check pass; user unknown', 'Invalid user  from <ip> port 5', 'waited for 5 from boot', 'user name too long']) {
      expect(both().text(line)).toBe(line);
    }
  });

  it('values of user-like fields are replaced wherever they stand as a word, the same placeholder as the field', () => {
    const r = both();
    r.addKnownUsers(['admin from 10.0.0.1', 'svc-backup']);
    expect(r.field('user', 'svc-backup')).toBe('<user-1>');
    expect(r.text('job svc-backup failed; /home/svc-backup/x; svc-backups stays')).toBe('job <user-1> failed; /home/<user-1>/x; svc-backups stays');
    expect(r.text('Invalid user admin from 10.0.0.1 from 192.0.2.1 port 4')).toBe('Invalid user <user-2> from <ip-1> port 4');
    expect(r.field('username', 'zed')).toBe('<user-3>');
    expect(r.field('host', 'web01')).toBe('web01');
    expect(r.field('host', '10.9.9.9')).toBe('<ip-2>');
  });

  it('restore() puts the real values back for its own placeholders only', () => {
    const r = both();
    r.text('Invalid user admin from 203.0.113.5');
    expect(r.restore('Guessing <user-1> from <ip-1>; see <ip-7>.')).toBe('Guessing admin from 203.0.113.5; see <ip-7>.');
  });
});

describe('Redactor options', () => {
  it('ips: false keeps addresses, users: false keeps names', () => {
    const line = 'Invalid user admin from 203.0.113.5';
    expect(new Redactor({ ips: false, users: true }).text(line)).toBe('Invalid user <user-1> from 203.0.113.5');
    expect(new Redactor({ ips: true, users: false }).text(line)).toBe('Invalid user admin from <ip-1>');
    const none = new Redactor({ ips: false, users: false });
    none.addKnownUsers(['admin']);
    expect(none.text(line)).toBe(line);
    expect(none.field('user', 'admin')).toBe('admin');
  });
});
