/** What the appliance's /metrics says about ingest, read into one plain value the accounting can compare. */
import { sumOf, type Sample } from '../bench/prom-text.js';
import { CLOSE_REASONS, DROP_REASONS, type CloseReason, type DropReason } from '../ingest/types.js';
import type { DropCounts } from './stream-model.js';

export interface IngestSnapshot {
  readonly received: { readonly udp: number; readonly tcp: number };
  readonly bytes: { readonly udp: number; readonly tcp: number };
  readonly drops: { readonly udp: DropCounts; readonly tcp: DropCounts };
  /** null when the series is absent (no readable /proc/net/udp). */
  readonly kernelDrops: number | null;
  /** The smallest receive buffer the kernel granted a UDP listener; null when not exported. */
  readonly udpReceiveBufferBytes: number | null;
  readonly connectionsOpen: number;
  readonly connectionsOpened: number;
  readonly closed: Partial<Record<CloseReason, number>>;
  readonly parsed: Readonly<Record<string, number>>;
  /** Messages whose trip through the pipeline took longer than 1 s (the histogram's top bound). */
  readonly latencyOver1s: number;
  readonly latencyCount: number;
  readonly incidentsOpened: number;
  /** Incidents closed early at alerting.maxOpenIncidents. */
  readonly incidentsEvicted: number;
  readonly ruleMatches: number;
}

function drops(samples: readonly Sample[], transport: string): DropCounts {
  const out: DropCounts = {};
  for (const reason of DROP_REASONS) {
    const n = sumOf(samples, 'syslog_messages_dropped_total', { transport, reason });
    if (n > 0) out[reason] = n;
  }
  return out;
}

export function ingestSnapshot(samples: readonly Sample[]): IngestSnapshot {
  const closed: Partial<Record<CloseReason, number>> = {};
  for (const reason of CLOSE_REASONS) {
    const n = sumOf(samples, 'syslog_connections_closed_total', { transport: 'tcp', reason });
    if (n > 0) closed[reason] = n;
  }
  const parsed: Record<string, number> = {};
  for (const s of samples) if (s.name === 'syslog_messages_parsed_total' && s.labels.format !== undefined) parsed[s.labels.format] = s.value;
  const buffers = samples.filter((s) => s.name === 'syslog_udp_receive_buffer_bytes').map((s) => s.value);
  const latencyCount = sumOf(samples, 'syslog_pipeline_latency_seconds_count');
  const withinOneSecond = sumOf(samples, 'syslog_pipeline_latency_seconds_bucket', { le: '1' });
  return {
    received: { udp: sumOf(samples, 'syslog_messages_received_total', { transport: 'udp' }), tcp: sumOf(samples, 'syslog_messages_received_total', { transport: 'tcp' }) },
    bytes: { udp: sumOf(samples, 'syslog_bytes_received_total', { transport: 'udp' }), tcp: sumOf(samples, 'syslog_bytes_received_total', { transport: 'tcp' }) },
    drops: { udp: drops(samples, 'udp'), tcp: drops(samples, 'tcp') },
    kernelDrops: samples.some((s) => s.name === 'syslog_udp_kernel_drops_total') ? sumOf(samples, 'syslog_udp_kernel_drops_total') : null,
    udpReceiveBufferBytes: buffers.length === 0 ? null : Math.min(...buffers),
    connectionsOpen: sumOf(samples, 'syslog_connections_open', { transport: 'tcp' }),
    connectionsOpened: sumOf(samples, 'syslog_connections_opened_total', { transport: 'tcp' }),
    closed,
    parsed,
    latencyOver1s: latencyCount - withinOneSecond,
    latencyCount,
    incidentsOpened: sumOf(samples, 'syslog_incidents_opened_total'),
    incidentsEvicted: sumOf(samples, 'syslog_incidents_evicted_total'),
    ruleMatches: sumOf(samples, 'syslog_rule_matches_total'),
  };
}

export function totalDrops(d: DropCounts): number {
  let n = 0;
  for (const v of Object.values(d)) n += v ?? 0;
  return n;
}

export function dropsOf(d: DropCounts, reason: DropReason): number {
  return d[reason] ?? 0;
}

/** UDP datagrams the appliance has counted in any way: received, dropped, or dropped by the kernel. */
export function udpCounted(s: IngestSnapshot): number {
  return s.received.udp + totalDrops(s.drops.udp) + (s.kernelDrops ?? 0);
}
