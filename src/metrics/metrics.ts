import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';
import { CLOSE_REASONS, DROP_REASONS, TRANSPORTS } from '../ingest/types.js';
import type { CloseReason, DropReason, IngestObserver, Transport } from '../ingest/types.js';
import { SYSLOG_FORMATS, type SyslogFormat } from '../parse/types.js';
import { LatencyHistogram } from './latency-histogram.js';
import { registerScrapeCollector } from './scrape-collector.js';
import { Tally } from './tally.js';

const STREAM_TRANSPORTS = ['tcp', 'tls'] as const;

/** Receive → end-of-pipeline latency buckets, in seconds (1 µs .. 1 s). */
export const LATENCY_BUCKETS_SECONDS = [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1];

export interface MetricsOptions {
  readonly version: string;
  /** Sum of the kernel's receive-buffer drops for our UDP sockets, or null when unknown (no /proc). */
  readonly udpKernelDrops?: () => number | null;
  /** Adds prom-client's process_* and nodejs_* metrics (off in unit tests that want a small exposition). */
  readonly processMetrics?: boolean;
}

/** The typed handles every stage uses. Labels are bounded sets; no host, address or message text ever becomes a label. */
export interface Metrics {
  readonly ingest: IngestObserver;
  parsed(format: SyslogFormat): void;
  observeLatencySeconds(seconds: number): void;
  setUdpReceiveBuffer(listener: string, bytes: number): void;
  setReady(ready: boolean): void;
  /** Outcome of the last config (re)load: 1/0 and, on success, its time. */
  configReloaded(ok: boolean, nowMs: number): void;
  readonly latency: LatencyHistogram;
  /** Messages received since start, all transports (for status replies). */
  receivedTotal(): number;
}

export function createMetrics(registry: Registry, options: MetricsOptions): Metrics {
  const received = new Tally(registry, 'syslog_messages_received_total', 'Messages received (after framing, before parsing), by transport.', 'counter', { transport: TRANSPORTS });
  const bytes = new Tally(registry, 'syslog_bytes_received_total', 'Message bytes received (without framing), by transport.', 'counter', { transport: TRANSPORTS });
  const dropped = new Tally(registry, 'syslog_messages_dropped_total', 'Messages or connections discarded, by transport and reason.', 'counter', { transport: TRANSPORTS, reason: DROP_REASONS });
  const parsed = new Tally(registry, 'syslog_messages_parsed_total', 'Messages parsed, by the format recognised (unknown = no syslog header; the line is kept as the message).', 'counter', { format: SYSLOG_FORMATS });
  const opened = new Tally(registry, 'syslog_connections_opened_total', 'TCP/TLS connections accepted (after the allowlist and connection cap).', 'counter', { transport: STREAM_TRANSPORTS });
  const closed = new Tally(registry, 'syslog_connections_closed_total', 'TCP/TLS connections closed, by reason.', 'counter', { transport: STREAM_TRANSPORTS, reason: CLOSE_REASONS });
  const open = new Tally(registry, 'syslog_connections_open', 'TCP/TLS connections currently open.', 'gauge', { transport: STREAM_TRANSPORTS });
  const latency = new LatencyHistogram(registry, 'syslog_pipeline_latency_seconds', 'Time from a message being read off the socket to the end of the pipeline.', LATENCY_BUCKETS_SECONDS);

  const rcvbuf = new Gauge({ name: 'syslog_udp_receive_buffer_bytes', help: 'Socket receive buffer the kernel granted to each UDP listener.', labelNames: ['listener'], registers: [registry] });
  const ready = new Gauge({ name: 'syslog_sentinel_ready', help: '1 when every listener is bound and the pipeline is running.', registers: [registry] });
  new Gauge({ name: 'syslog_sentinel_build_info', help: 'Build information; always 1.', labelNames: ['version', 'nodejs'], registers: [registry] })
    .set({ version: options.version, nodejs: process.versions.node }, 1);
  const reloadOk = new Gauge({ name: 'syslog_sentinel_config_last_reload_successful', help: 'Whether the last configuration load (start or SIGHUP) succeeded.', registers: [registry] });
  const reloadTime = new Gauge({ name: 'syslog_sentinel_config_last_reload_success_timestamp_seconds', help: 'Time of the last successful configuration load.', registers: [registry] });
  reloadOk.set(1);
  reloadTime.set(Math.floor(Date.now() / 1000));
  const readKernelDrops = options.udpKernelDrops;
  if (readKernelDrops) {
    registerScrapeCollector(registry, {
      name: 'syslog_udp_kernel_drops_total',
      help: 'Datagrams the kernel dropped because a UDP listener socket receive buffer was full (drops column of /proc/net/udp and udp6).',
      type: 'counter',
      collect: () => {
        const v = readKernelDrops();
        return v === null ? [] : [{ value: v }];
      },
    });
  }
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total break Prometheus naming rules (promtool flags them); the same numbers are exported
    // per type as nodejs_active_handles / nodejs_active_requests / nodejs_active_resources.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
  }

  const transportIndex = indexMap(TRANSPORTS);
  const streamIndex = (t: Transport): number => (t === 'tls' ? 1 : 0);
  // Looked up per dropped message (a flood of bad input is many): two property reads, no key string built.
  const dropIndex = Object.fromEntries(
    TRANSPORTS.map((t) => [t, Object.fromEntries(DROP_REASONS.map((r) => [r, dropped.indexOf({ transport: t, reason: r })]))]),
  ) as Record<Transport, Record<DropReason, number>>;
  const closeIndex = new Map<string, number>();
  for (const t of STREAM_TRANSPORTS) for (const r of CLOSE_REASONS) closeIndex.set(`${t}/${r}`, closed.indexOf({ transport: t, reason: r }));
  const formatIndex = indexMap(SYSLOG_FORMATS);

  const ingest: IngestObserver = {
    received(transport: Transport, n: number): void {
      const i = transportIndex[transport];
      received.add(i, 1);
      bytes.add(i, n);
    },
    dropped(transport: Transport, reason: DropReason, count = 1): void {
      dropped.add(dropIndex[transport][reason], count);
    },
    connectionOpened(transport: Transport): void {
      opened.add(streamIndex(transport), 1);
      open.add(streamIndex(transport), 1);
    },
    connectionClosed(transport: Transport, reason: CloseReason): void {
      closed.add(closeIndex.get(`${transport}/${reason}`)!, 1);
      open.add(streamIndex(transport), -1);
    },
  };

  return {
    ingest,
    latency,
    parsed: (format) => parsed.add(formatIndex[format], 1),
    observeLatencySeconds: (s) => latency.observe(s),
    receivedTotal: () => TRANSPORTS.reduce((sum, _t, i) => sum + received.value(i), 0),
    setUdpReceiveBuffer: (listener, n) => rcvbuf.set({ listener }, n),
    setReady: (r) => ready.set(r ? 1 : 0),
    configReloaded: (ok, nowMs) => {
      reloadOk.set(ok ? 1 : 0);
      if (ok) reloadTime.set(Math.floor(nowMs / 1000));
    },
  };
}

function indexMap<T extends string>(values: readonly T[]): Record<T, number> {
  return Object.fromEntries(values.map((v, i) => [v, i])) as Record<T, number>;
}
