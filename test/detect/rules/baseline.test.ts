import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertManager } from '../../../src/alert/manager.js';
import type { CompiledBaselineRule } from '../../../src/config/rules-schema.js';
import { BaselineRule } from '../../../src/detect/rules/baseline.js';
import { BaselineStore } from '../../../src/detect/rules/baseline-store.js';
import { foldValue, foldZeros, limitOf, type EwmaState } from '../../../src/detect/rules/ewma.js';
import { Random } from '../../../src/simulate/prng.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { RecordingNotifier } from '../../helpers/recording-notifier.js';
import { SignalLog, T0, compileRule, received } from '../received.js';
import { testAlerting } from '../../helpers/alerting.js';

const I = 60_000; // the rules' interval
const silent = pino({ level: 'silent' });
const ALERTING = testAlerting({ updateIntervalMs: I });
const RULE = { name: 'errors', type: 'baseline', match: { severity: 'err' }, interval: '1m', warmup: 10, minCount: 5 };

/** An err line (priority 11 = user.err) from `host`. */
const errLine = (host: string, at: number, n = 0) => received(`<11>May  1 12:00:00 ${host} app[7]: disk error ${n}`, at);

/**
 * A baseline rule feeding an alert manager (in memory) on a fake clock. `interval(i, counts)` sends, for each
 * host, `counts[host]` lines spread evenly over interval i (from T0; the first exactly at its start, so a key's
 * own intervals line up with these), in time order, ticking the manager after each line and at the end.
 */
function harness(extra: Record<string, unknown> = {}) {
  const rule = compileRule({ ...RULE, ...extra }) as CompiledBaselineRule;
  const log = new SignalLog();
  const clock = new FakeClock(T0);
  const notifier = new RecordingNotifier();
  const manager = new AlertManager({ alerting: ALERTING, stateDir: null, notifiers: [notifier], log: silent, keyFields: () => ['host'], now: clock.now });
  const onSignal = (s: Parameters<SignalLog['onSignal']>[0]) => {
    log.onSignal(s);
    manager.handle(s);
  };
  let run = new BaselineRule(rule, onSignal);
  const interval = (i: number, counts: Readonly<Record<string, number>>) => {
    const lines: [number, string][] = [];
    for (const [host, c] of Object.entries(counts)) for (let j = 0; j < c; j++) lines.push([T0 + i * I + Math.floor((j * I) / c), host]);
    lines.sort((a, b) => a[0] - b[0]);
    for (const [at, host] of lines) {
      clock.set(at);
      run.process(errLine(host, at), at);
      manager.tick(at);
    }
    clock.set(T0 + (i + 1) * I);
    manager.tick(clock.t);
  };
  return {
    rule, log, clock, notifier, manager, interval,
    get run() {
      return run;
    },
    /** Replaces the runner (as a restart or reload would), with the same signal sink. */
    renew(next: CompiledBaselineRule = rule): BaselineRule {
      run = new BaselineRule(next, onSignal);
      return run;
    },
  };
}

/** The threshold a key has after these interval counts (the reference EWMA, independent of the rule). */
function expectedThreshold(counts: readonly number[], sigma = 3, minCount = 5, alpha = 0.1): number {
  const s: EwmaState = { mean: 0, variance: 0, intervals: 0 };
  for (const c of counts) foldValue(s, c, alpha);
  return Math.max(minCount, Math.floor(limitOf(s, sigma)) + 1);
}

