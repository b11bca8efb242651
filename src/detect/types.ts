/** What the detector emits: one Signal per rule match, with the window state of the match's group key. */

/** Group-by field → value, e.g. { host: 'web01' } or { ip: '203.0.113.5' }. Values come from the message. */
export type GroupKey = Readonly<Record<string, string>>;

export type RuleType = 'threshold' | 'keyword' | 'baseline';

export interface Signal {
  /** Rule name from the config (a bounded label). */
  readonly rule: string;
  readonly ruleType: RuleType;
  /** Stable identity of (rule, key): the incident fingerprint. */
  readonly fingerprint: string;
  readonly key: GroupKey;
  /** Receive time of the matching message, epoch ms (in replay: the line's own timestamp). */
  readonly at: number;
  /**
   * When the condition started: the oldest match inside the window when firing (threshold rules), the first
   * match of the interval (baseline rules), else `at`.
   */
  readonly firstAt: number;
  /**
   * Threshold rules: matches (or distinct values, for `distinct` rules) inside the window, this one included,
   * counted up to `threshold` (a key keeps only its last `threshold` receive times, all the decision needs).
   * Keyword rules: hits in the key's current episode (since the first hit after `resolveAfter` of quiet).
   * Baseline rules: matches in the key's current interval.
   */
  readonly count: number;
  /** True when count ≥ threshold: the rule's condition holds for this key now. Keyword and baseline rules: always true (baseline rules signal only then). */
  readonly firing: boolean;
  /** Keyword rules: 1. Baseline rules: the smallest count above the key's learned limit (and at least minCount). */
  readonly threshold: number;
  /** Keyword rules: resolveAfterMs (an episode lasts until that much quiet). Baseline rules: the interval. */
  readonly windowMs: number;
  readonly resolveAfterMs: number;
  /** Named captures of the rule's pattern on this line (e.g. user, ip), plus appname/host/sourceIp; keyword rules add `keyword` (the matched text). */
  readonly fields: Readonly<Record<string, string>>;
  /** The raw line (decoded, capped in length) for samples. */
  readonly sample: string;
  /** Slack channel override, when the rule sets one. */
  readonly channel: string | null;
}

/** Per-rule counters the detector exposes for metrics; labels are the rule name and type only. */
export interface RuleStats {
  readonly rule: string;
  readonly ruleType: RuleType;
  /** Lines that matched the rule's patterns since the rule was (re)defined. */
  readonly matches: number;
  /** Signals emitted with firing=true. */
  readonly firing: number;
  /** Keys holding state now (idle keys count until the periodic purge). */
  readonly trackedKeys: number;
  /** Keys dropped because the rule already held maxKeys keys. */
  readonly evictions: number;
}
