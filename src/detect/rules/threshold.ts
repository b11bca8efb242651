/**
 * `type: threshold`: fire when a key has at least `threshold` matches (or distinct values of a field) inside
 * an exact sliding window of `window`, by receive time. Every match emits a Signal with the key's count;
 * `firing` says whether the condition holds now. Opening, updating and resolving the incident (after
 * `resolveAfter` of quiet) is the alert manager's job.
 */
import type { CompiledThresholdRule } from '../../config/rules-schema.js';
import type { ReceivedMessage } from '../../pipeline/types.js';
import { GroupKeyer, MAX_PLAIN_VALUE, fieldValue, sha256 } from '../group-key.js';
import { Matcher, matchText } from '../match.js';
import { RuleState } from '../rule-state.js';
import { DistinctWindow, SlidingWindow } from '../sliding-window.js';
import type { RuleStats, Signal } from '../types.js';
import { type RuleRunner, fieldsOf, sampleOf } from './rule-runner.js';

export class ThresholdRule implements RuleRunner {
  readonly #matcher: Matcher;
  readonly #keyer: GroupKeyer;
  readonly #state: RuleState<SlidingWindow | DistinctWindow>;
  readonly #onSignal: (signal: Signal) => void;
  #matches = 0;
  #firing = 0;

  constructor(
    readonly rule: CompiledThresholdRule,
    onSignal: (signal: Signal) => void,
  ) {
    this.#matcher = new Matcher(rule.match);
    this.#keyer = new GroupKeyer(rule.name, rule.groupBy);
    this.#state = new RuleState(rule.maxKeys, rule.windowMs);
    this.#onSignal = onSignal;
  }

  process(m: ReceivedMessage, at: number, text: string = matchText(m)): void {
    const captures = this.#matcher.match(m, text);
    if (captures === null) return;
    this.#matches++;
    const rule = this.rule;
    let distinct: string | undefined;
    if (rule.distinct !== null) {
      distinct = fieldValue(rule.distinct, m, captures);
      if (distinct === undefined) return; // this line's pattern does not capture the counted field
      if (distinct.length > MAX_PLAIN_VALUE) distinct = sha256(distinct);
    }
    const values = this.#keyer.values(m, captures);
    const fingerprint = this.#keyer.fingerprint(values);
    let window = this.#state.get(fingerprint, at);
    if (window === undefined) {
      window = distinct === undefined ? new SlidingWindow(rule.threshold) : new DistinctWindow();
      this.#state.set(fingerprint, window, at);
    }
    const count =
      distinct === undefined
        ? (window as SlidingWindow).record(at, rule.windowMs)
        : (window as DistinctWindow).record(distinct, at, rule.windowMs, rule.threshold);
    const firing = count >= rule.threshold;
    if (firing) this.#firing++;
    this.#onSignal({
      rule: rule.name,
      ruleType: 'threshold',
      fingerprint,
      key: this.#keyer.key(values),
      at,
      firstAt: firing ? window.earliest(at, rule.windowMs) : at,
      count,
      firing,
      threshold: rule.threshold,
      windowMs: rule.windowMs,
      resolveAfterMs: rule.resolveAfterMs,
      fields: fieldsOf(m, rule.captures, captures),
      sample: sampleOf(m),
      channel: rule.channel,
    });
  }

  purgeStale(now: number): void {
    this.#state.purgeStale(now);
  }

  stats(): RuleStats {
    const s = this.#state;
    return { rule: this.rule.name, ruleType: 'threshold', matches: this.#matches, firing: this.#firing, trackedKeys: s.size, evictions: s.evictions };
  }
}
