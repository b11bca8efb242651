import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { expandSeverities, type CompiledKeywordRule, type CompiledThresholdRule } from '../../src/config/rules-schema.js';
import { configProblems } from '../helpers/config-problems.js';

const base = { listeners: [{ protocol: 'udp', port: 0 }] };
const rules = (...r: unknown[]) => validateConfig({ ...base, rules: r }).rules;

const problems = (...r: unknown[]) => configProblems(() => rules(...r));

describe('rules: threshold', () => {
  it('compiles durations to ms and fills defaults (groupBy host, resolveAfter max(window, 5m), maxKeys 10000)', () => {
    const [r] = rules({ name: 'burst', type: 'threshold', match: { message: '^boom (?<what>\\w+)' }, window: '90s', threshold: 3 }) as CompiledThresholdRule[];
    expect(r).toMatchObject({
      name: 'burst', type: 'threshold', preset: null, windowMs: 90_000, threshold: 3, groupBy: ['host'], distinct: null,
      resolveAfterMs: 300_000, maxKeys: 10_000, channel: null, captures: ['what'],
    });
    expect(r!.match.message[0]).toBeInstanceOf(RegExp);
    expect(Object.isFrozen(r)).toBe(true);
    expect(r!.match.message[0]!.exec('boom x')?.groups?.what).toBe('x'); // a frozen regex still runs
    const [long] = rules({ name: 'l', type: 'threshold', window: '1h', threshold: 3 }) as CompiledThresholdRule[];
    expect(long!.resolveAfterMs).toBe(3_600_000);
  });

  it('a preset implies type threshold and fills match, groupBy, window and threshold; the rule\'s own keys win', () => {
    const [plain, tuned] = rules(
      { name: 'a', preset: 'sshd-invalid-user' },
      { name: 'b', preset: 'sshd-auth-failure', window: '1h', threshold: 20, groupBy: ['ip', 'host'], match: { hostname: 'bastion*' }, maxKeys: 500 },
    ) as CompiledThresholdRule[];
    expect(plain).toMatchObject({ type: 'threshold', preset: 'sshd-invalid-user', windowMs: 60_000, threshold: 4, groupBy: ['host'], captures: ['user', 'ip'] });
    expect(tuned).toMatchObject({ preset: 'sshd-auth-failure', windowMs: 3_600_000, threshold: 20, groupBy: ['ip', 'host'], maxKeys: 500 });
    expect(tuned!.match.appnames).toEqual(['sshd', 'sshd-session']);
    expect(tuned!.match.hostnames).toEqual(['bastion*']);
    expect(tuned!.match.message.length).toBeGreaterThan(5);
  });

  it('a rule may replace a preset\'s message patterns', () => {
    const [r] = rules({ name: 'a', preset: 'sshd-invalid-user', match: { message: '^Bad user (?<user>\\S+) from (?<ip>\\S+)$' } });
    expect(r!.match.message.map((m) => m.source)).toEqual(['^Bad user (?<user>\\S+) from (?<ip>\\S+)$']);
    expect(r!.match.appnames).toEqual(['sshd', 'sshd-session']);
  });

  it('checks that groupBy and distinct name a message field or a named capture', () => {
    expect(problems({ name: 'a', preset: 'sshd-invalid-user', groupBy: ['host', 'usr'], distinct: 'login' })).toEqual([
      'rules.0.groupBy: "usr" is neither a message field nor a named capture of the rule\'s patterns (known: host, sourceIp, appname, user, ip)',
      'rules.0.distinct: "login" is neither a message field nor a named capture of the rule\'s patterns (known: host, sourceIp, appname, user, ip)',
    ]);
    expect(problems({ name: 'a', type: 'threshold', window: '1m', threshold: 2, groupBy: ['host', 'host'] })).toEqual(['rules.0.groupBy: "host" is listed twice']);
    expect(rules({ name: 'a', preset: 'sshd-auth-failure', distinct: 'user', groupBy: 'ip' })[0]).toMatchObject({ distinct: 'user', groupBy: ['ip'] });
  });

  it('needs window and threshold when no preset gives them', () => {
    expect(problems({ name: 'a', type: 'threshold' })).toEqual(['rules.0.window: required (no preset supplies it)', 'rules.0.threshold: required (no preset supplies it)']);
  });

  it('bounds state: maxKeys × threshold at most 10,000,000', () => {
    expect(problems({ name: 'a', type: 'threshold', window: '1m', threshold: 1000, maxKeys: 100_000 })[0]).toMatch(/^rules\.0\.maxKeys: maxKeys × threshold is 100000000/);
  });
});

