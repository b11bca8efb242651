/**
 * The measurements, each against one receiver: a UDP step at a fixed rate (loss and achieved rate), a UDP
 * ladder of such steps to find the highest zero-loss rate, a TCP bulk run, and a latency run.
 */
import { epochMs, sleep } from './clock.js';
import { CpuActivityWatch } from './cpu-activity.js';
import { readCpuSeconds, readUdpDrops } from './proc.js';
import type { Receiver } from './receiver.js';
import type { SenderProcess } from './sender-process.js';
import { diffHistogram, histogramQuantile, median, type QuantileEstimate } from './stats.js';

/** A step whose median achieved rate is below this share of the target means the sender was the ceiling. */
export const SENDER_BOUND_SHARE = 0.9;

export interface UdpStepResult {
  readonly targetRate: number;
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  readonly achievedRate: number;
  /** Increase of the kernel's receive-buffer drop counter for the receiver's socket during the step. */
  readonly kernelDrops: number | null;
  /** CPU seconds (user + system) the receiver process used from just before sending until it went quiet. */
  readonly receiverCpuSeconds: number | null;
  /** CPU seconds the sender process used for the job. */
  readonly senderCpuSeconds: number | null;
  /** Wall time the sender took for the job. */
  readonly sendSeconds: number;
}

/** Receiver CPU time per received message, in µs. */
export function cpuMicrosPerMessage(cpuSeconds: number | null, messages: number): number {
  return cpuSeconds === null || messages <= 0 ? Number.NaN : (cpuSeconds * 1e6) / messages;
}

export interface UdpLadderPoint {
  readonly targetRate: number;
  readonly repeats: readonly UdpStepResult[];
  readonly medianAchievedRate: number;
  /** Median over repeats of lost/sent. */
  readonly medianLossShare: number;
  readonly maxLossShare: number;
  readonly senderBound: boolean;
  /** Median over repeats of the receiver's CPU µs per received message. */
  readonly medianCpuMicrosPerMessage: number;
  /** Median share of one core the receiver and the sender were busy while sending. */
  readonly medianReceiverBusy: number;
  readonly medianSenderBusy: number;
}

export interface UdpLadderResult {
  readonly points: readonly UdpLadderPoint[];
  /**
   * The highest point with zero median loss, or null. Lower points with loss do not disqualify it: a receiver
   * that took a higher rate cleanly can take the lower one, so such loss was a disturbance (the steps table shows it).
   */
  readonly best: UdpLadderPoint | null;
  /** True when the ladder ended at a clean point the sender could not push harder (the receiver's limit is higher). */
  readonly senderBound: boolean;
}

export interface UdpLadderOptions {
  readonly rates: readonly number[];
  readonly repeats: number;
  /** Messages per step: fixed, or rate × stepSeconds when null. */
  readonly stepMessages: number | null;
  readonly stepSeconds: number;
  readonly tickMs: number;
  /** Stop after this many consecutive points with loss. */
  readonly failuresToStop: number;
  readonly log: (line: string) => void;
}

/** Polls `read` until it reaches `target`, or has not moved for quietMs, or maxWaitMs passed. */
async function waitForCount(read: () => Promise<number>, target: number, quietMs: number, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let last = await read();
  let lastChange = Date.now();
  while (last < target && Date.now() < deadline) {
    await sleep(25);
    const v = await read();
    if (v !== last) {
      last = v;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= quietMs) break;
  }
  return last;
}

export async function udpStep(rx: Receiver, sender: SenderProcess, rate: number, count: number, tickMs: number): Promise<UdpStepResult> {
  const before = (await rx.counts()).udp;
  const dropsBefore = readUdpDrops(rx.udpPort);
  const cpuBefore = readCpuSeconds(rx.pid);
  const senderCpuBefore = readCpuSeconds(sender.pid);
  const r = await sender.run({ kind: 'udp', port: rx.udpPort, rate, count, tickMs });
  const senderCpuAfter = readCpuSeconds(sender.pid);
  // A 'settled' receiver's counts() already waited for its counters to stop changing.
  const after = rx.countTiming === 'settled' ? (await rx.counts()).udp : await waitForCount(async () => (await rx.counts()).udp, before + r.sent, 400, 15_000);
  const cpuAfter = readCpuSeconds(rx.pid);
  const dropsAfter = readUdpDrops(rx.udpPort);
  const received = after - before;
  return {
    targetRate: rate,
    sent: r.sent,
    received,
    lost: r.sent - received,
    achievedRate: r.achievedRate,
    kernelDrops: dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
    receiverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    senderCpuSeconds: senderCpuBefore === null || senderCpuAfter === null ? null : senderCpuAfter - senderCpuBefore,
    sendSeconds: (r.endedAt - r.startedAt) / 1000,
  };
}

