/** What the detector emits: one Signal per rule match, with the window state of the match's group key. */

/** Group-by field → value, e.g. { host: 'web01' } or { ip: '203.0.113.5' }. Values come from the message. */
export type GroupKey = Readonly<Record<string, string>>;

export type RuleType = 'threshold' | 'keyword';

export interface Signal {
  /** Rule name from the config (a bounded label). */
  readonly rule: string;
  readonly ruleType: RuleType;
  /** Stable identity of (rule, key): the incident fingerprint. */
  readonly fingerprint: string;
  readonly key: GroupKey;
  /** Receive time of the matching message, epoch ms (in replay: the line's own timestamp). */
  readonly at: number;
  /** Matches (or distinct values, for `distinct` rules) inside the window, this one included. */
  readonly count: number;
  /** True when count ≥ threshold: the rule's condition holds for this key now. Keyword rules: always true. */
  readonly firing: boolean;
  readonly threshold: number;
  readonly windowMs: number;
  readonly resolveAfterMs: number;
  /** Named captures of the rule's pattern on this line (e.g. user, ip), plus appname/host/sourceIp. */
  readonly fields: Readonly<Record<string, string>>;
  /** The raw line (decoded, capped in length) for samples. */
  readonly sample: string;
  /** Slack channel override, when the rule sets one. */
  readonly channel: string | null;
}
