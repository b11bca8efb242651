import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerOutboxMetrics, registerSlackCallMetrics } from '../../src/metrics/notify-metrics.js';
import { OutboxStats } from '../../src/notify/outbox/types.js';
import { metricValue as sample } from '../helpers/appliance-process.js';
import { FakeClock } from '../helpers/fake-clock.js';

describe('registerSlackCallMetrics', () => {
  it('counts calls by method and outcome and observes their duration by method', async () => {
    const registry = new Registry();
    const calls = registerSlackCallMetrics(registry);
    calls.call('chat.postMessage', 'ok', 0.2);
    calls.call('chat.postMessage', 'ok', 0.3);
    calls.call('chat.postMessage', 'rate_limited', 0.01);
    calls.call('chat.update', 'platform_error', 7);
    calls.call('webhook', 'network_error', 31);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE syslog_slack_api_calls_total counter');
    expect(text).toContain('# TYPE syslog_slack_api_call_duration_seconds histogram');
    expect(sample(text, 'syslog_slack_api_calls_total{method="chat.postMessage",outcome="ok"}')).toBe(2);
    expect(sample(text, 'syslog_slack_api_calls_total{method="chat.postMessage",outcome="rate_limited"}')).toBe(1);
    expect(sample(text, 'syslog_slack_api_calls_total{method="chat.update",outcome="platform_error"}')).toBe(1);
    expect(sample(text, 'syslog_slack_api_calls_total{method="webhook",outcome="network_error"}')).toBe(1);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_count{method="chat.postMessage"}')).toBe(3);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_sum{method="chat.postMessage"}')).toBeCloseTo(0.51, 6);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_bucket{le="0.05",method="chat.postMessage"}')).toBe(1);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_bucket{le="0.25",method="chat.postMessage"}')).toBe(2);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_bucket{le="10",method="chat.update"}')).toBe(1);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_bucket{le="30",method="webhook"}')).toBe(0);
    expect(sample(text, 'syslog_slack_api_call_duration_seconds_bucket{le="+Inf",method="webhook"}')).toBe(1);
    // the duration has no outcome label (bounded series)
    expect(text).not.toMatch(/syslog_slack_api_call_duration_seconds\w*\{[^}]*outcome=/);
  });
});

describe('registerOutboxMetrics', () => {
  it('exports depth, oldest age and outcomes per notifier, read at scrape time', async () => {
    const clock = new FakeClock();
    const slack = new OutboxStats();
    const webhook = new OutboxStats();
    const registry = new Registry();
    registerOutboxMetrics(registry, () => new Map([['slack', slack], ['webhook', webhook]]), clock.now);

    Object.assign(slack, { depth: 3, oldestAt: clock.t - 90_000, sent: 5, coalesced: 2, retried: 1, failed: 0, overflow: 4 });
    let text = await registry.metrics();
    expect(text).toContain('# TYPE syslog_outbox_depth gauge');
    expect(text).toContain('# TYPE syslog_outbox_oldest_event_age_seconds gauge');
    expect(text).toContain('# TYPE syslog_outbox_events_total counter');
    expect(sample(text, 'syslog_outbox_depth{notifier="slack"}')).toBe(3);
    expect(sample(text, 'syslog_outbox_depth{notifier="webhook"}')).toBe(0);
    expect(sample(text, 'syslog_outbox_oldest_event_age_seconds{notifier="slack"}')).toBe(90);
    expect(sample(text, 'syslog_outbox_oldest_event_age_seconds{notifier="webhook"}')).toBe(0);
    for (const [outcome, value] of [['sent', 5], ['coalesced', 2], ['retried', 1], ['failed', 0], ['overflow', 4]] as const) {
      expect(sample(text, `syslog_outbox_events_total{notifier="slack",outcome="${outcome}"}`)).toBe(value);
      expect(sample(text, `syslog_outbox_events_total{notifier="webhook",outcome="${outcome}"}`)).toBe(0);
    }

    // later changes show at the next scrape; the age grows with the clock
    slack.sent = 6;
    clock.advance(10_000);
    text = await registry.metrics();
    expect(sample(text, 'syslog_outbox_events_total{notifier="slack",outcome="sent"}')).toBe(6);
    expect(sample(text, 'syslog_outbox_oldest_event_age_seconds{notifier="slack"}')).toBe(100);

    // an oldest event "in the future" (clock stepped back) is not a negative age
    slack.oldestAt = clock.t + 5000;
    text = await registry.metrics();
    expect(sample(text, 'syslog_outbox_oldest_event_age_seconds{notifier="slack"}')).toBe(0);
  });

  it('no outboxes: the metrics exist without series', async () => {
    const registry = new Registry();
    registerOutboxMetrics(registry, () => new Map());
    const text = await registry.metrics();
    expect(text).toContain('# HELP syslog_outbox_depth ');
    expect(text).not.toMatch(/^syslog_outbox_depth\{/m);
  });
});
