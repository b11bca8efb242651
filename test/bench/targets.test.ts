import { describe, expect, it } from 'vitest';
import type { KeysPhaseResult } from '../../src/bench/keys-phase.js';
import type { ReceiverResult } from '../../src/bench/results.js';
import type { LatencyResult, TcpRunResult, UdpLadderPoint } from '../../src/bench/runs.js';
import { judge, ratioOf, ratioRows, TARGETS, targetChecklist } from '../../src/bench/targets.js';

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

function receiver(id: string, o: { udp: number; udpSenderBound?: boolean; lf: number; octet?: number; rss?: number; lfBusy?: number; latency?: LatencyResult[] }): ReceiverResult {
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
  };
}

function latency(p99Seconds: number): LatencyResult {
  const q = { value: p99Seconds, lower: p99Seconds / 2, upper: p99Seconds * 2, aboveLastBound: false };
  return { rate: 50_000, messages: 1000, lost: 0, p50: q, p99: q, meanSeconds: p99Seconds / 3 };
}

function keys(trackedKeys: number, peakRssBytes: number): KeysPhaseResult {
  return { variant: 'maxKeys raised', maxKeys: trackedKeys, hosts: trackedKeys, received: trackedKeys, matches: trackedKeys, trackedKeys, evictions: 0, peakRssBytes, rssBytes: peakRssBytes, seconds: 1 };
}

describe('ratioOf', () => {
  it('carries bounds through: a lower bound on top or an upper bound below makes a lower bound', () => {
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'exact' })).toEqual({ value: 2, bound: 'exact' });
    expect(ratioOf({ value: 2, bound: 'atLeast' }, { value: 1, bound: 'exact' }).bound).toBe('atLeast');
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'atMost' }).bound).toBe('atLeast');
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'atLeast' }).bound).toBe('atMost');
    expect(ratioOf({ value: 2, bound: 'atMost' }, { value: 1, bound: 'exact' }).bound).toBe('atMost');
    expect(ratioOf({ value: 2, bound: 'atLeast' }, { value: 1, bound: 'atLeast' }).bound).toBe('unknown');
  });
});

describe('judge', () => {
  it('decides exact figures and only the bounds that settle the question', () => {
    expect(judge({ value: 1.2, bound: 'exact' }, 1, 'atLeast')).toBe('met');
    expect(judge({ value: 0.8, bound: 'exact' }, 1, 'atLeast')).toBe('not met');
    expect(judge({ value: 1.2, bound: 'atLeast' }, 1, 'atLeast')).toBe('met');
    expect(judge({ value: 0.8, bound: 'atLeast' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: 0.8, bound: 'atMost' }, 1, 'atLeast')).toBe('not met');
    expect(judge({ value: 1.2, bound: 'atMost' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: 0.5, bound: 'atMost' }, 1, 'below')).toBe('met');
    expect(judge({ value: 2, bound: 'atLeast' }, 1, 'below')).toBe('not met');
    expect(judge({ value: 2, bound: 'unknown' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: Number.NaN, bound: 'exact' }, 1, 'atLeast')).toBe('not measured');
  });
});

describe('targetChecklist', () => {
  const rsyslog = receiver('rsyslog', { udp: 100_000, lf: 200_000, octet: 200_000, rss: 20e6 });
  const bare = receiver('bare', { udp: 150_000, lf: 2_000_000 });

  it('judges the appliance with rules against rsyslog, bare Node and the absolute targets', () => {
    const app = receiver('appliance-rules', { udp: 120_000, lf: 400_000, octet: 250_000, rss: 130e6, latency: [latency(200e-6)] });
    const checks = targetChecklist([bare, rsyslog, app], [keys(100_000, 140e6)]);
    expect(checks.map((c) => [c.target, c.status])).toEqual([
      ['UDP zero-loss ≥ 1.0× rsyslog', 'met'],
      ['UDP zero-loss ≥ 0.7× bare Node', 'met'],
      ['TCP (LF) ≥ 1.5× rsyslog', 'met'],
      ['TCP (octet-counted) ≥ 1.5× rsyslog', 'not met'],
      ['p99 receive → decision < 1 ms at half the max UDP rate', 'met'],
      ['peak RSS ≤ 150 MB with 100,000 tracked keys', 'met'],
    ]);
    expect(checks[0]!.figure.value).toBeCloseTo(1.2);
    expect(checks[3]!.figure.value).toBeCloseTo(1.25);
  });

  it('says not met, undecided or not measured where the numbers say so', () => {
    const app = receiver('appliance-rules', { udp: 80_000, lf: 250_000, octet: 400_000, latency: [latency(2e-3)] });
    // bare Node reached the sender's ceiling: its rate is a lower bound, so app/bare is an upper bound.
    const bareBound = receiver('bare', { udp: 100_000, udpSenderBound: true, lf: 2_000_000 });
    const checks = targetChecklist([bareBound, rsyslog, app], [keys(10_000, 120e6)]);
    expect(checks.map((c) => c.status)).toEqual(['not met', 'undecided', 'not met', 'met', 'not met', 'not measured']);
    expect(checks[5]!.note).toMatch(/at most 10,000 keys/);
  });

  it('reports RSS above the limit as not met, and everything as not measured without the appliance', () => {
    const app = receiver('appliance-rules', { udp: 120_000, lf: 400_000 });
    expect(targetChecklist([app], [keys(TARGETS.trackedKeys, 151e6)])[5]!.status).toBe('not met');
    expect(targetChecklist([rsyslog, bare], []).every((c) => c.status === 'not measured')).toBe(true);
  });
});

describe('ratioRows', () => {
  it('compares the appliance with rules and the core pipeline against rsyslog and bare Node, where both ran', () => {
    const rules = receiver('appliance-rules', { udp: 120_000, lf: 400_000, rss: 130e6 });
    const core = receiver('appliance', { udp: 130_000, lf: 500_000 });
    const rows = ratioRows([receiver('bare', { udp: 150_000, lf: 2_000_000 }), receiver('rsyslog', { udp: 100_000, lf: 200_000, rss: 20e6 }), core, rules]);
    expect(rows.map((r) => r.label)).toEqual(['appliance-rules / rsyslog', 'appliance-rules / bare', 'appliance / rsyslog', 'appliance / bare']);
    expect(rows[0]!.udp.value).toBeCloseTo(1.2);
    expect(rows[0]!.tcpLf.value).toBeCloseTo(2);
    expect(rows[0]!.peakRss.value).toBeCloseTo(6.5);
    // bare Node has no octet-counted runs.
    expect(Number.isNaN(rows[1]!.tcpOctet.value)).toBe(true);
  });
});
