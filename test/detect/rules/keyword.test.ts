import { describe, expect, it } from 'vitest';
import type { CompiledKeywordRule } from '../../../src/config/rules-schema.js';
import { KeywordRule } from '../../../src/detect/rules/keyword.js';
import { SignalLog, T0, compileRule, received } from '../received.js';

const S = 1000;
const MIN = 60 * S;

function rule(extra: Record<string, unknown> = {}): { run: KeywordRule; log: SignalLog } {
  const log = new SignalLog();
  const compiled = compileRule({
    name: 'keywords', type: 'keyword', keywords: ['segfault', 'Out of memory', '%SYS-5-CONFIG_I', 'a.b'], resolveAfter: '10m', ...extra,
  }) as CompiledKeywordRule;
  return { run: new KeywordRule(compiled, log.onSignal), log };
}

const line = (host: string, text: string, at: number) => received(`<11>May  1 12:00:00 ${host} app[7]: ${text}`, at);

describe('KeywordRule', () => {
  it('the first hit fires; further hits are the same episode, counted; other lines emit nothing', () => {
    const { run, log } = rule();
    run.process(line('db1', 'all good', T0), T0);
    expect(log.signals).toEqual([]);
    run.process(line('db1', 'postgres[42]: segfault at 0 ip 0000', T0 + S), T0 + S);
    expect(log.last).toMatchObject({
      rule: 'keywords', ruleType: 'keyword', fingerprint: 'keywords{host="db1"}', count: 1, firing: true, threshold: 1, resolveAfterMs: 600_000,
    });
    expect(log.last?.fields).toMatchObject({ host: 'db1', keyword: 'segfault', appname: 'app' });
    run.process(line('db1', 'Out of memory: Killed process 42', T0 + 2 * S), T0 + 2 * S);
    expect(log.signals.map((s) => [s.count, s.firing, s.fingerprint])).toEqual([
      [1, true, 'keywords{host="db1"}'],
      [2, true, 'keywords{host="db1"}'],
    ]);
  });

  it('after resolveAfter without hits the key is back to normal: the next hit starts a new episode', () => {
    const { run, log } = rule();
    run.process(line('db1', 'segfault', T0), T0);
    run.process(line('db1', 'segfault', T0 + 9 * MIN), T0 + 9 * MIN);
    run.process(line('db1', 'segfault', T0 + 18 * MIN), T0 + 18 * MIN); // 9 min after the last hit: same episode
    run.process(line('db1', 'segfault', T0 + 28 * MIN + 1), T0 + 28 * MIN + 1); // 10 min of quiet: new episode
    expect(log.signals.map((s) => s.count)).toEqual([1, 2, 3, 1]);
    run.process(line('db1', 'segfault', T0 + 38 * MIN + 1), T0 + 38 * MIN + 1); // exactly resolveAfter later: resolved, as the alert manager sees it
    expect(log.last?.count).toBe(1);
  });

  it('keys are separate per host', () => {
    const { run, log } = rule();
    run.process(line('a', 'segfault', T0), T0);
    run.process(line('b', 'segfault', T0), T0);
    expect(log.signals.map((s) => [s.key.host, s.count])).toEqual([['a', 1], ['b', 1]]);
  });

  it('keywords are literal, case-sensitive substrings (ignoreCase: true to fold case)', () => {
    const { run, log } = rule();
    for (const text of ['axb', 'SEGFAULT', 'out of memory', '%SYS-5-CONFIG_I: Configured from console', 'x a.b y']) run.process(line('h', text, T0), T0);
    expect(log.signals.map((s) => s.fields.keyword)).toEqual(['%SYS-5-CONFIG_I', 'a.b']);
    const folded = rule({ ignoreCase: true });
    folded.run.process(line('h', 'SEGFAULT', T0), T0);
    expect(folded.log.signals).toHaveLength(1);
  });

  it('patterns may capture fields to group by', () => {
    const { run, log } = rule({ keywords: undefined, patterns: ['link (?<iface>eth\\d+) down'], groupBy: ['host', 'iface'] });
    run.process(line('sw1', 'link eth3 down', T0), T0);
    run.process(line('sw1', 'link eth4 down', T0), T0);
    run.process(line('sw1', 'link eth3 down', T0 + S), T0 + S);
    expect(log.signals.map((s) => [s.fingerprint, s.count])).toEqual([
      ['keywords{host="sw1",iface="eth3"}', 1],
      ['keywords{host="sw1",iface="eth4"}', 1],
      ['keywords{host="sw1",iface="eth3"}', 2],
    ]);
    expect(log.last?.fields.iface).toBe('eth3');
  });

  it('match filters run first, and exclude suppresses a hit', () => {
    const { run, log } = rule({ match: { appname: 'kernel', exclude: 'test run' } });
    run.process(line('h', 'segfault', T0), T0); // appname "app"
    run.process(received('<3>May  1 12:00:00 h kernel: segfault in test run', T0), T0);
    run.process(received('<3>May  1 12:00:00 h kernel: segfault at 0', T0), T0);
    expect(log.signals).toHaveLength(1);
    expect(run.stats()).toMatchObject({ rule: 'keywords', ruleType: 'keyword', matches: 1, firing: 1, trackedKeys: 1, evictions: 0 });
  });

  it('state is capped at maxKeys, evictions counted', () => {
    const { run } = rule({ maxKeys: 2 });
    for (const h of ['a', 'b', 'c', 'd']) run.process(line(h, 'segfault', T0), T0);
    expect(run.stats()).toMatchObject({ trackedKeys: 2, evictions: 2 });
  });
});

describe('KeywordRule on the program name', () => {
  it('finds Cisco mnemonics, which the parser reads as the appname', () => {
    const { run, log } = rule();
    run.process(received('<189>May  1 12:00:00 rtr1 : %SYS-5-CONFIG_I: Configured from console by admin on vty0', T0), T0);
    expect(log.last).toMatchObject({ key: { host: 'rtr1' }, fields: { keyword: '%SYS-5-CONFIG_I' } });
  });
});