describe('rules: keyword', () => {
  it('compiles keywords (literal) and patterns into one scan, default resolveAfter 10m', () => {
    const [r] = rules({ name: 'kw', type: 'keyword', keywords: ['a.b', '(x)', 'kernel panic'], patterns: ['link (?<iface>\\S+) down'], groupBy: ['host', 'iface'] }) as CompiledKeywordRule[];
    expect(r).toMatchObject({ type: 'keyword', resolveAfterMs: 600_000, groupBy: ['host', 'iface'], captures: ['iface'], ignoreCase: false });
    expect(r!.scan.test('xa.bx')).toBe(true);
    expect(r!.scan.test('axb')).toBe(false);
    expect(r!.scan.test('(x)')).toBe(true);
    expect(r!.scan.exec('link eth0 down')?.groups?.iface).toBe('eth0');
    expect(r!.scan.flags).toBe('');
  });

  it('refuses a keyword rule without keywords, patterns matching the empty string and a capture name used twice', () => {
    expect(problems({ name: 'kw', type: 'keyword' })).toEqual(['rules.0.keywords: a keyword rule needs at least one keyword or pattern']);
    expect(problems({ name: 'kw', type: 'keyword', patterns: ['x', 'a*'] })).toEqual(['rules.0.patterns.1: the pattern can match the empty string, so it would hit every line']);
    expect(problems({ name: 'kw', type: 'keyword', patterns: ['(?<x>a)b', '(?<x>c)d'] })).toEqual([
      'rules.0.patterns.1: the capture name "x" is already used by match.message or another pattern',
    ]);
  });

  it('does not take presets, windows or thresholds', () => {
    expect(problems({ name: 'kw', type: 'keyword', keywords: ['x'], preset: 'sshd-invalid-user', window: '1m' })).toEqual(['rules.0: Unrecognized keys: "preset", "window"']);
  });
});

describe('rules: patterns, names and selectors', () => {
  it('refuses unsafe and invalid regexes with their path', () => {
    const p = problems({ name: 'a', type: 'threshold', match: { message: ['ok', '(a+)+$', '(unclosed'], exclude: '(x|x)*' }, window: '1m', threshold: 2 });
    expect(p).toEqual([
      expect.stringMatching(/^rules\.0\.match\.message\.1: unsafe pattern: nested repetition/),
      expect.stringMatching(/^rules\.0\.match\.message\.2: Invalid regular expression/),
      expect.stringMatching(/^rules\.0\.match\.exclude: unsafe pattern: ambiguous repeated alternation/),
    ]);
    expect(problems({ name: 'a', type: 'keyword', patterns: ['(?<w>\\w)\\k<w>'] })[0]).toMatch(/^rules\.0\.patterns\.0: unsafe pattern: backreferences/);
  });

  it('rule names are unique, [a-z0-9_-]; unknown keys, types and presets are named', () => {
    const ok = { type: 'threshold', window: '1m', threshold: 2 };
    expect(problems({ name: 'dup', ...ok }, { name: 'dup', ...ok })).toEqual(['rules.1.name: "dup" is already used by rules.0']);
    expect(problems({ name: 'Bad Name', ...ok })[0]).toMatch(/^rules\.0\.name: must be 1-64 characters from a-z/);
    expect(problems({ name: 'a', ...ok, colour: 'red' })).toEqual(['rules.0: Unrecognized key: "colour"']);
    expect(problems({ name: 'a' })).toEqual(['rules.0.type: must be "threshold", "keyword" or "baseline" (or leave type out and give a preset)']);
    expect(problems({ name: 'a', preset: 'sshd-everything' })[0]).toMatch(/^rules\.0\.preset: Invalid option/);
    expect(problems({ name: 'a', ...ok, match: { facility: 'nope', severity: 'loud', apname: 'x' } })).toEqual([
      expect.stringMatching(/^rules\.0\.match\.facility: must be a facility/),
      expect.stringMatching(/^rules\.0\.match\.severity: must be a severity/),
      'rules.0.match: Unrecognized key: "apname"',
    ]);
    expect(problems({ name: 'a', ...ok, window: '8d', resolveAfter: 0 })).toEqual(['rules.0.resolveAfter: must be longer than 0', 'rules.0.window: must be at most 7d']);
  });

  it('severity selectors: a name is that level or more severe, "=name" exactly it, a list the union', () => {
    expect(expandSeverities(['err'])).toEqual(['emerg', 'alert', 'crit', 'err']);
    expect(expandSeverities(['=info'])).toEqual(['info']);
    expect(expandSeverities(['=debug', 'alert'])).toEqual(['emerg', 'alert', 'debug']);
    expect(rules({ name: 'a', type: 'threshold', window: '1m', threshold: 1, match: { severity: 'warning' } })[0]!.match.severities).toEqual(['emerg', 'alert', 'crit', 'err', 'warning']);
  });

  it('canonical: equal definitions give equal strings, whatever the spelling', () => {
    const a = rules({ name: 'a', preset: 'sshd-invalid-user' })[0]!;
    const b = rules({ name: 'a', type: 'threshold', preset: 'sshd-invalid-user', window: 60000, threshold: 4, groupBy: 'host', maxKeys: 10000 })[0]!;
    const c = rules({ name: 'a', preset: 'sshd-invalid-user', threshold: 5 })[0]!;
    expect(a.canonical).toBe(b.canonical);
    expect(a.canonical).not.toBe(c.canonical);
  });
});