export async function udpLadder(rx: Receiver, sender: SenderProcess, o: UdpLadderOptions): Promise<UdpLadderResult> {
  const points: UdpLadderPoint[] = [];
  let best: UdpLadderPoint | null = null;
  let failures = 0;
  let senderBound = false;
  for (const rate of o.rates) {
    const count = o.stepMessages ?? Math.max(1000, Math.round(rate * o.stepSeconds));
    const repeats: UdpStepResult[] = [];
    for (let i = 0; i < o.repeats; i++) {
      repeats.push(await udpStep(rx, sender, rate, count, o.tickMs));
      await sleep(150);
    }
    const shares = repeats.map((r) => (r.sent > 0 ? Math.max(0, r.lost) / r.sent : 0));
    const point: UdpLadderPoint = {
      targetRate: rate,
      repeats,
      medianAchievedRate: median(repeats.map((r) => r.achievedRate)),
      medianLossShare: median(shares),
      maxLossShare: Math.max(...shares),
      senderBound: median(repeats.map((r) => r.achievedRate)) < rate * SENDER_BOUND_SHARE,
      medianCpuMicrosPerMessage: median(repeats.map((r) => cpuMicrosPerMessage(r.receiverCpuSeconds, r.received))),
      medianReceiverBusy: median(repeats.map((r) => busyShare(r.receiverCpuSeconds, r.sendSeconds))),
      medianSenderBusy: median(repeats.map((r) => busyShare(r.senderCpuSeconds, r.sendSeconds))),
    };
    points.push(point);
    o.log(
      `  udp ${fmtRate(rate)}/s: achieved ${fmtRate(point.medianAchievedRate)}/s, loss median ${pct(point.medianLossShare)}, ` +
        `receiver CPU ${point.medianCpuMicrosPerMessage.toFixed(2)} µs/msg, busy: receiver ${pct(point.medianReceiverBusy)} sender ${pct(point.medianSenderBusy)} ` +
        `(runs: ${repeats.map((r) => `${r.lost}/${r.sent}${r.kernelDrops ? ` kdrop ${r.kernelDrops}` : ''}`).join(', ')})${point.senderBound ? ' [sender-bound]' : ''}`,
    );
    if (point.medianLossShare === 0) {
      best = point;
      failures = 0;
    } else {
      failures++;
    }
    if (point.senderBound) {
      // The sender could not go faster: the ladder ends here, at the sender's ceiling if this point was clean.
      senderBound = point.medianLossShare === 0;
      break;
    }
    if (failures >= o.failuresToStop) break;
  }
  return { points, best, senderBound };
}

export interface TcpRunResult {
  readonly framing: 'lf' | 'octet';
  readonly sent: number;
  readonly received: number;
  readonly seconds: number;
  /**
   * received / seconds, from the sender's first byte to the receiver having counted all of them (a 'settled'
   * receiver: to the last moment it was busy before its counters showed them all).
   */
  readonly rate: number;
  /** How long the sender took to hand everything to its kernel. */
  readonly writeSeconds: number;
  /** Epoch ms of the first byte and of the end; the end is when the count was seen, or when the receiver's CPU went idle. */
  readonly firstByteAt: number;
  readonly endedAt: number;
  readonly endedBy: 'count seen' | 'cpu idle';
  /** CPU seconds the receiver process used during the run. */
  readonly receiverCpuSeconds: number | null;
  /** CPU seconds the sender process used during the run. */
  readonly senderCpuSeconds: number | null;
}

