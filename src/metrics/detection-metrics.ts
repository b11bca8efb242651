import type { Registry } from 'prom-client';
import type { AlertStats } from '../alert/alert-stats.js';
import { registerScrapeCollector, type CollectedSample } from './scrape-collector.js';

/** Per-rule counters the detector keeps (rule names come from the config: a bounded label). */
export interface RuleStatsView {
  readonly rule: string;
  readonly matches: number;
  readonly trackedKeys: number;
  readonly evictions: number;
}

export interface DetectionSources {
  readonly rules: () => Iterable<RuleStatsView>;
  readonly alerts: AlertStats;
  readonly openIncidents: () => number;
  readonly activeMutes: () => number;
}

/** Rule and incident metrics, all read at scrape time from the detector's and alert manager's plain counters. */
export function registerDetectionMetrics(registry: Registry, src: DetectionSources): void {
  const perRule = (pick: (r: RuleStatsView) => number) => (): CollectedSample[] => [...src.rules()].map((r) => ({ labels: { rule: r.rule }, value: pick(r) }));
  const fromMap = (map: Map<string, number>) => (): CollectedSample[] => [...map].map(([rule, value]) => ({ labels: { rule }, value }));
  const perNotifier = (outcome: 'delivered' | 'failed' | 'error' | 'dropped') => (): CollectedSample[] =>
    [...src.alerts.notifiers].map(([notifier, s]) => ({
      labels: { notifier, outcome },
      value: outcome === 'delivered' ? s.delivered : outcome === 'failed' ? s.failed : outcome === 'error' ? s.errors : s.dropped,
    }));

  registerScrapeCollector(registry, { name: 'syslog_rule_matches_total', help: 'Messages that matched each rule.', type: 'counter', collect: perRule((r) => r.matches) });
  registerScrapeCollector(registry, { name: 'syslog_rule_tracked_keys', help: 'Group keys (hosts, addresses, ...) each rule keeps window state for.', type: 'gauge', collect: perRule((r) => r.trackedKeys) });
  registerScrapeCollector(registry, { name: 'syslog_rule_evictions_total', help: 'Keys whose window state was dropped because the rule reached maxKeys.', type: 'counter', collect: perRule((r) => r.evictions) });
  registerScrapeCollector(registry, { name: 'syslog_incidents_opened_total', help: 'Incidents opened, by rule.', type: 'counter', collect: fromMap(src.alerts.opened) });
  registerScrapeCollector(registry, { name: 'syslog_incidents_resolved_total', help: 'Incidents resolved (quiet for resolveAfter, or closed early at maxOpenIncidents), by rule.', type: 'counter', collect: fromMap(src.alerts.resolved) });
  registerScrapeCollector(registry, { name: 'syslog_incidents_open', help: 'Incidents open now.', type: 'gauge', collect: () => [{ value: src.openIncidents() }] });
  registerScrapeCollector(registry, { name: 'syslog_incidents_evicted_total', help: 'Incidents closed early because alerting.maxOpenIncidents was reached.', type: 'counter', collect: () => [{ value: src.alerts.evicted }] });
  registerScrapeCollector(registry, { name: 'syslog_incidents_suppressed_total', help: 'Incidents that opened while muted (recorded, not notified).', type: 'counter', collect: () => [{ value: src.alerts.suppressed }] });
  registerScrapeCollector(registry, { name: 'syslog_incident_updates_withheld_total', help: 'Coalesced incident updates not sent, by why.', type: 'counter', collect: () => [{ labels: { reason: 'muted' }, value: src.alerts.mutedUpdates }, { labels: { reason: 'acknowledged' }, value: src.alerts.ackedUpdates }] });
  registerScrapeCollector(registry, { name: 'syslog_mutes_active', help: 'Mutes in force now.', type: 'gauge', collect: () => [{ value: src.activeMutes() }] });
  registerScrapeCollector(registry, { name: 'syslog_notifications_total', help: 'Incident events handed to each notifier, by outcome (delivered, failed, error = notifier bug, dropped = queue full).', type: 'counter', collect: () => [...perNotifier('delivered')(), ...perNotifier('failed')(), ...perNotifier('error')(), ...perNotifier('dropped')()] });
  registerScrapeCollector(registry, { name: 'syslog_notifier_queue_depth', help: 'Incident events waiting for or in delivery, per notifier.', type: 'gauge', collect: () => [...src.alerts.notifiers].map(([notifier, s]) => ({ labels: { notifier }, value: s.queued })) });
  registerScrapeCollector(registry, { name: 'syslog_state_write_failures_total', help: 'Failed writes of the state files in stateDir.', type: 'counter', collect: () => [{ value: src.alerts.stateWriteFailures }] });
  registerScrapeCollector(registry, { name: 'syslog_state_corrupt_files_total', help: 'State files found corrupt at load and moved aside.', type: 'counter', collect: () => [{ value: src.alerts.stateCorruptFiles }] });
}
