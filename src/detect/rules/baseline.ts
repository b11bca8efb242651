/**
 * `type: baseline`: per key, the matching lines are counted in back-to-back intervals of `interval`, and each
 * completed interval is folded into an exponentially weighted mean and variance (ewma.ts). Once a key has
 * `warmup` completed intervals, a line that takes the current interval's count above mean + sigma·σ (and to
 * at least `minCount`) emits a firing Signal, and so does every further line of that interval. Lines below the
 * limit emit nothing, so the alert manager resolves the incident `resolveAfter` after the last line above it:
 * when the rate has fallen back. An interval without lines counts as zero (baseline-keys.ts folds them lazily).
 *
 * Every interval is learned, so a slow drift stays quiet; an interval that fired is learned as its limit
 * (baseline-keys.ts). The learned numbers survive restarts through baseline-store.ts.
 */
import type { CompiledBaselineRule } from '../../config/rules-schema.js';
import type { ReceivedMessage } from '../../pipeline/types.js';
import { GroupKeyer } from '../group-key.js';
import { Matcher, matchText } from '../match.js';
import type { RuleStats, Signal } from '../types.js';
import { BaselineKeys, KeyBaseline, type SavedBaselineKey } from './baseline-keys.js';
import { type RuleRunner, fieldsOf, sampleOf } from './rule-runner.js';

/** What restore() did with a rule's saved keys. */
export interface RestoreCount {
  readonly restored: number;
  /** Saved keys without a line for forgetAfter (downtime included). */
  readonly forgotten: number;
  /** Saved keys whose fields are not the rule's groupBy (a hand-edited file). */
  readonly invalid: number;
}

export class BaselineRule implements RuleRunner {
  readonly #matcher: Matcher;
  readonly #keyer: GroupKeyer;
  readonly #keys: BaselineKeys;
  readonly #onSignal: (signal: Signal) => void;
  #matches = 0;
  #firing = 0;

  constructor(
    readonly rule: CompiledBaselineRule,
    onSignal: (signal: Signal) => void,
  ) {
    this.#matcher = new Matcher(rule.match);
    this.#keyer = new GroupKeyer(rule.name, rule.groupBy);
    this.#keys = new BaselineKeys(rule.maxKeys, rule.forgetAfterMs);
    this.#onSignal = onSignal;
  }

  process(m: ReceivedMessage, at: number, text: string = matchText(m)): void {
    const captures = this.#matcher.match(m, text);
    if (captures === null) return;
    this.#matches++;
    const rule = this.rule;
    const values = this.#keyer.values(m, captures);
    const fingerprint = this.#keyer.fingerprint(values);
    let k = this.#keys.get(fingerprint, at);
    if (k === undefined) {
      k = new KeyBaseline(Object.freeze(this.#keyer.key(values)), at);
      this.#keys.add(fingerprint, k);
    } else {
      k.advance(at, rule);
    }
    if (k.count === 0) k.firstAt = at;
    k.count++;
    if (at > k.lastAt) k.lastAt = at;
    if (k.intervals < rule.warmup) return;
    const threshold = k.threshold(rule);
    if (k.count < threshold) return;
    this.#firing++;
    this.#onSignal({
      rule: rule.name,
      ruleType: 'baseline',
      fingerprint,
      key: k.key,
      at,
      firstAt: k.firstAt,
      count: k.count,
      firing: true,
      threshold,
      windowMs: rule.intervalMs,
      resolveAfterMs: rule.resolveAfterMs,
      fields: fieldsOf(m, rule.captures, captures),
      sample: sampleOf(m),
      channel: rule.channel,
    });
  }

  /** Forgets keys idle for forgetAfter and folds the intervals the others have completed. */
  purgeStale(now: number): void {
    const rule = this.rule;
    this.#keys.purge(now, (k) => k.advance(now, rule));
  }

  stats(): RuleStats {
    const keys = this.#keys;
    return { rule: this.rule.name, ruleType: 'baseline', matches: this.#matches, firing: this.#firing, trackedKeys: keys.size, evictions: keys.evictions };
  }

  /** Every key's state at `now` (after purgeStale(now)), least recently matched first: what baselines.json keeps. */
  save(now: number): SavedBaselineKey[] {
    this.purgeStale(now);
    const out: SavedBaselineKey[] = [];
    for (const k of this.#keys.values()) {
      out.push({ key: k.key, mean: k.mean, variance: k.variance, intervals: k.intervals, intervalStart: k.intervalStart, count: k.count, firstAt: k.firstAt, lastAt: k.lastAt });
    }
    return out;
  }

  /**
   * Takes back keys saved by save() (call before the first message). The learned mean, variance and interval
   * count carry on. The interval in progress at the save carries on too when `now` is still inside it;
   * otherwise it was cut short by the stop and is dropped, and a fresh interval starts at `now`: the time the
   * appliance was down is not counted as silent intervals.
   */
  restore(saved: readonly SavedBaselineKey[], now: number): RestoreCount {
    const { groupBy, intervalMs, forgetAfterMs } = this.rule;
    let restored = 0;
    let forgotten = 0;
    let invalid = 0;
    for (const s of saved) {
      if (now - s.lastAt >= forgetAfterMs) {
        forgotten++;
        continue;
      }
      const values = groupBy.map((f) => s.key[f]);
      if (Object.keys(s.key).length !== groupBy.length || values.some((v) => v === undefined)) {
        invalid++;
        continue;
      }
      const k = new KeyBaseline(Object.freeze(this.#keyer.key(values as string[])), s.intervalStart);
      k.mean = s.mean;
      k.variance = s.variance;
      k.intervals = s.intervals;
      k.lastAt = s.lastAt;
      if (now >= s.intervalStart && now - s.intervalStart < intervalMs) {
        k.count = s.count;
        k.firstAt = s.firstAt;
      } else {
        k.intervalStart = now;
        k.firstAt = now;
      }
      this.#keys.add(this.#keyer.fingerprint(values as string[]), k);
      restored++;
    }
    return { restored, forgotten, invalid };
  }
}
