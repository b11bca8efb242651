import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerTriageMetrics } from '../../src/metrics/triage-metrics.js';
import { TRIAGE_OUTCOMES } from '../../src/triage/triage-service.js';
import { metricValue as sample } from '../helpers/appliance-process.js';

describe('registerTriageMetrics', () => {
  it('counts outcomes (every one present from 0), call durations and cache evictions', async () => {
    const registry = new Registry();
    const triage = registerTriageMetrics(registry);
    const before = await registry.metrics();
    for (const outcome of TRIAGE_OUTCOMES) expect(sample(before, `syslog_triage_requests_total{outcome="${outcome}"}`)).toBe(0);
    expect(sample(before, 'syslog_triage_cache_evictions_total')).toBe(0);
    triage.outcome('ok');
    triage.outcome('ok');
    triage.outcome('timeout');
    triage.duration(0.4);
    triage.duration(12);
    triage.cacheEviction();
    triage.cacheEviction();
    triage.cacheEviction();
    const text = await registry.metrics();
    expect(text).toContain('# TYPE syslog_triage_cache_evictions_total counter');
    expect(sample(text, 'syslog_triage_requests_total{outcome="ok"}')).toBe(2);
    expect(sample(text, 'syslog_triage_requests_total{outcome="timeout"}')).toBe(1);
    expect(sample(text, 'syslog_triage_duration_seconds_count')).toBe(2);
    expect(sample(text, 'syslog_triage_duration_seconds_bucket{le="0.5"}')).toBe(1);
    expect(sample(text, 'syslog_triage_cache_evictions_total')).toBe(3);
  });
});
