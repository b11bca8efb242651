/** Signals as the sshd-invalid-user threshold rule emits them, for alert-manager and notifier tests. */
import type { Signal } from '../../src/detect/types.js';

const MIN = 60_000;

/**
 * A firing threshold Signal (5 matches of 5 in 1 min, resolve after 5 min) for `key` at `at`; the fingerprint
 * is `<rule>|<key values>`. `s` overrides any field (its `at` also moves `firstAt` unless that is given too).
 */
export function thresholdSignal(at: number, key: Record<string, string>, s: Partial<Signal> = {}): Signal {
  const rule = s.rule ?? 'ssh_invalid_user';
  const when = s.at ?? at;
  return {
    rule,
    ruleType: 'threshold',
    fingerprint: `${rule}|${Object.values(key).join('|')}`,
    key,
    at: when,
    firstAt: s.firstAt ?? when,
    count: 5,
    firing: true,
    threshold: 5,
    windowMs: MIN,
    resolveAfterMs: 5 * MIN,
    fields: { ...key },
    sample: 'sshd: Invalid user admin',
    channel: null,
    ...s,
  };
}
