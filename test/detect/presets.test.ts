import { describe, expect, it } from 'vitest';
import { Detector } from '../../src/detect/detector.js';
import { PRESETS } from '../../src/detect/presets.js';
import { formatAgreement, loadSshdFixture, sshdAgreement } from './sshd-agreement.js';
import { SignalLog, T0, compileRules, received, receivedAtOwnTime, sshd } from './received.js';

const S = 1000;

function detector(rule: Record<string, unknown>): { d: Detector; log: SignalLog } {
  const log = new SignalLog();
  return { d: new Detector({ rules: compileRules([rule]), onSignal: log.onSignal }), log };
}

describe('preset sshd-invalid-user', () => {
  const invalidUser = { name: 'ssh_invalid_user', preset: 'sshd-invalid-user' };

  it('defaults: 4 within 60 s, grouped by host; the rule may override any key', () => {
    expect(PRESETS['sshd-invalid-user']).toMatchObject({ windowMs: 60_000, threshold: 4, groupBy: ['host'] });
    const [rule] = compileRules([{ ...invalidUser, threshold: 10, match: { hostname: 'gw*' } }]);
    expect(rule).toMatchObject({ type: 'threshold', preset: 'sshd-invalid-user', threshold: 10, windowMs: 60_000, groupBy: ['host'] });
    expect(rule!.match).toMatchObject({ appnames: ['sshd', 'sshd-session'], hostnames: ['gw*'] });
    expect(rule!.match.message).toHaveLength(1);
  });

  it('fires on the CrowdSec OPNsense burst (RFC 5424, ten attempts in four seconds) at the fourth attempt', () => {
    const lines = loadSshdFixture().filter((r) => r.sequence?.id === 'crowdsec:opnsense-sshd');
    const { d, log } = detector(invalidUser);
    lines.forEach((r, i) => d.process(received(r.raw, T0 + i * 400)));
    expect(log.signals.map((s) => s.count)).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4]);
    expect(log.firing()[0]).toMatchObject({ key: { host: 'OPNsense.localdomain' }, fields: { user: 'tutu', ip: '1.2.3.4' } });
  });

  it('counts one per connection attempt: the follow-up lines of the attempt do not count again', () => {
    const { d, log } = detector(invalidUser);
    const attempt = [
      'Invalid user admin from 203.0.113.9 port 50022',
      'input_userauth_request: invalid user admin [preauth]',
      'pam_unix(sshd:auth): check pass; user unknown',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9',
      'Failed password for invalid user admin from 203.0.113.9 port 50022 ssh2',
      'error: PAM: User not known to the underlying authentication module for illegal user admin from 203.0.113.9',
      'Connection closed by invalid user admin 203.0.113.9 port 50022 [preauth]',
      'Disconnected from invalid user admin 203.0.113.9 port 50022 [preauth]',
    ];
    attempt.forEach((text, i) => d.process(sshd('web01', text, T0 + i)));
    expect(log.signals.map((s) => s.count)).toEqual([1]);
  });

  it.each([
    ['IPv6', 'Invalid user test from 2001:db8::1 port 22', 'test', '2001:db8::1'],
    ['IPv4-mapped IPv6', 'Invalid user test from ::ffff:192.0.2.5 port 22', 'test', '192.0.2.5'],
    ['no port', 'Invalid user oracle from 192.0.2.3', 'oracle', '192.0.2.3'],
    ['old "Illegal user"', 'Illegal user test from 192.0.2.3', 'test', '192.0.2.3'],
    ['empty user name (two spaces)', 'Invalid user  from 1.2.3.4 port 22', '', '1.2.3.4'],
    ['empty user name (one space)', 'Invalid user from 1.2.3.4 port 22', undefined, '1.2.3.4'],
    ['a user name containing "from 10.0.0.1"', 'Invalid user admin from 10.0.0.1 from 192.0.2.7 port 22', 'admin from 10.0.0.1', '192.0.2.7'],
    ['a user name containing "from … port …"', 'Invalid user x from 10.0.0.1 port 22 from 192.0.2.7 port 5', 'x from 10.0.0.1 port 22', '192.0.2.7'],
    ['a user name "from"', 'Invalid user from from 192.0.2.8 port 22', 'from', '192.0.2.8'],
    ['several listen addresses', 'Invalid user a from 192.0.2.9 port 22 on 10.0.0.1 port 2222', 'a', '192.0.2.9'],
  ])('%s', (_, text, user, ip) => {
    const { d, log } = detector(invalidUser);
    d.process(sshd('web01', text, T0));
    expect(log.signals).toHaveLength(1);
    expect(log.last!.fields.user).toBe(user);
    expect(log.last!.fields.ip).toBe(ip);
  });

  it('counts lines of OpenSSH ≥ 9.8 (sshd-session) and ignores other programs', () => {
    const { d, log } = detector(invalidUser);
    d.process(received('<38>May  1 12:00:00 web01 sshd-session[9]: Invalid user a from 192.0.2.1 port 2', T0));
    d.process(received('<38>May  1 12:00:00 web01 not-sshd[9]: Invalid user a from 192.0.2.1 port 2', T0));
    expect(log.signals.map((s) => s.fields.appname)).toEqual(['sshd-session']);
  });

  it('fires on CrowdSec\'s slow brute force only when attempts come fast enough (by the lines\' own times)', () => {
    const lines = loadSshdFixture().filter((r) => r.sequence?.id === 'crowdsec:ssh-slow-bf');
    const { d, log } = detector(invalidUser);
    for (const r of lines) d.process(receivedAtOwnTime(r.raw, Date.UTC(2024, 11, 31)));
    expect(log.signals).toHaveLength(22);
    expect(log.firing()).toEqual([]); // two per minute: below 4 in 60 s
    const { d: d2, log: log2 } = detector({ ...invalidUser, window: '10m', threshold: 10 });
    for (const [i, r] of lines.entries()) d2.process(received(r.raw, T0 + i * 30 * S));
    expect(log2.firing()[0]?.count).toBe(10);
  });
});

