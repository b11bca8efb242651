/**
 * Plain counters the alert manager keeps for metrics. metrics/detection-metrics.ts reads them when Prometheus
 * scrapes (no label here carries anything but a rule or notifier name from the config).
 */

export interface NotifierStats {
  /** notify() resolved. */
  delivered: number;
  /** notify() threw a NotifyError (retryable or not). */
  failed: number;
  /** Of `failed`, those whose NotifyError said a retry could help. */
  failedRetryable: number;
  /** notify() threw something other than a NotifyError: a bug in the notifier, logged at error level. */
  errors: number;
  /** Events not queued because this notifier's queue was full. */
  dropped: number;
  /** Events waiting or in flight now (a gauge). */
  queued: number;
}

export class AlertStats {
  /** Incidents opened, by rule. */
  readonly opened = new Map<string, number>();
  /** Incidents resolved (quiet, or closed early at the cap), by rule. */
  readonly resolved = new Map<string, number>();
  /** Of the resolved: closed early because maxOpenIncidents was reached. */
  evicted = 0;
  /** Incidents that opened while muted (a `suppressed` event instead of `fired`). */
  suppressed = 0;
  /** Coalesced updates withheld from the notifiers because a mute was active. */
  mutedUpdates = 0;
  /** Coalesced updates withheld from the notifiers because the incident was acknowledged. */
  ackedUpdates = 0;
  /** Resolved incidents and expired mutes removed by garbage collection. */
  gcIncidents = 0;
  gcMutes = 0;
  /** Failed state-file writes, and state files found corrupt at load (moved aside). */
  stateWriteFailures = 0;
  stateCorruptFiles = 0;
  readonly notifiers = new Map<string, NotifierStats>();

  notifier(name: string): NotifierStats {
    let s = this.notifiers.get(name);
    if (s === undefined) {
      s = { delivered: 0, failed: 0, failedRetryable: 0, errors: 0, dropped: 0, queued: 0 };
      this.notifiers.set(name, s);
    }
    return s;
  }
}

export function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
