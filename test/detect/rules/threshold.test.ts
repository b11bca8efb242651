import { describe, expect, it } from 'vitest';
import type { CompiledThresholdRule } from '../../../src/config/rules-schema.js';
import { ThresholdRule } from '../../../src/detect/rules/threshold.js';
import { SignalLog, T0, compileRule, received, sshd } from '../received.js';

const S = 1000;

function rule(extra: Record<string, unknown> = {}): { run: ThresholdRule; log: SignalLog } {
  const log = new SignalLog();
  const compiled = compileRule({
    name: 'bursts', type: 'threshold', match: { appname: 'sshd', message: '^Invalid user (?<user>\\S*) from (?<ip>\\S+)' },
    window: '60s', threshold: 5, ...extra,
  }) as CompiledThresholdRule;
  return { run: new ThresholdRule(compiled, log.onSignal), log };
}

const attempt = (host: string | null, at: number, user = 'admin', ip = '203.0.113.9', sender?: string) =>
  sshd(host, `Invalid user ${user} from ${ip} port 4242`, at, sender);

describe('ThresholdRule', () => {
  it('N-1 matches inside the window do not fire, the Nth does', () => {
    const { run, log } = rule();
    for (let i = 0; i < 4; i++) run.process(attempt('web01', T0 + i * S), T0 + i * S);
    expect(log.signals.map((s) => [s.count, s.firing])).toEqual([[1, false], [2, false], [3, false], [4, false]]);
    run.process(attempt('web01', T0 + 4 * S), T0 + 4 * S);
    expect(log.last).toMatchObject({ count: 5, firing: true, threshold: 5, windowMs: 60_000 });
  });

  it('matches spread wider than the window never fire', () => {
    const { run, log } = rule();
    for (let i = 0; i < 20; i++) run.process(attempt('web01', T0 + i * 16 * S), T0 + i * 16 * S); // 4 per 64 s at most
    expect(log.firing()).toEqual([]);
    expect(Math.max(...log.signals.map((s) => s.count))).toBe(4);
  });

  it('a burst across a minute boundary fires (3 at t+55..57 and 2 at t+62..63 are 5 within 60 s)', () => {
    const { run, log } = rule();
    for (const s of [55, 56, 57, 62, 63]) run.process(attempt('web01', T0 + s * S), T0 + s * S);
    expect(log.last).toMatchObject({ count: 5, firing: true });
  });

  it('two hosts interleaved count separately', () => {
    const { run, log } = rule();
    for (let i = 0; i < 8; i++) {
      const host = i % 2 === 0 ? 'web01' : 'web02';
      run.process(attempt(host, T0 + i * S), T0 + i * S);
    }
    expect(log.firing()).toEqual([]);
    expect(log.signals.filter((s) => s.key.host === 'web02').map((s) => s.count)).toEqual([1, 2, 3, 4]);
    expect(new Set(log.signals.map((s) => s.fingerprint))).toEqual(new Set(['bursts{host="web01"}', 'bursts{host="web02"}']));
  });

  it('a line without a hostname is keyed by its sender address', () => {
    const { run, log } = rule();
    run.process(attempt(null, T0, 'admin', '203.0.113.9', '192.0.2.44'), T0);
    expect(log.last).toMatchObject({ key: { host: '192.0.2.44' }, fingerprint: 'bursts{host="192.0.2.44"}' });
  });

  it('groups by named captures and by sourceIp', () => {
    const { run, log } = rule({ groupBy: ['ip', 'sourceIp'] });
    run.process(attempt('web01', T0, 'a', '198.51.100.1', '10.0.0.1'), T0);
    run.process(attempt('web02', T0 + S, 'b', '198.51.100.1', '10.0.0.1'), T0 + S);
    run.process(attempt('web02', T0 + S, 'b', '198.51.100.2', '10.0.0.1'), T0 + S);
    expect(log.signals.map((s) => [s.fingerprint, s.count])).toEqual([
      ['bursts{ip="198.51.100.1",sourceIp="10.0.0.1"}', 1],
      ['bursts{ip="198.51.100.1",sourceIp="10.0.0.1"}', 2],
      ['bursts{ip="198.51.100.2",sourceIp="10.0.0.1"}', 1],
    ]);
  });

  it('distinct counts different values of a capture: user enumeration, not retries', () => {
    const { run, log } = rule({ groupBy: 'ip', distinct: 'user', threshold: 3 });
    for (const [i, user] of ['root', 'root', 'root', 'admin', 'root', 'pi'].entries()) run.process(attempt('h', T0 + i * S, user), T0 + i * S);
    expect(log.signals.map((s) => s.count)).toEqual([1, 1, 1, 2, 2, 3]);
    expect(log.last?.firing).toBe(true);
  });

  it('a firing Signal says when the burst began: the oldest match inside the window', () => {
    const { run, log } = rule({ threshold: 3, window: '60s' });
    for (const t of [T0, T0 + 10 * S, T0 + 20 * S]) run.process(attempt('h', t, 'u'), t);
    expect(log.last).toMatchObject({ firing: true, count: 3, at: T0 + 20 * S, firstAt: T0 });
    run.process(attempt('h', T0 + 65 * S, 'u'), T0 + 65 * S);
    expect(log.last).toMatchObject({ firing: true, count: 3, firstAt: T0 + 10 * S });
    const { run: distinct, log: dlog } = rule({ threshold: 2, distinct: 'user', groupBy: 'ip' });
    distinct.process(attempt('h', T0, 'root'), T0);
    distinct.process(attempt('h', T0 + 5 * S, 'admin'), T0 + 5 * S);
    expect(dlog.last).toMatchObject({ firing: true, firstAt: T0 });
  });

  it('exclude drops lines before they count', () => {
    const { run, log } = rule({ match: { appname: 'sshd', message: '^Invalid user (?<user>\\S*) from', exclude: 'from 10\\.' } });
    run.process(attempt('h', T0, 'x', '10.1.2.3'), T0);
    run.process(attempt('h', T0, 'x', '192.0.2.1'), T0);
    expect(log.signals).toHaveLength(1);
    expect(run.stats().matches).toBe(1);
  });

  it('a Signal carries the captures, host, sourceIp, appname, the raw line, resolveAfter and channel', () => {
    const { run, log } = rule({ channel: '#security', resolveAfter: '15m' });
    const m = attempt('web01', T0, 'oracle', '203.0.113.50', '10.0.0.9');
    run.process(m, T0);
    expect(log.last).toEqual({
      rule: 'bursts', ruleType: 'threshold', fingerprint: 'bursts{host="web01"}', key: { host: 'web01' }, at: T0, firstAt: T0, count: 1,
      firing: false, threshold: 5, windowMs: 60_000, resolveAfterMs: 900_000,
      fields: { user: 'oracle', ip: '203.0.113.50', host: 'web01', sourceIp: '10.0.0.9', appname: 'sshd' },
      sample: m.frame.bytes.toString(), channel: '#security',
    });
  });

  it('state is capped at maxKeys: the least recent key is evicted and counted', () => {
    const { run, log } = rule({ maxKeys: 3 });
    for (let i = 0; i < 5; i++) run.process(attempt(`h${i}`, T0 + i), T0 + i);
    expect(run.stats()).toMatchObject({ trackedKeys: 3, evictions: 2, matches: 5 });
    run.process(attempt('h0', T0 + 10), T0 + 10); // h0 was evicted: it starts again at 1
    expect(log.last?.count).toBe(1);
  });

  it('a key idle for a whole window expires; the next match starts from 1', () => {
    const { run, log } = rule();
    run.process(attempt('h', T0), T0);
    run.process(attempt('other', T0 + 70 * S), T0 + 70 * S);
    run.purgeStale(T0 + 70 * S);
    expect(run.stats().trackedKeys).toBe(1);
    run.process(attempt('h', T0 + 71 * S), T0 + 71 * S);
    expect(log.last?.count).toBe(1);
  });

  it('does not run its regex on lines the cheap filters reject, and emits nothing for them', () => {
    const { run, log } = rule();
    run.process(received('<13>May  1 12:00:00 h cron[1]: Invalid user x from 1.2.3.4', T0), T0);
    expect(log.signals).toEqual([]);
    expect(run.stats().matches).toBe(0);
  });
});