describe('preset sshd-auth-failure', () => {
  it('defaults: 5 within 10 min, grouped by the attacker address (capture ip)', () => {
    expect(PRESETS['sshd-auth-failure']).toMatchObject({ windowMs: 600_000, threshold: 5, groupBy: ['ip'] });
  });

  it('counts the failure family fail2ban counts in normal mode, keyed by address', () => {
    const { d, log } = detector({ name: 'ssh_auth_failure', preset: 'sshd-auth-failure' });
    const texts = [
      'Failed password for root from 198.51.100.1 port 1 ssh2',
      'Failed password for invalid user test from 198.51.100.1 port 2 ssh2',
      'Failed keyboard-interactive/pam for invalid user x from 198.51.100.1 port 3 ssh2',
      'Invalid user test from 198.51.100.1 port 4',
      'error: maximum authentication attempts exceeded for root from 198.51.100.1 port 5 ssh2 [preauth]',
      'User root from 198.51.100.1 not allowed because listed in DenyUsers',
      'ROOT LOGIN REFUSED FROM 198.51.100.1',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.1  user=root',
      'Failed publickey for git from 198.51.100.1 port 6 ssh2: RSA SHA256:abc', // not counted: several keys per login
      'Accepted password for root from 198.51.100.1 port 7 ssh2',
    ];
    texts.forEach((t, i) => d.process(sshd('web01', t, T0 + i)));
    expect(log.signals.map((s) => s.key.ip)).toEqual(Array(8).fill('198.51.100.1'));
    expect(log.firing()).toHaveLength(4);
  });

  it('a user name ending in "ssh2: " cannot move the address of a Failed line', () => {
    const { d, log } = detector({ name: 'f', preset: 'sshd-auth-failure' });
    d.process(sshd('h', 'Failed password for invalid user x from 6.6.6.6 port 1 ssh2: from 192.0.2.1 port 5 ssh2', T0));
    expect(log.last?.fields.ip).toBe('192.0.2.1');
  });

  it('agrees with fail2ban and CrowdSec on sshd.jsonl at least at the stated floors', () => {
    const rows = sshdAgreement();
    const [f2bNormal, f2bOther, crowdsecLines, crowdsecScenarios] = rows;
    // fail2ban normal mode: ≥ 80% of lines (66/81 today). The rest: 12 failures fail2ban finds by joining
    // lines of one sshd process, 1 line without a program name, 2 where we take the last address (see README).
    expect(f2bNormal!.agree / f2bNormal!.total, formatAgreement(rows)).toBeGreaterThanOrEqual(0.8);
    expect(f2bNormal!.extra).toBe(0);
    expect(f2bOther!.agree).toBe(f2bOther!.total); // ddos/extra-mode lines are not normal-mode failures
    expect(crowdsecLines!.agree).toBe(crowdsecLines!.total);
    expect(crowdsecScenarios!.agree / crowdsecScenarios!.total).toBeGreaterThanOrEqual(0.8);
  });
});
