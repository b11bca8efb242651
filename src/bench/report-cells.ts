/** The text of the report's table cells: rates, CPU, RSS, latency and ratios, with their bounds spelled out. */
import { quantileMeasure, tcpCpuPerMessage, tcpNotSaturated, tcpRate, tcpReceiverBusy, udpCpuPerMessage, type Bound, type Measure } from './receiver-figures.js';
import type { ReceiverResult } from './results.js';
import { fmtRate, pct, type TcpRunResult, type UdpLadderResult } from './runs.js';
import type { Ratio } from './targets.js';
import type { QuantileEstimate } from './stats.js';

export const MB = 1000 * 1000;

const PREFIX: Record<Bound | 'unknown', string> = { exact: '', atLeast: '≥ ', atMost: '≤ ', unknown: '~' };

export function udpCell(r: UdpLadderResult | null): string {
  if (r === null) return 'not run';
  if (r.best === null) return `< ${fmtRate(r.points[0]?.targetRate ?? Number.NaN)} (loss at the lowest step)`;
  const bound = r.senderBound && r.best === r.points[r.points.length - 1];
  return bound ? `≥ ${fmtRate(r.best.medianAchievedRate)} (sender-bound)` : fmtRate(r.best.medianAchievedRate);
}

export function tcpCell(runs: readonly TcpRunResult[] | undefined): string {
  if (runs === undefined || runs.length === 0) return '—';
  const lost = runs.reduce((s, r) => s + (r.sent - r.received), 0);
  const rate = fmtRate(tcpRate(runs));
  const text = tcpNotSaturated(runs) ? `≥ ${rate} (receiver ${pct(tcpReceiverBusy(runs))} busy: sender-bound)` : rate;
  return `${text}${lost !== 0 ? ` (LOSS: ${lost} of ${runs.reduce((s, r) => s + r.sent, 0)})` : ''}`;
}

/** Seconds as µs: one decimal below 10. */
export function us(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const v = seconds * 1e6;
  return v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

/** A latency quantile (median over runs) in µs; "< x" when it is in the first bucket, "> x" in the last. */
export function quantileText(estimates: readonly QuantileEstimate[]): string {
  const m = quantileMeasure(estimates);
  if (m.bound === 'atLeast') return `> ${us(m.value)}`;
  if (m.bound === 'atMost') return `< ${us(m.value)}`;
  return us(m.value);
}

export function latencyCell(r: ReceiverResult): string {
  if (r.latency.length === 0) return '—';
  return `${quantileText(r.latency.map((l) => l.p50))} / ${quantileText(r.latency.map((l) => l.p99))} µs`;
}

/** CPU seconds per million messages (numerically the same as µs per message): UDP, TCP LF, TCP octet-counted. */
export function cpuCell(r: ReceiverResult): string {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
  return `${f(udpCpuPerMessage(r))} / ${f(tcpCpuPerMessage(r.tcp.lf))} / ${f(tcpCpuPerMessage(r.tcp.octet))}`;
}

export function rssCell(r: ReceiverResult): string {
  return r.peakRssBytes === null ? 'unknown' : (r.peakRssBytes / MB).toFixed(1);
}

/** A ratio as "1.23×", with ≥ / ≤ when it is a bound and ~ when its bound is unknown. */
export function ratioText(r: Ratio): string {
  return Number.isFinite(r.value) ? `${PREFIX[r.bound]}${r.value.toFixed(2)}×` : '—';
}

export function measureText(m: Measure | Ratio, unit: 'ratio' | 'seconds' | 'bytes'): string {
  if (!Number.isFinite(m.value)) return '—';
  if (unit === 'ratio') return ratioText(m);
  const text = unit === 'seconds' ? `${us(m.value)} µs` : `${(m.value / MB).toFixed(1)} MB`;
  return `${PREFIX[m.bound]}${text}`;
}
