/**
 * The rule stage: runs every compiled rule on each received message and emits Signals through `onSignal`.
 * Time is the message's receive time (`frame.receivedAt`; in replay the line's own time), so the detector
 * reads no clock of its own. State is per rule and bounded (rule-state.ts); idle keys are purged every
 * PURGE_INTERVAL_MS of message time.
 */
import type { CompiledRule } from '../config/rules-schema.js';
import type { MessageStage, ReceivedMessage } from '../pipeline/types.js';
import { matchText } from './match.js';
import { BaselineRule } from './rules/baseline.js';
import { KeywordRule } from './rules/keyword.js';
import type { RuleRunner } from './rules/rule-runner.js';
import { ThresholdRule } from './rules/threshold.js';
import type { RuleStats, Signal } from './types.js';

const PURGE_INTERVAL_MS = 60_000;

export interface DetectorOptions {
  readonly rules: readonly CompiledRule[];
  /** Called synchronously for every match; it must not throw (a throw skips the message's remaining rules). */
  readonly onSignal: (signal: Signal) => void;
}

export class Detector implements MessageStage {
  readonly name = 'detector';
  readonly #onSignal: (signal: Signal) => void;
  #runners: readonly RuleRunner[];
  #nextPurgeAt = -Infinity;

  constructor(options: DetectorOptions) {
    this.#onSignal = options.onSignal;
    this.#runners = options.rules.map((r) => this.#runnerFor(r));
  }

  process(message: ReceivedMessage): void {
    const at = message.frame.receivedAt;
    if (at >= this.#nextPurgeAt || at < this.#nextPurgeAt - 2 * PURGE_INTERVAL_MS) this.purgeStale(at);
    const runners = this.#runners;
    const text = matchText(message);
    for (let i = 0; i < runners.length; i++) runners[i]!.process(message, at, text);
  }

  /**
   * Applies reloaded rules (SIGHUP). A rule whose name and effective definition (`canonical`) are unchanged
   * keeps its windows, episodes and counters; a changed, renamed or new rule starts empty; a removed rule's
   * state is dropped.
   */
  reconfigure(rules: readonly CompiledRule[]): void {
    const current = new Map(this.#runners.map((r) => [r.rule.name, r]));
    this.#runners = rules.map((rule) => {
      const kept = current.get(rule.name);
      return kept !== undefined && kept.rule.canonical === rule.canonical ? kept : this.#runnerFor(rule);
    });
  }

  /** Drops keys idle past their rule's expiry at `now` (also done on its own every minute of message time). */
  purgeStale(now: number): void {
    this.#nextPurgeAt = now + PURGE_INTERVAL_MS;
    for (const r of this.#runners) r.purgeStale(now);
  }

  /** Per-rule counters, in rule order. */
  stats(): RuleStats[] {
    return this.#runners.map((r) => r.stats());
  }

  /** The baseline rules running now (their learned state is saved in stateDir: baseline-store.ts). */
  baselines(): BaselineRule[] {
    return this.#runners.filter((r): r is BaselineRule => r instanceof BaselineRule);
  }

  #runnerFor(rule: CompiledRule): RuleRunner {
    if (rule.type === 'threshold') return new ThresholdRule(rule, this.#onSignal);
    return rule.type === 'keyword' ? new KeywordRule(rule, this.#onSignal) : new BaselineRule(rule, this.#onSignal);
  }
}
