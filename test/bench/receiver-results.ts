/** Builders of synthetic benchmark results for the report and target tests. */
import type { KeysPhaseResult } from '../../src/bench/keys-phase.js';
import type { ReceiverResult } from '../../src/bench/results.js';
import type { LatencyResult, TcpRunResult, UdpLadderPoint } from '../../src/bench/runs.js';

function point(targetRate: number, loss: number, senderBound = false, cpu = 5): UdpLadderPoint {
  return {
    targetRate,
    repeats: [],
    medianAchievedRate: senderBound ? targetRate * 0.8 : targetRate,
    medianLossShare: loss,
    maxLossShare: loss,
    senderBound,
    medianCpuMicrosPerMessage: cpu,
    medianReceiverBusy: 0.5,
    medianSenderBusy: 0.5,
  };
}

/** A ladder that is clean up to `zeroLoss` and loses above it; senderBound: it ended clean at the sender's ceiling. */
function ladder(zeroLoss: number, senderBound = false) {
  const points = [point(zeroLoss / 2, 0), senderBound ? point(zeroLoss / 0.8, 0, true) : point(zeroLoss, 0)];
  if (!senderBound) points.push(point(zeroLoss * 2, 0.1));
  return { points, best: points[1]!, senderBound };
}

/** TCP runs at `rate` msg/s with the receiver `busy` share of a core. */
function tcp(rate: number, busy = 1): TcpRunResult[] {
  const seconds = 1000 / rate;
  return [{ framing: 'lf', sent: 1000, received: 1000, seconds, rate, writeSeconds: 0.1, firstByteAt: 0, endedAt: seconds * 1000, endedBy: 'count seen', receiverCpuSeconds: busy * seconds, senderCpuSeconds: 0.1 }];
}

export function receiver(
  id: string,
  o: { udp: number; udpSenderBound?: boolean; lf: number; octet?: number; rss?: number; lfBusy?: number; latency?: LatencyResult[] },
  extra: Partial<ReceiverResult> = {},
): ReceiverResult {
  return {
    id,
    name: id,
    pid: 1,
    udpReceiveBufferBytes: 4 << 20,
    udp: ladder(o.udp, o.udpSenderBound),
    tcp: { lf: tcp(o.lf, o.lfBusy), ...(o.octet === undefined ? {} : { octet: tcp(o.octet) }) },
    latency: o.latency ?? [],
    peakRssBytes: o.rss ?? 100e6,
    peakRssByPhase: null,
    endRssBytes: null,
    countTiming: 'live',
    sent: { messages: 0, invalidUserLines: 0 },
    counted: { udp: 0, tcp: 0 },
    details: {},
    ...extra,
  };
}

export function latency(p99Seconds: number): LatencyResult {
  const q = { value: p99Seconds, lower: p99Seconds / 2, upper: p99Seconds * 2, aboveLastBound: false };
  return { rate: 50_000, messages: 1000, lost: 0, p50: q, p99: q, meanSeconds: p99Seconds / 3 };
}

export function keys(trackedKeys: number, peakRssBytes: number): KeysPhaseResult {
  return { variant: 'maxKeys raised', maxKeys: trackedKeys, hosts: trackedKeys, received: trackedKeys, matches: trackedKeys, trackedKeys, evictions: 0, peakRssBytes, rssBytes: peakRssBytes, seconds: 1 };
}
