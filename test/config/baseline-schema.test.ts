import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import type { CompiledBaselineRule } from '../../src/config/rules-schema.js';
import { configProblems } from '../helpers/config-problems.js';

const base = { listeners: [{ protocol: 'udp', port: 0 }] };
const rules = (...r: unknown[]) => validateConfig({ ...base, rules: r }).rules;
const ok = { name: 'errs', type: 'baseline', match: { severity: 'err' } };

const problems = (...r: unknown[]) => configProblems(() => rules(...r));

describe('rules: baseline', () => {
  it('fills the defaults: interval 1m, warmup 30, sigma 3, minCount 10, alpha 0.1, forgetAfter 1d, resolveAfter max(2 × interval, 5m)', () => {
    const [r] = rules(ok) as CompiledBaselineRule[];
    expect(r).toMatchObject({
      name: 'errs', type: 'baseline', groupBy: ['host'], intervalMs: 60_000, warmup: 30, sigma: 3, minCount: 10, alpha: 0.1,
      forgetAfterMs: 86_400_000, resolveAfterMs: 300_000, maxKeys: 10_000, channel: null, preset: null,
    });
    expect(r!.match.severities).toEqual(['emerg', 'alert', 'crit', 'err']);
    expect(Object.isFrozen(r)).toBe(true);
    const [long] = rules({ ...ok, interval: '10m' }) as CompiledBaselineRule[];
    expect(long!.resolveAfterMs).toBe(1_200_000);
  });

  it('takes every option, durations as text or ms, and named captures for groupBy', () => {
    const [r] = rules({
      ...ok, match: { appname: 'nginx', message: 'upstream (?<upstream>\\S+) failed' }, groupBy: ['host', 'upstream'],
      interval: '30s', warmup: 5, sigma: 2.5, minCount: 1, alpha: 0.05, forgetAfter: 3_600_000, resolveAfter: '2m', maxKeys: 50, channel: '#ops',
    }) as CompiledBaselineRule[];
    expect(r).toMatchObject({
      groupBy: ['host', 'upstream'], captures: ['upstream'], intervalMs: 30_000, warmup: 5, sigma: 2.5, minCount: 1, alpha: 0.05,
      forgetAfterMs: 3_600_000, resolveAfterMs: 120_000, maxKeys: 50, channel: '#ops',
    });
  });

  it('rejects out-of-range options, each with its path', () => {
    expect(problems({ ...ok, interval: '500ms', sigma: 0, warmup: 0, minCount: 0, alpha: 1, forgetAfter: '31d' })).toEqual([
      'rules.0.interval: must be at least 1s',
      'rules.0.warmup: must be at least 1 interval',
      'rules.0.sigma: must be greater than 0',
      'rules.0.minCount: must be at least 1',
      'rules.0.alpha: must be between 0.001 and 0.5',
      'rules.0.forgetAfter: must be at most 30d',
    ]);
    expect(problems({ ...ok, interval: '2d', sigma: -1, warmup: 1.5, alpha: 0 })).toEqual([
      'rules.0.interval: must be at most 1d',
      expect.stringMatching(/^rules\.0\.warmup: .*int/),
      'rules.0.sigma: must be greater than 0',
      'rules.0.alpha: must be between 0.001 and 0.5',
    ]);
    expect(problems({ ...ok, interval: 'often' })).toEqual([expect.stringMatching(/^rules\.0\.interval: "often" is not a duration/)]);
  });

  it('checks resolveAfter and forgetAfter against the interval', () => {
    expect(problems({ ...ok, interval: '5m', resolveAfter: '1m', forgetAfter: '9m' })).toEqual([
      'rules.0.resolveAfter: must be at least the interval (5m), or a surge would resolve and re-open its incident every interval',
      'rules.0.forgetAfter: must be at least twice the interval (10m)',
    ]);
    expect(rules({ ...ok, interval: '5m', resolveAfter: '5m', forgetAfter: '10m' })).toHaveLength(1);
  });

  it('rejects keys of other rule types and groupBy fields the rule cannot produce', () => {
    expect(problems({ ...ok, window: '1m', threshold: 3 })).toEqual(['rules.0: Unrecognized keys: "window", "threshold"']);
    expect(problems({ ...ok, groupBy: ['user'] })).toEqual([
      'rules.0.groupBy: "user" is neither a message field nor a named capture of the rule\'s patterns (known: host, sourceIp, appname)',
    ]);
  });

  it('the definition covers every option, so a changed rule is a new rule (reload, baselines.json)', () => {
    const [a] = rules(ok) as CompiledBaselineRule[];
    for (const change of [{ interval: '2m' }, { sigma: 4 }, { warmup: 31 }, { minCount: 11 }, { alpha: 0.2 }, { forgetAfter: '2d' }, { resolveAfter: '6m' }, { groupBy: 'sourceIp' }, { match: { severity: 'crit' } }, { maxKeys: 5 }]) {
      const [b] = rules({ ...ok, ...change }) as CompiledBaselineRule[];
      expect(b!.canonical, JSON.stringify(change)).not.toBe(a!.canonical);
    }
    expect((rules(ok)[0] as CompiledBaselineRule).canonical).toBe(a!.canonical);
  });
});
