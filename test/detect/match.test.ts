import { describe, expect, it } from 'vitest';
import type { CompiledMatch } from '../../src/config/rules-schema.js';
import { MAX_MATCH_CHARS, Matcher, NO_CAPTURES, matchText } from '../../src/detect/match.js';
import { compileRule, received, T0 } from './received.js';

function matcher(match: unknown): Matcher {
  return new Matcher(compileRule({ name: 'm', type: 'threshold', window: '1m', threshold: 1, match }).match as CompiledMatch);
}

const line = (pri: number, host: string, app: string, text: string) => received(`<${pri}>May  1 12:00:00 ${host} ${app}[1]: ${text}`, T0);

describe('Matcher', () => {
  it('without conditions matches everything, with no captures', () => {
    expect(matcher({}).match(line(13, 'h', 'x', 'anything'))).toBe(NO_CAPTURES);
  });

  it('appname: one name or a list, exact', () => {
    const m = matcher({ appname: ['sshd', 'sshd-session'] });
    expect(m.match(line(38, 'h', 'sshd', 'x'))).not.toBeNull();
    expect(m.match(line(38, 'h', 'sshd-session', 'x'))).not.toBeNull();
    expect(m.match(line(38, 'h', 'sshd2', 'x'))).toBeNull();
    expect(m.match(received('<38>no program here', T0))).toBeNull();
    expect(matcher({ appname: 'cron' }).match(line(38, 'h', 'cron', 'x'))).not.toBeNull();
  });

  it('severity: a name means that level or more severe, "=name" exactly that level, a list the union', () => {
    const err = matcher({ severity: 'err' });
    expect(err.match(line(8 + 3, 'h', 'a', 'x'))).not.toBeNull(); // user.err
    expect(err.match(line(8 + 0, 'h', 'a', 'x'))).not.toBeNull(); // user.emerg
    expect(err.match(line(8 + 4, 'h', 'a', 'x'))).toBeNull(); // user.warning
    const exact = matcher({ severity: ['=info', 'crit'] });
    expect(exact.match(line(8 + 6, 'h', 'a', 'x'))).not.toBeNull();
    expect(exact.match(line(8 + 5, 'h', 'a', 'x'))).toBeNull();
    expect(exact.match(line(8 + 1, 'h', 'a', 'x'))).not.toBeNull();
  });

  it('facility: a name or a list', () => {
    const m = matcher({ facility: ['auth', 'authpriv'] });
    expect(m.match(line(4 * 8 + 6, 'h', 'a', 'x'))).not.toBeNull();
    expect(m.match(line(10 * 8 + 6, 'h', 'a', 'x'))).not.toBeNull();
    expect(m.match(line(1 * 8 + 6, 'h', 'a', 'x'))).toBeNull();
  });

  it('hostname: globs on the host (the sender address when the message names none)', () => {
    const m = matcher({ hostname: ['web*', '10.9.*'] });
    expect(m.match(line(13, 'WEB-01', 'a', 'x'))).not.toBeNull();
    expect(m.match(line(13, 'db-01', 'a', 'x'))).toBeNull();
    expect(m.match(received('<13>hello', T0, { remoteAddress: '10.9.8.7' }))).not.toBeNull();
  });

  it('message: the first pattern that matches gives its named captures; exclude skips the line', () => {
    const m = matcher({ message: ['^Failed (?<method>\\S+) for (?<user>\\S+)', '^Denied (?<user>\\S+)'], exclude: 'for git ' });
    expect({ ...m.match(line(13, 'h', 'a', 'Failed password for root from 1.2.3.4')) }).toEqual({ method: 'password', user: 'root' });
    expect({ ...m.match(line(13, 'h', 'a', 'Denied bob')) }).toEqual({ user: 'bob' });
    expect(m.match(line(13, 'h', 'a', 'Failed publickey for git from 1.2.3.4'))).toBeNull();
    expect(m.match(line(13, 'h', 'a', 'Accepted password for root'))).toBeNull();
    expect(matcher({ exclude: 'noise' }).match(line(13, 'h', 'a', 'some noise'))).toBeNull();
  });

  it('ignoreCase applies to message and exclude', () => {
    const m = matcher({ message: 'out of memory', exclude: 'TEST', ignoreCase: true });
    expect(m.match(line(13, 'h', 'a', 'Out Of Memory: killed'))).not.toBeNull();
    expect(m.match(line(13, 'h', 'a', 'out of memory (test)'))).toBeNull();
  });

  it(`patterns see at most ${MAX_MATCH_CHARS} characters of a message`, () => {
    const long = line(13, 'h', 'a', `${'x'.repeat(MAX_MATCH_CHARS)}NEEDLE`);
    expect(matchText(long)).toHaveLength(MAX_MATCH_CHARS);
    expect(matcher({ message: 'NEEDLE' }).match(long)).toBeNull();
    const short = line(13, 'h', 'a', 'NEEDLE');
    expect(matchText(short)).toBe(short.syslog.message);
  });

  it('patterns see the message without its leading spaces (rsyslog RFC 5424 templates send two)', () => {
    const spaced = line(13, 'h', 'sshd', ' \tInvalid user admin from 10.0.0.1');
    expect(matchText(spaced)).toBe('Invalid user admin from 10.0.0.1');
    expect(matcher({ message: '^Invalid user' }).match(spaced)).not.toBeNull();
    const long = line(13, 'h', 'a', `  ${'x'.repeat(MAX_MATCH_CHARS + 10)}`);
    expect(matchText(long)).toHaveLength(MAX_MATCH_CHARS);
  });
});