/** Share of one core a process was busy: CPU seconds over wall seconds. */
export function busyShare(cpuSeconds: number | null, seconds: number): number {
  return cpuSeconds === null || seconds <= 0 ? Number.NaN : cpuSeconds / seconds;
}

/**
 * A TCP run in which the receiver was busy less than this share of a core did not find the receiver's limit:
 * the sender or the loopback path was the ceiling.
 */
export const RECEIVER_SATURATED_SHARE = 0.8;

/**
 * One connection, `count` messages written as fast as the socket takes them. The receiver's count is polled
 * adaptively: rarely at first, then every few ms as it nears the total, so the end time is precise without
 * scraping the receiver all the time.
 */
export async function tcpRun(rx: Receiver, sender: SenderProcess, framing: 'lf' | 'octet', count: number, timeoutMs: number): Promise<TcpRunResult> {
  const before = (await rx.counts()).tcp;
  const activity = rx.countTiming === 'settled' ? new CpuActivityWatch(rx.pid) : null;
  const cpuBefore = readCpuSeconds(rx.pid);
  const senderCpuBefore = readCpuSeconds(sender.pid);
  let senderDone = false;
  const job = sender.run({ kind: 'tcp', port: rx.tcpPort, framing, count }).finally(() => {
    senderDone = true;
  });
  const deadline = Date.now() + timeoutMs;
  let prevV = 0;
  let prevT = epochMs();
  let v = 0;
  let t = prevT;
  let lastProgress = Date.now();
  let interval = 5;
  for (;;) {
    await sleep(interval);
    v = (await rx.counts()).tcp - before;
    t = epochMs();
    if (v >= count) break;
    if (v > prevV) lastProgress = Date.now();
    else if (senderDone && Date.now() - lastProgress > 3000) break;
    if (Date.now() > deadline) break;
    const rate = (v - prevV) / Math.max(1e-3, t - prevT);
    interval = rate > 0 ? Math.min(100, Math.max(2, (count - v) / rate / 2)) : 20;
    prevV = v;
    prevT = t;
  }
  const cpuAfter = readCpuSeconds(rx.pid);
  activity?.stop();
  const s = await job;
  const senderCpuAfter = readCpuSeconds(sender.pid);
  // Its counts were seen a second or two late: the run ended when it last did real work.
  const lastActive = activity?.lastActiveAt ?? null;
  const byCpu = lastActive !== null && lastActive > s.firstByteAt && lastActive < t;
  if (byCpu) t = lastActive;
  const seconds = (t - s.firstByteAt) / 1000;
  return {
    framing,
    sent: s.sent,
    received: v,
    seconds,
    rate: v / seconds,
    writeSeconds: (s.writtenAt - s.firstByteAt) / 1000,
    firstByteAt: s.firstByteAt,
    endedAt: t,
    endedBy: byCpu ? 'cpu idle' : 'count seen',
    receiverCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
    senderCpuSeconds: senderCpuBefore === null || senderCpuAfter === null ? null : senderCpuAfter - senderCpuBefore,
  };
}

export interface LatencyResult {
  readonly rate: number;
  readonly messages: number;
  readonly lost: number;
  readonly p50: QuantileEstimate;
  readonly p99: QuantileEstimate;
  readonly meanSeconds: number;
}

/** A UDP step at `rate`, with the latency histogram diffed over it; null when the receiver has no histogram. */
export async function latencyRun(rx: Receiver, sender: SenderProcess, rate: number, seconds: number, tickMs: number): Promise<LatencyResult | null> {
  const before = await rx.latency();
  if (before === null) return null;
  const step = await udpStep(rx, sender, rate, Math.max(1000, Math.round(rate * seconds)), tickMs);
  const after = await rx.latency();
  if (after === null) return null;
  const h = diffHistogram(after, before);
  return { rate, messages: h.count, lost: step.lost, p50: histogramQuantile(h, 0.5), p99: histogramQuantile(h, 0.99), meanSeconds: h.count > 0 ? h.sum / h.count : Number.NaN };
}

export function fmtRate(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function pct(share: number): string {
  if (!Number.isFinite(share)) return '—';
  if (share === 0) return '0%';
  return share < 0.001 ? `${(share * 100).toFixed(3)}%` : `${(share * 100).toFixed(1)}%`;
}
