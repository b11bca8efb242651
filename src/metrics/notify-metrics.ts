/**
 * Remote-notifier metrics: Slack API calls by method and outcome with their latency, and each outbox's
 * depth, age and fate of its events. Labels are bounded: method and outcome are fixed sets, notifier names
 * come from the code (slack, webhook).
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import type { OutboxStats } from '../notify/outbox/types.js';
import type { CallOutcome } from '../notify/slack/slack-errors.js';
import type { SlackCallObserver } from '../notify/slack/slack-notifier.js';
import { registerScrapeCollector } from './scrape-collector.js';

export function registerSlackCallMetrics(registry: Registry): SlackCallObserver {
  const calls = new Counter({
    name: 'syslog_slack_api_calls_total',
    help: 'Slack calls made for incident messages, the digest and webhook posts, by method and outcome (ok, rate_limited, http_error, network_error, platform_error, error).',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'syslog_slack_api_call_duration_seconds',
    help: 'Duration of Slack API calls, by method (client retries included).',
    labelNames: ['method'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    call(method: string, outcome: CallOutcome, seconds: number) {
      calls.inc({ method, outcome });
      duration.observe({ method }, seconds);
    },
  };
}

/** Outboxes by notifier name, read at scrape time. */
export function registerOutboxMetrics(registry: Registry, outboxes: () => ReadonlyMap<string, OutboxStats>, now: () => number = Date.now): void {
  const each = (pick: (s: OutboxStats) => number) => () => [...outboxes()].map(([notifier, s]) => ({ labels: { notifier }, value: pick(s) }));
  registerScrapeCollector(registry, { name: 'syslog_outbox_depth', help: 'Incident events waiting in a notifier outbox (persisted in stateDir) for delivery.', type: 'gauge', collect: each((s) => s.depth) });
  registerScrapeCollector(registry, {
    name: 'syslog_outbox_oldest_event_age_seconds',
    help: 'Age of the oldest event waiting in a notifier outbox (0 when empty).',
    type: 'gauge',
    collect: each((s) => (s.oldestAt === null ? 0 : Math.max(0, (now() - s.oldestAt) / 1000))),
  });
  registerScrapeCollector(registry, {
    name: 'syslog_outbox_events_total',
    help: 'Outbox events by outcome: sent; coalesced (merged into a queued message update); retried (a failed attempt that will be repeated); failed (can never succeed, dropped); overflow (outbox full, dropped).',
    type: 'counter',
    collect: () =>
      [...outboxes()].flatMap(([notifier, s]) =>
        (
          [
            ['sent', s.sent],
            ['coalesced', s.coalesced],
            ['retried', s.retried],
            ['failed', s.failed],
            ['overflow', s.overflow],
          ] as const
        ).map(([outcome, value]) => ({ labels: { notifier, outcome }, value })),
      ),
  });
}
