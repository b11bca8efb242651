/**
 * One receiver's part of the run: start it, pin it, warm it up, then the UDP ladder, the TCP runs (each framing
 * it understands), the latency runs, and what it counted; peak RSS per phase throughout. Always stopped at the end.
 */
import { sleep } from './clock.js';
import { readProcessMemory, resetPeakRss } from '../harness/process-memory.js';
import { pinProcess, reniceProcess } from './proc.js';
import type { Receiver, ReceiverKind } from './receiver.js';
import { quantileText } from './report-cells.js';
import { udpZeroLossRate } from './receiver-figures.js';
import type { BenchOptions, Pinning, ReceiverResult } from './results.js';
import { busyShare, cpuMicrosPerMessage, fmtRate, latencyRun, pct, tcpRun, udpLadder, udpStep, type LatencyResult, type TcpRunResult, type UdpLadderResult } from './runs.js';
import type { SenderProcess } from './sender-process.js';

export interface RunContext {
  /** The benchmark's own processes, left out of the "other processes' CPU" watch; receivers are added here. */
  readonly ownPids: Set<number>;
  readonly progress: (line: string) => void;
}

/** Applies --nice to one of the benchmark's processes; a failure is fatal (the run would not be what was asked). */
export function applyNice(o: BenchOptions, pid: number, what: string): void {
  if (o.nice !== null && !reniceProcess(pid, o.nice)) throw new Error(`could not renice ${what} (pid ${pid}) to ${o.nice}`);
}

export async function benchReceiver(kind: ReceiverKind, sender: SenderProcess, o: BenchOptions, pinning: Pinning | null, ctx: RunContext): Promise<ReceiverResult> {
  const { progress } = ctx;
  const nodeArgs =
    !kind.id.startsWith('appliance') ? [] : [...o.applianceNodeArgs, ...(o.profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', o.profileDir])];
  const rx: Receiver = await kind.start({ udpReceiveBufferBytes: o.rcvbufBytes, nodeArgs });
  ctx.ownPids.add(rx.pid);
  const sentBefore = sender.totals;
  try {
    if (pinning !== null && !pinProcess(rx.pid, pinning.receiver)) throw new Error(`could not pin ${rx.name} (pid ${rx.pid}) to CPU ${pinning.receiver}`);
    applyNice(o, rx.pid, rx.name);
    progress(
      `${rx.name}: pid ${rx.pid}${pinning === null ? '' : ` (CPU ${pinning.receiver})`}, udp ${rx.udpPort}, tcp ${rx.tcpPort}, usable UDP buffer ${rx.udpReceiveBufferBytes ?? '?'} bytes`,
    );
    const udpOn = o.transports.includes('udp');
    const tcpOn = o.transports.includes('tcp');
    // Peak RSS per phase: VmHWM is read, then reset to the current RSS, at each phase boundary.
    const peakByPhase: Record<string, number> = {};
    let canReset = true;
    const phaseDone = (phase: string): void => {
      const m = readProcessMemory(rx.pid);
      if (m !== null) peakByPhase[phase] = m.peakRssBytes;
      canReset &&= resetPeakRss(rx.pid);
    };
    phaseDone('startup');
    // Warm-up (JIT, buffers); not measured.
    if (udpOn) await udpStep(rx, sender, 20_000, o.quick ? 5_000 : 20_000, o.tickMs);
    if (tcpOn) await tcpRun(rx, sender, 'lf', o.quick ? 20_000 : 100_000, 60_000);
    await sleep(300);
    phaseDone('warm-up');

    let udp: UdpLadderResult | null = null;
    if (udpOn) {
      udp = await udpLadder(rx, sender, {
        rates: o.udpRates,
        repeats: o.repeats,
        stepMessages: o.udpStepMessages,
        stepSeconds: o.udpStepSeconds,
        tickMs: o.tickMs,
        failuresToStop: o.failuresToStop,
        log: progress,
      });
      progress(`  ${rx.name}: UDP zero-loss ${fmtRate(udpZeroLossRate(udp))} msg/s${udp.senderBound ? ' (sender-bound)' : ''}`);
      phaseDone('udp');
    }

    const tcp: Partial<Record<'lf' | 'octet', TcpRunResult[]>> = {};
    if (tcpOn) {
      for (const framing of rx.streamFramings) {
        const runs: TcpRunResult[] = [];
        for (let i = 0; i < o.repeats; i++) {
          const r = await tcpRun(rx, sender, framing, o.tcpMessages, 120_000);
          runs.push(r);
          progress(
            `  tcp ${framing}: ${fmtRate(r.rate)} msg/s (${r.received}/${r.sent} in ${r.seconds.toFixed(2)} s; sender done writing after ${r.writeSeconds.toFixed(2)} s; ` +
              `receiver CPU ${cpuMicrosPerMessage(r.receiverCpuSeconds, r.received).toFixed(2)} µs/msg; busy: receiver ${pct(busyShare(r.receiverCpuSeconds, r.seconds))}, ` +
              `sender ${pct(busyShare(r.senderCpuSeconds, r.seconds))}${r.endedBy === 'cpu idle' ? '; end: when its CPU went idle' : ''})`,
          );
          await sleep(300);
        }
        tcp[framing] = runs;
        phaseDone(`tcp-${framing}`);
      }
    }

    const latency: LatencyResult[] = [];
    if (udpOn) {
      const zeroLoss = udpZeroLossRate(udp);
      const rate = Math.max(1000, Math.round((Number.isFinite(zeroLoss) ? zeroLoss : (o.udpRates[0] ?? 10_000)) / 2));
      for (let i = 0; i < o.repeats; i++) {
        const l = await latencyRun(rx, sender, rate, o.latencySeconds, o.tickMs);
        if (l === null) break;
        latency.push(l);
        progress(
          `  latency at ${fmtRate(rate)} msg/s: p50 ${quantileText([l.p50])} µs, p99 ${quantileText([l.p99])} µs, mean ${(l.meanSeconds * 1e6).toFixed(1)} µs (${l.messages} observed, ${l.lost} lost)`,
        );
      }
      if (latency.length > 0) phaseDone('latency');
    }

    const details = await rx.details();
    const counted = await rx.counts();
    const sentAfter = sender.totals;
    const mem = readProcessMemory(rx.pid);
    if (mem !== null) peakByPhase.end = mem.peakRssBytes;
    // Without the reset every reading is the all-time peak anyway, so the maximum is right either way.
    const peaks = Object.values(peakByPhase);
    const peakRssBytes = peaks.length > 0 ? Math.max(...peaks) : null;
    progress(
      `  peak RSS ${peakRssBytes === null ? '?' : (peakRssBytes / 1e6).toFixed(1)} MB` +
        (canReset ? ` (by phase: ${Object.entries(peakByPhase).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)}`).join(', ')})` : ''),
    );
    return {
      id: kind.id,
      name: rx.name,
      pid: rx.pid,
      udpReceiveBufferBytes: rx.udpReceiveBufferBytes,
      udp,
      tcp,
      latency,
      peakRssBytes,
      peakRssByPhase: canReset ? peakByPhase : null,
      endRssBytes: mem?.rssBytes ?? null,
      countTiming: rx.countTiming,
      sent: { messages: sentAfter.messages - sentBefore.messages, invalidUserLines: sentAfter.invalidUserLines - sentBefore.invalidUserLines },
      counted,
      details,
    };
  } finally {
    await rx.stop();
  }
}
