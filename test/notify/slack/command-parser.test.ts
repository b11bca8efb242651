import { describe, expect, it } from 'vitest';
import { commandUsage, MAX_MUTE_MS, parseSlashCommand, unescapeCommandText, type ParsedCommand } from '../../../src/notify/slack/command-parser.js';

const H = 3_600_000;
const ok = (r: ParsedCommand) => {
  if (!r.ok) throw new Error(`expected a command, got the error: ${r.error}`);
  return r.command;
};
const err = (r: ParsedCommand) => {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.command)}`);
  return r.error;
};

describe('parseSlashCommand', () => {
  it.each(['', '   ', 'help', 'HELP', ' Help '])('%j is help', (text) => {
    expect(ok(parseSlashCommand(text))).toEqual({ kind: 'help' });
  });

  it('mutes and status take no arguments (any case)', () => {
    expect(ok(parseSlashCommand('mutes'))).toEqual({ kind: 'mutes' });
    expect(ok(parseSlashCommand('Status'))).toEqual({ kind: 'status' });
    expect(ok(parseSlashCommand('MUTES'))).toEqual({ kind: 'mutes' });
    expect(err(parseSlashCommand('mutes all'))).toBe('`mutes` takes no arguments.');
    expect(err(parseSlashCommand('status now'))).toBe('`status` takes no arguments.');
  });

  it('undoes the escaping Slack applies to a command text (&lt; &gt; &amp;), so values and comments read as typed', () => {
    expect(unescapeCommandText('a &lt;b&gt; &amp;lt; c')).toBe('a <b> &lt; c');
    expect(ok(parseSlashCommand('mute host=~web&lt;1&gt;|db&amp;x 1h deploy &amp; test'))).toEqual({
      kind: 'mute',
      matchers: [{ name: 'host', value: 'web<1>|db&x', isRegex: true }],
      durationMs: H,
      comment: 'deploy & test',
    });
  });

  it('an unknown subcommand is named in the error', () => {
    expect(err(parseSlashCommand('silence host=web01 1h'))).toBe('Unknown subcommand `silence`. Try `help`.');
  });

  describe('mute', () => {
    it('one matcher and a duration', () => {
      expect(ok(parseSlashCommand('mute host=rpi-03 2h'))).toEqual({
        kind: 'mute',
        matchers: [{ name: 'host', value: 'rpi-03', isRegex: false }],
        durationMs: 2 * H,
        comment: '',
      });
    });

    it('several matchers, a compound duration and a comment (extra spaces collapsed)', () => {
      expect(ok(parseSlashCommand('  mute   rule=sshd-invalid-user  host=web01   1h30m   noisy   scanner  '))).toEqual({
        kind: 'mute',
        matchers: [
          { name: 'rule', value: 'sshd-invalid-user', isRegex: false },
          { name: 'host', value: 'web01', isRegex: false },
        ],
        durationMs: 90 * 60_000,
        comment: 'noisy scanner',
      });
    });

    it('=~ makes a regex matcher; = inside a value is part of the value', () => {
      expect(ok(parseSlashCommand('mute host=~web0[12] msg=a=b 30m'))).toMatchObject({
        matchers: [
          { name: 'host', value: 'web0[12]', isRegex: true },
          { name: 'msg', value: 'a=b', isRegex: false },
        ],
      });
      expect(ok(parseSlashCommand('mute host==x 30m'))).toMatchObject({ matchers: [{ name: 'host', value: '=x', isRegex: false }] });
    });

    it('a matcher-looking word after the duration belongs to the comment', () => {
      expect(ok(parseSlashCommand('mute host=a 1h see host=b'))).toMatchObject({ matchers: [{ name: 'host', value: 'a' }], comment: 'see host=b' });
    });

    it('refuses a mute without a matcher', () => {
      expect(err(parseSlashCommand('mute 2h'))).toMatch(/^Say what to mute with at least one matcher/);
      expect(err(parseSlashCommand('mute'))).toMatch(/^Say what to mute/);
      expect(err(parseSlashCommand('mute web01 2h'))).toMatch(/^Say what to mute/);
      expect(err(parseSlashCommand('mute 1host=a 2h'))).toMatch(/^Say what to mute/); // not a field name
    });

    it('refuses a matcher without a value', () => {
      expect(err(parseSlashCommand('mute host= 2h'))).toBe('`host=` has no value: write `host=<value>`.');
      expect(err(parseSlashCommand('mute host=~ 2h'))).toBe('`host=~` has no value: write `host=~<value>`.');
    });

    it('refuses more than 8 matchers', () => {
      const nine = Array.from({ length: 9 }, (_, i) => `f${i}=v`).join(' ');
      expect(err(parseSlashCommand(`mute ${nine} 1h`))).toBe('At most 8 matchers.');
      const eight = Array.from({ length: 8 }, (_, i) => `f${i}=v`).join(' ');
      expect(ok(parseSlashCommand(`mute ${eight} 1h`))).toMatchObject({ kind: 'mute' });
    });

    it('needs a duration after the matchers', () => {
      expect(err(parseSlashCommand('mute host=a'))).toBe('Missing the duration after the matchers, e.g. `30m`, `2h` or `1d`.');
    });

    it.each(['soon', '2 h', '2H', '1w', '-1h', '1.5h', 'h'])('refuses the bad duration %j', (d) => {
      expect(err(parseSlashCommand(`mute host=a ${d}`))).toMatch(/is not a duration: use e\.g\. 30m, 2h or 1d|^A mute lasts/);
    });

    it('names the word it could not read as a duration', () => {
      expect(err(parseSlashCommand('mute host=a soon'))).toBe('`soon` is not a duration: use e.g. 30m, 2h or 1d (matchers are name=value).');
    });

    it('a mute lasts between 1m and 30d', () => {
      expect(err(parseSlashCommand('mute host=a 59s'))).toBe('A mute lasts at least 1m.');
      expect(err(parseSlashCommand('mute host=a 0m'))).toBe('A mute lasts at least 1m.');
      expect(ok(parseSlashCommand('mute host=a 1m'))).toMatchObject({ durationMs: 60_000 });
      expect(ok(parseSlashCommand('mute host=a 30d'))).toMatchObject({ durationMs: MAX_MUTE_MS });
      expect(err(parseSlashCommand('mute host=a 30d1s'))).toBe('A mute lasts at most 30d.');
      expect(err(parseSlashCommand('mute host=a 31d'))).toBe('A mute lasts at most 30d.');
    });

    it('the comment is at most 500 characters', () => {
      expect(ok(parseSlashCommand(`mute host=a 1h ${'x'.repeat(500)}`))).toMatchObject({ comment: 'x'.repeat(500) });
      expect(err(parseSlashCommand(`mute host=a 1h ${'x'.repeat(501)}`))).toBe('The comment is longer than 500 characters.');
      expect(err(parseSlashCommand(`mute host=a 1h ${'x '.repeat(250)}y`))).toBe('The comment is longer than 500 characters.');
    });
  });

  describe('unmute', () => {
    it('takes exactly one id of 6 to 64 letters, digits or dashes', () => {
      expect(ok(parseSlashCommand('unmute 3f2a9c'))).toEqual({ kind: 'unmute', id: '3f2a9c' });
      expect(ok(parseSlashCommand('UNMUTE 3f2a9c1e-0000-4000-8000-000000000001'))).toEqual({ kind: 'unmute', id: '3f2a9c1e-0000-4000-8000-000000000001' });
      expect(err(parseSlashCommand('unmute'))).toBe('Usage: `unmute <id>` (see `mutes` for the ids).');
      expect(err(parseSlashCommand('unmute abcdef ghijkl'))).toBe('Usage: `unmute <id>` (see `mutes` for the ids).');
      expect(err(parseSlashCommand('unmute abcde'))).toBe('A mute id is at least 6 letters, digits or dashes (see `mutes`).');
      expect(err(parseSlashCommand('unmute abc<!x>def'))).toMatch(/^A mute id is/);
      expect(err(parseSlashCommand(`unmute ${'a'.repeat(65)}`))).toMatch(/^A mute id is/);
    });
  });
});

describe('commandUsage', () => {
  it('lists every subcommand with the configured command name', () => {
    const text = commandUsage('/alerts');
    for (const sub of ['mute', 'unmute', 'mutes', 'status', 'help']) expect(text).toContain(`*/alerts ${sub}*`);
    expect(text).toContain('`/alerts mute host=rpi-03 2h`');
    expect(text).toContain('at most 30d');
    expect(text).not.toContain('/syslog');
  });

  it('every example in the help text parses', () => {
    const examples = [...commandUsage('/syslog').matchAll(/`\/syslog ([^`]+)`/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const e of examples) expect(parseSlashCommand(e).ok).toBe(true);
  });
});
