import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CLOSE_REASONS, DROP_REASONS, TRANSPORTS } from '../../src/ingest/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { SYSLOG_FORMATS } from '../../src/parse/types.js';

async function exposition(registry: Registry): Promise<string> {
  return registry.metrics();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createMetrics', () => {
  it('exports every bounded label combination from the start, at zero', async () => {
    const registry = new Registry();
    createMetrics(registry, { version: '1.2.3' });
    const text = await exposition(registry);
    expect(sample(text, 'syslog_messages_received_total{transport="udp"}')).toBe(0);
    expect(sample(text, 'syslog_messages_dropped_total{transport="tcp",reason="oversize"}')).toBe(0);
    expect(sample(text, 'syslog_messages_parsed_total{format="unknown"}')).toBe(0);
    expect(sample(text, 'syslog_connections_open{transport="tls"}')).toBe(0);
    expect(text).toMatch(/syslog_sentinel_build_info\{version="1\.2\.3",nodejs="[\d.]+"\} 1/);
  });

  it('counts what the ingest observer and parser report', async () => {
    const registry = new Registry();
    const m = createMetrics(registry, { version: 't' });
    m.ingest.received('udp', 100);
    m.ingest.received('udp', 50);
    m.ingest.received('tcp', 7);
    m.ingest.dropped('tcp', 'oversize');
    m.ingest.dropped('udp', 'denied', 3);
    m.ingest.connectionOpened('tcp');
    m.ingest.connectionOpened('tcp');
    m.ingest.connectionClosed('tcp', 'idle_timeout');
    m.parsed('rfc3164');
    m.parsed('rfc3164');
    m.parsed('unknown');
    const text = await exposition(registry);
    expect(sample(text, 'syslog_messages_received_total{transport="udp"}')).toBe(2);
    expect(sample(text, 'syslog_bytes_received_total{transport="udp"}')).toBe(150);
    expect(sample(text, 'syslog_messages_received_total{transport="tcp"}')).toBe(1);
    expect(sample(text, 'syslog_messages_dropped_total{transport="tcp",reason="oversize"}')).toBe(1);
    expect(sample(text, 'syslog_messages_dropped_total{transport="udp",reason="denied"}')).toBe(3);
    expect(sample(text, 'syslog_connections_opened_total{transport="tcp"}')).toBe(2);
    expect(sample(text, 'syslog_connections_open{transport="tcp"}')).toBe(1);
    expect(sample(text, 'syslog_connections_closed_total{transport="tcp",reason="idle_timeout"}')).toBe(1);
    expect(sample(text, 'syslog_messages_parsed_total{format="rfc3164"}')).toBe(2);
    expect(sample(text, 'syslog_messages_parsed_total{format="unknown"}')).toBe(1);
  });

  it('a connection that fails its TLS handshake leaves the open gauge where it was', async () => {
    const registry = new Registry();
    const m = createMetrics(registry, { version: 't' });
    m.ingest.connectionOpened('tls');
    m.ingest.connectionClosed('tls', 'tls_handshake');
    const text = await exposition(registry);
    expect(sample(text, 'syslog_connections_open{transport="tls"}')).toBe(0);
    expect(sample(text, 'syslog_connections_closed_total{transport="tls",reason="tls_handshake"}')).toBe(1);
  });

  it('exports kernel UDP drops when known and leaves the series out when not', async () => {
    let drops: number | null = 5;
    const registry = new Registry();
    createMetrics(registry, { version: 't', udpKernelDrops: () => drops });
    expect(sample(await exposition(registry), 'syslog_udp_kernel_drops_total')).toBe(5);
    drops = null;
    const text = await exposition(registry);
    expect(text).toContain('# TYPE syslog_udp_kernel_drops_total counter');
    expect(sample(text, 'syslog_udp_kernel_drops_total')).toBeUndefined();
  });

  it('labels carry no sender-controlled values: every label value comes from a fixed set or the config', async () => {
    const registry = new Registry();
    const m = createMetrics(registry, { version: 't', processMetrics: false });
    m.setUdpReceiveBuffer('udp:0.0.0.0:514', 425984);
    const values = (await registry.getMetricsAsJSON()).flatMap((metric) =>
      metric.values.flatMap((v) => Object.entries(v.labels ?? {}).filter(([k]) => k !== 'le').map(([, value]) => String(value))),
    );
    const allowed = new Set<string>([...TRANSPORTS, ...DROP_REASONS, ...CLOSE_REASONS, ...SYSLOG_FORMATS, 'udp:0.0.0.0:514', 't', process.versions.node]);
    expect(values.length).toBeGreaterThan(20);
    expect(values.filter((v) => !allowed.has(v))).toEqual([]);
  });
});
