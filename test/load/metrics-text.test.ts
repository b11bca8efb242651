import { describe, expect, it } from 'vitest';
import { MetricsText } from '../../src/load/metrics-text.js';

const EXPOSITION = `# HELP syslog_messages_dropped_total Dropped.
# TYPE syslog_messages_dropped_total counter
syslog_messages_dropped_total{transport="tcp",reason="connection_limit"} 20
syslog_messages_dropped_total{transport="tcp",reason="truncated"} 3
syslog_messages_dropped_total{transport="udp",reason="oversize"} 1
syslog_rule_tracked_keys{rule="a \\"quoted\\" rule"} 10000
syslog_udp_kernel_drops_total 169927
`;

describe('MetricsText', () => {
  const m = new MetricsText(EXPOSITION);

  it('sums the series whose labels match', () => {
    expect(m.sum('syslog_messages_dropped_total', { transport: 'tcp' })).toBe(23);
    expect(m.sum('syslog_messages_dropped_total', { transport: 'tcp', reason: 'connection_limit' })).toBe(20);
    expect(m.sum('syslog_messages_dropped_total')).toBe(24);
    expect(m.sum('syslog_udp_kernel_drops_total')).toBe(169927);
  });

  it('reads escaped label values', () => {
    expect(m.sum('syslog_rule_tracked_keys', { rule: 'a "quoted" rule' })).toBe(10000);
  });

  it('null for a metric with no matching series; count() makes that 0', () => {
    expect(m.sum('syslog_messages_dropped_total', { transport: 'tls' })).toBeNull();
    expect(m.count('syslog_connections_open', { transport: 'tcp' })).toBe(0);
  });
});