describe('BaselineRule', () => {
  it('steady traffic (15-25 lines an interval) never fires, over 200 intervals', () => {
    const h = harness();
    const r = new Random(7);
    for (let i = 0; i < 200; i++) h.interval(i, { web01: r.int(15, 25), web02: r.int(3, 9) });
    expect(h.log.signals).toEqual([]);
    expect(h.run.stats()).toMatchObject({ rule: 'errors', ruleType: 'baseline', firing: 0, trackedKeys: 2, evictions: 0 });
    expect(h.run.stats().matches).toBeGreaterThan(200 * 18);
  });

  it('a 10× surge opens exactly one incident: fired once, then coalesced updates, resolved after it falls back', async () => {
    const h = harness();
    const r = new Random(11);
    const before: number[] = [];
    for (let i = 0; i < 30; i++) before.push(r.int(17, 23));
    before.forEach((c, i) => h.interval(i, { web01: c }));
    expect(h.log.signals).toEqual([]);
    for (let i = 30; i < 34; i++) h.interval(i, { web01: 200 });
    for (let i = 34; i < 50; i++) h.interval(i, { web01: r.int(17, 23) });
    await h.manager.idle();

    const first = h.log.signals[0]!;
    const threshold = expectedThreshold(before);
    expect(threshold).toBeGreaterThan(23);
    expect(threshold).toBeLessThan(40);
    expect(first).toMatchObject({
      rule: 'errors', ruleType: 'baseline', fingerprint: 'errors{host="web01"}', key: { host: 'web01' }, firing: true,
      count: threshold, threshold, windowMs: I, resolveAfterMs: 5 * I, firstAt: T0 + 30 * I,
    });
    expect(first.fields).toMatchObject({ host: 'web01', appname: 'app' });
    expect(first.sample).toMatch(/disk error/);
    // every line of the surge interval above the limit signals; none below it
    expect(h.log.signals.filter((s) => s.at < T0 + 31 * I)).toHaveLength(200 - threshold + 1);
    expect(h.log.signals.every((s) => s.count >= s.threshold && s.at < T0 + 34 * I)).toBe(true);
    // a fired interval is learned as its limit, so the surge goes on firing while it lasts
    expect(new Set(h.log.signals.map((s) => Math.floor((s.at - T0) / I)))).toEqual(new Set([30, 31, 32, 33]));

    const types = h.notifier.types();
    expect(types.filter((t) => t === 'fired')).toHaveLength(1);
    expect(types[0]).toBe('fired');
    expect(types.filter((t) => t === 'updated').length).toBeGreaterThan(0);
    expect(types.filter((t) => t === 'updated').length).toBeLessThanOrEqual(4); // coalesced: at most one a minute
    expect(types[types.length - 1]).toBe('resolved');
    expect(new Set(h.notifier.events.map((e) => e.incident.id)).size).toBe(1);
    const resolved = h.notifier.events.at(-1)!.incident;
    expect(resolved).toMatchObject({ ruleType: 'baseline', threshold, windowMs: I, firstSeen: T0 + 30 * I });
    expect(resolved.resolvedAt).toBe(h.log.last!.at + 5 * I);
    expect(h.run.stats().firing).toBe(h.log.signals.length);
  });

  it('a surge that lasts becomes the new normal: a 10× level fires for ten intervals, then no more', () => {
    const h = harness({ warmup: 30 });
    for (let i = 0; i < 30; i++) h.interval(i, { web01: 18 + (i % 5) });
    for (let i = 30; i < 60; i++) h.interval(i, { web01: 200 });
    const firingIntervals = [...new Set(h.log.signals.map((s) => Math.floor((s.at - T0) / I)))];
    expect(firingIntervals).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(h.log.signals.every((s) => s.threshold > 20 && s.threshold <= 200)).toBe(true);
  });

  it('a slow drift (+2% an interval, 20 → 390 lines) never fires', () => {
    const h = harness();
    for (let i = 0; i < 150; i++) h.interval(i, { web01: Math.round(20 * 1.02 ** i) });
    expect(h.log.signals).toEqual([]);
  });

  it('a host in its warm-up does not fire, even on a burst; after the warm-up the same burst does', () => {
    const h = harness();
    for (let i = 0; i < 20; i++) h.interval(i, { web01: 20 });
    for (let i = 20; i < 29; i++) h.interval(i, { web01: 20, fresh: 20 }); // fresh: 9 intervals of 10
    h.interval(29, { web01: 20, fresh: 500 });
    expect(h.log.signals).toEqual([]);
    h.interval(30, { web01: 20, fresh: 20 });
    h.interval(31, { web01: 20, fresh: 500 }); // 10 completed intervals (one of them the burst) before this one
    expect(h.log.firing().length).toBeGreaterThan(0);
    expect(new Set(h.log.signals.map((s) => s.key.host))).toEqual(new Set(['fresh']));
  });

  it('counts silent intervals as zeros, when the key is next seen and at purge', () => {
    const h = harness({ warmup: 5 });
    const counts = Array.from({ length: 20 }, () => 20);
    counts.forEach((c, i) => h.interval(i, { web01: c }));
    // 8 silent intervals, then a burst at the start of interval 28
    h.interval(28, { web01: 300 });
    const withZeros = expectedThreshold([...counts, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(withZeros).not.toBe(expectedThreshold(counts));
    expect(h.log.signals[0]).toMatchObject({ threshold: withZeros, count: withZeros, firstAt: T0 + 28 * I });

    // at purge: 4 more intervals pass without a line; the key's state moves on by itself
    h.run.purgeStale(T0 + 33 * I + 5);
    const [saved] = h.run.save(T0 + 33 * I + 5);
    const ref: EwmaState = { mean: 0, variance: 0, intervals: 0 };
    for (const c of [...counts, 0, 0, 0, 0, 0, 0, 0, 0]) foldValue(ref, c, 0.1);
    foldValue(ref, limitOf(ref, 3), 0.1); // the burst fired: it is learned as its limit
    foldZeros(ref, 4, 0.1);
    expect(saved).toMatchObject({ intervals: 33, intervalStart: T0 + 33 * I, count: 0 });
    expect(saved!.mean).toBeCloseTo(ref.mean, 9);
    expect(saved!.variance).toBeCloseTo(ref.variance, 6);
  });

  it('forgets a key after forgetAfter without a line: it then learns again', () => {
    const h = harness({ warmup: 3, forgetAfter: '10m' });
    for (let i = 0; i < 5; i++) h.interval(i, { web01: 20 });
    h.interval(15, { web01: 300 }); // 11 minutes after its last line: a new key, in warm-up
    expect(h.log.signals).toEqual([]);
    expect(h.run.save(T0 + 16 * I)[0]).toMatchObject({ intervals: 1 });
    h.run.purgeStale(T0 + 27 * I);
    expect(h.run.stats().trackedKeys).toBe(0);
  });

  it('keeps at most maxKeys keys: the least recently matched is evicted and counted, and starts over', () => {
    const h = harness({ maxKeys: 3, warmup: 2 });
    for (let i = 0; i < 3; i++) h.interval(i, { a: 20, b: 20, c: 20 });
    h.interval(3, { a: 20, b: 20 }); // c is now the least recently matched
    h.interval(4, { d: 20 });
    expect(h.run.stats()).toMatchObject({ trackedKeys: 3, evictions: 1 });
    expect(h.run.save(T0 + 5 * I).map((k) => k.key.host)).toEqual(['a', 'b', 'd']);
    h.interval(5, { b: 400, c: 400 }); // c comes back and evicts a, the least recently matched now
    expect(h.run.stats()).toMatchObject({ trackedKeys: 3, evictions: 2 });
    expect(h.run.save(T0 + 5 * I + 1).map((k) => k.key.host)).toEqual(['d', 'b', 'c']);
    expect(new Set(h.log.signals.map((s) => s.key.host))).toEqual(new Set(['b'])); // c is new again: in its warm-up
  });

  it('groupBy [] keeps one key for the whole rule', () => {
    const h = harness({ groupBy: [], warmup: 2 });
    for (let i = 0; i < 3; i++) h.interval(i, { a: 10, b: 10 });
    h.interval(3, { a: 200, b: 200 });
    expect(h.run.stats().trackedKeys).toBe(1);
    expect(h.log.signals[0]).toMatchObject({ fingerprint: 'errors{}', key: {} });
  });
});

describe('BaselineRule across a restart (baselines.json)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function store(dir: string, rules: () => readonly BaselineRule[], clock: FakeClock) {
    const counts = { writeErrors: 0, corrupt: 0 };
    const s = new BaselineStore({ stateDir: dir, rules, log: silent, now: clock.now, onWriteError: () => counts.writeErrors++, onCorrupt: () => counts.corrupt++ });
    return { store: s, counts };
  }

  /** Learns 30 intervals of ~20 lines on web01, saves at stop, and returns the directory. */
  async function learnAndStop(h: ReturnType<typeof harness>): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    dirs.push(dir);
    const { store: s, counts } = store(dir, () => [h.run], h.clock);
    await s.start();
    const r = new Random(3);
    for (let i = 0; i < 30; i++) h.interval(i, { web01: r.int(17, 23) });
    for (let j = 0; j < 10; j++) h.run.process(errLine('web01', T0 + 30 * I + j * 4000), T0 + 30 * I + j * 4000);
    h.clock.set(T0 + 30 * I + 40_000); // stopped 40 s into interval 30, which has 10 lines so far
    await s.stop();
    expect(counts).toEqual({ writeErrors: 0, corrupt: 0 });
    return dir;
  }

  it('continues after a restart: no new warm-up, and the interval in progress goes on when the restart is inside it', async () => {
    const h = harness();
    const dir = await learnAndStop(h);
    const before = h.run.save(h.clock.t)[0]!;
    expect(before.intervals).toBe(30);

    const restarted = h.renew();
    h.clock.set(T0 + 30 * I + 50_000); // 50 s into interval 30, which had 10 lines
    await store(dir, () => [restarted], h.clock).store.start();
    const after = restarted.save(h.clock.t)[0]!;
    expect(after).toEqual({ ...before, count: 10 });
    // 40 more lines in the last 10 s of interval 30: above the learned limit, so it fires at once
    for (let j = 0; j < 40; j++) restarted.process(errLine('web01', h.clock.t + j * 100), h.clock.t + j * 100);
    expect(h.log.firing().length).toBeGreaterThan(0);
    expect(h.log.signals[0]!.count).toBe(h.log.signals[0]!.threshold);
  });

  it('a restart after the interval ended drops that cut-short interval and does not count the downtime as silence', async () => {
    const h = harness();
    const dir = await learnAndStop(h);
    const before = h.run.save(h.clock.t)[0]!;
    const restarted = h.renew();
    h.clock.set(T0 + 45 * I + 123); // down for a quarter of an hour
    await store(dir, () => [restarted], h.clock).store.start();
    const after = restarted.save(h.clock.t)[0]!;
    expect(after).toMatchObject({ mean: before.mean, variance: before.variance, intervals: 30, intervalStart: h.clock.t, count: 0 });
    for (let j = 0; j < 200; j++) restarted.process(errLine('web01', h.clock.t + j * 100), h.clock.t + j * 100);
    expect(h.log.firing().length).toBeGreaterThan(0); // no warm-up after the restart
  });

  it('a rule whose definition changed since the save learns from scratch', async () => {
    const h = harness();
    const dir = await learnAndStop(h);
    const changed = h.renew(compileRule({ ...RULE, sigma: 4 }) as CompiledBaselineRule);
    const other = new BaselineRule(compileRule({ ...RULE, name: 'other' }) as CompiledBaselineRule, () => {});
    h.clock.set(T0 + 31 * I);
    await store(dir, () => [changed, other], h.clock).store.start();
    expect(changed.stats().trackedKeys).toBe(0);
    expect(other.stats().trackedKeys).toBe(0); // never saved under that name
    for (let j = 0; j < 200; j++) changed.process(errLine('web01', h.clock.t + j * 100), h.clock.t + j * 100);
    expect(h.log.signals).toEqual([]); // in its warm-up again
  });
});
