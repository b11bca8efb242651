/**
 * The figures the report gives for one receiver, taken from its raw results, each as a Measure: a value and
 * whether it is exact or only a bound (a rate found at the sender's ceiling is a lower bound on the receiver's).
 */
import type { ReceiverResult } from './results.js';
import { busyShare, cpuMicrosPerMessage, RECEIVER_SATURATED_SHARE, type LatencyResult, type TcpRunResult, type UdpLadderResult } from './runs.js';
import { median, type QuantileEstimate } from './stats.js';

/** 'atLeast': the true value is this or more; 'atMost': this or less. */
export type Bound = 'exact' | 'atLeast' | 'atMost';

export interface Measure {
  readonly value: number;
  readonly bound: Bound;
}

export const exact = (value: number): Measure => ({ value, bound: 'exact' });

export function udpZeroLossRate(r: UdpLadderResult | null): number {
  return r?.best?.medianAchievedRate ?? Number.NaN;
}

/** The zero-loss UDP rate: at least the sender's ceiling when it was clean there; below the lowest step when that lost. */
export function udpMeasure(r: UdpLadderResult | null): Measure {
  if (r === null) return exact(Number.NaN);
  if (r.best === null) return { value: r.points[0]?.targetRate ?? Number.NaN, bound: 'atMost' };
  const atCeiling = r.senderBound && r.best === r.points[r.points.length - 1];
  return { value: r.best.medianAchievedRate, bound: atCeiling ? 'atLeast' : 'exact' };
}

export function tcpRate(runs: readonly TcpRunResult[] | undefined): number {
  return runs === undefined || runs.length === 0 ? Number.NaN : median(runs.map((r) => r.rate));
}

/** Median share of a core the receiver was busy during the TCP runs. */
export function tcpReceiverBusy(runs: readonly TcpRunResult[] | undefined): number {
  return runs === undefined ? Number.NaN : median(runs.map((r) => busyShare(r.receiverCpuSeconds, r.seconds)));
}

/** The receiver was not the bottleneck: it had CPU to spare, so the sender or loopback path set the rate. */
export function tcpNotSaturated(runs: readonly TcpRunResult[] | undefined): boolean {
  return tcpReceiverBusy(runs) < RECEIVER_SATURATED_SHARE;
}

/** TCP msg/s, a lower bound when the receiver was not saturated. */
export function tcpMeasure(runs: readonly TcpRunResult[] | undefined): Measure {
  return { value: tcpRate(runs), bound: tcpNotSaturated(runs) ? 'atLeast' : 'exact' };
}

/** Receiver CPU µs per message (= CPU seconds per million messages) at its highest zero-loss UDP step. */
export function udpCpuPerMessage(r: ReceiverResult): number {
  return r.udp?.best?.medianCpuMicrosPerMessage ?? Number.NaN;
}

/** Receiver CPU µs per message (= CPU seconds per million messages) over TCP runs, median. */
export function tcpCpuPerMessage(runs: readonly TcpRunResult[] | undefined): number {
  return runs === undefined ? Number.NaN : median(runs.map((x) => cpuMicrosPerMessage(x.receiverCpuSeconds, x.received)));
}

/**
 * Median over runs of one latency quantile, in seconds. When it lies in the first bucket in every run the
 * histogram says only "below the first bound" (atMost); in the +Inf bucket, "above the last bound" (atLeast).
 */
export function quantileMeasure(estimates: readonly QuantileEstimate[]): Measure {
  if (estimates.length === 0) return exact(Number.NaN);
  if (estimates.every((e) => e.aboveLastBound)) return { value: estimates[0]!.lower, bound: 'atLeast' };
  if (estimates.every((e) => e.lower === 0)) return { value: estimates[0]!.upper, bound: 'atMost' };
  return exact(median(estimates.map((e) => e.value)));
}

export const p99Measure = (latency: readonly LatencyResult[]): Measure => quantileMeasure(latency.map((l) => l.p99));
