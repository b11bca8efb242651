import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';

describe('LatencyHistogram', () => {
  it('exposes cumulative buckets, sum and count in Prometheus form', async () => {
    const registry = new Registry();
    const h = new LatencyHistogram(registry, 'x_seconds', 'help', [0.001, 0.01, 0.1]);
    for (const v of [0.0005, 0.001, 0.005, 0.05, 2]) h.observe(v);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE x_seconds histogram');
    expect(text).toContain('x_seconds_bucket{le="0.001"} 2');
    expect(text).toContain('x_seconds_bucket{le="0.01"} 3');
    expect(text).toContain('x_seconds_bucket{le="0.1"} 4');
    expect(text).toContain('x_seconds_bucket{le="+Inf"} 5');
    expect(text).toContain('x_seconds_count 5');
    expect(text).toMatch(/x_seconds_sum 2\.0565/);
  });

  it('estimates quantiles from the buckets', () => {
    const h = new LatencyHistogram(new Registry(), 'q_seconds', 'help', [1, 2, 4]);
    for (let i = 0; i < 90; i++) h.observe(0.5);
    for (let i = 0; i < 10; i++) h.observe(3);
    expect(h.quantile(0.5)).toBeCloseTo(0.5556, 3);
    expect(h.quantile(0.99)).toBeCloseTo(3.8, 3);
    expect(new LatencyHistogram(new Registry(), 'e_seconds', 'h', [1]).quantile(0.5)).toBe(Number.POSITIVE_INFINITY);
  });
});
