/**
 * `npm run bench`: the appliance against a bare Node counter on loopback, driven by a separate sender process.
 * Prints a Markdown report on stdout (progress goes to stderr); --json FILE saves the raw results.
 * Every child process is stopped at the end, on error and on SIGINT/SIGTERM; a watchdog bounds the whole run.
 */
import { writeFileSync } from 'node:fs';
import { killAllChildrenNow, stopAllChildren } from './children.js';
import { parseOptions, RECEIVERS, USAGE } from './options.js';
import { sleep } from './clock.js';
import { machineInfo, pinProcess, readProcessMemory, readRmemMax, reniceProcess, resetPeakRss, sampleCpuBusyCores, writeRmemMax } from './proc.js';
import type { Receiver, ReceiverKind } from './receiver.js';
import { quantileText, renderReport, udpZeroLossRate } from './report.js';
import type { BenchOptions, BenchResults, Pinning, ReceiverResult } from './results.js';
import { busyShare, cpuMicrosPerMessage, fmtRate, latencyRun, pct, tcpRun, udpLadder, udpStep, type LatencyResult, type TcpRunResult, type UdpLadderResult } from './runs.js';
import { SenderProcess } from './sender-process.js';
import { ForeignCpuMonitor } from './foreign-cpu.js';

/** Applies --nice to one of the benchmark's processes; a failure is fatal (the run would not be what was asked). */
function applyNice(o: BenchOptions, pid: number, what: string): void {
  if (o.nice !== null && !reniceProcess(pid, o.nice)) throw new Error(`could not renice ${what} (pid ${pid}) to ${o.nice}`);
}

/** Set once the run is being torn down early (SIGINT, SIGTERM, --timeout): later errors are just the fallout. */
let aborting = false;

/** The benchmark's own processes, left out of the "other processes' CPU" watch. */
const ownPids = new Set<number>([process.pid]);

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function benchReceiver(kind: ReceiverKind, sender: SenderProcess, o: BenchOptions, pinning: Pinning | null): Promise<ReceiverResult> {
  const nodeArgs =
    !kind.id.startsWith('appliance') ? [] : [...o.applianceNodeArgs, ...(o.profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', o.profileDir])];
  const rx: Receiver = await kind.start({ udpReceiveBufferBytes: o.rcvbufBytes, nodeArgs });
  ownPids.add(rx.pid);
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
      if (m !== null && Number.isFinite(m.peakRssBytes)) peakByPhase[phase] = m.peakRssBytes;
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
              `sender ${pct(busyShare(r.senderCpuSeconds, r.seconds))})`,
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
    const mem = readProcessMemory(rx.pid);
    if (mem !== null && Number.isFinite(mem.peakRssBytes)) peakByPhase.end = mem.peakRssBytes;
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
      details,
    };
  } finally {
    await rx.stop();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | null;
  try {
    options = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === null) return 0;
  const o = options;
  const startedAt = new Date();
  const rmemBefore = readRmemMax();
  let rmemRestore: number | null = null;
  let finished = false;

  const cleanup = async (): Promise<void> => {
    await stopAllChildren();
    if (rmemRestore !== null) {
      try {
        writeRmemMax(rmemRestore);
        progress(`net.core.rmem_max restored to ${rmemRestore}`);
      } catch (err) {
        progress(`could not restore net.core.rmem_max to ${rmemRestore}: ${(err as Error).message}`);
      }
      rmemRestore = null;
    }
  };
  const abort = (why: string, code: number): void => {
    if (finished) return;
    finished = true;
    aborting = true;
    progress(`bench: ${why}; stopping child processes`);
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  process.once('exit', killAllChildrenNow);
  const watchdog = setTimeout(() => abort(`timed out after ${o.timeoutSeconds} s (--timeout)`, 1), o.timeoutSeconds * 1000);

  try {
    if (o.tuneRmem && rmemBefore !== null && rmemBefore < o.rcvbufBytes) {
      writeRmemMax(o.rcvbufBytes);
      rmemRestore = rmemBefore;
      progress(`net.core.rmem_max raised from ${rmemBefore} to ${o.rcvbufBytes} for this run (--tune-rmem)`);
    }
    const machine = machineInfo();
    const busyBefore = await sampleCpuBusyCores(1000);
    progress(`background CPU use before the run: ${busyBefore?.toFixed(2) ?? '?'} cores`);
    progress(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.kernel}, rmem_max ${machine.rmemMaxBytes}`);
    const { sender, info } = await SenderProcess.start();
    ownPids.add(sender.pid);
    applyNice(o, sender.pid, 'the sender');
    applyNice(o, process.pid, 'the orchestrator');
    const foreign = new ForeignCpuMonitor(() => ownPids);
    foreign.start();
    progress(`sender: pid ${sender.pid}, ${info.distinctMessages} distinct messages, mean ${info.meanBytes.toFixed(0)} bytes`);

    // Sender (with this mostly idle orchestrator) on CPU 0, receiver on CPU 1: otherwise the scheduler's
    // wake-affine placement keeps putting the receiver on the sender's CPU and both run at half speed.
    let pinning: Pinning | null = null;
    let pinningNote: string | null = null;
    if (!o.pin) pinningNote = 'not pinned (--no-pin)';
    else if (machine.cores < 2) pinningNote = 'not pinned (fewer than 2 CPUs)';
    else if (!pinProcess(sender.pid, '0') || !pinProcess(process.pid, '0')) pinningNote = 'not pinned (taskset missing or refused)';
    else pinning = { sender: '0', orchestrator: '0', receiver: '1' };
    progress(pinning === null ? (pinningNote ?? '') : 'pinned: sender + orchestrator on CPU 0, receiver on CPU 1');

    const receivers: ReceiverResult[] = [];
    for (const kind of RECEIVERS.filter((r) => o.receivers.includes(r.id))) {
      progress(`--- ${kind.id} ---`);
      receivers.push(await benchReceiver(kind, sender, o, pinning));
    }
    await sender.stop();
    const foreignCpu = foreign.stop();
    progress(`other processes used ${foreignCpu.cpuSeconds.toFixed(1)} CPU-s during the run (${foreignCpu.averageCores.toFixed(2)} cores on average)`);
    const busyAfter = await sampleCpuBusyCores(1000);
    progress(`background CPU use after the run: ${busyAfter?.toFixed(2) ?? '?'} cores`);

    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      durationSeconds: (Date.now() - startedAt.getTime()) / 1000,
      machine: { ...machine, rmemMaxBytes: rmemBefore },
      options: o,
      rmem: { before: rmemBefore, during: machine.rmemMaxBytes, tuned: rmemRestore !== null },
      sender: { ...info, pid: sender.pid },
      pinning,
      pinningNote,
      backgroundBusyCores: { before: busyBefore, after: busyAfter },
      foreignCpu,
      receivers,
    };
    if (finished) return 1;
    process.stdout.write(renderReport(results));
    if (o.json !== null) {
      writeFileSync(o.json, `${JSON.stringify(results, null, 2)}\n`);
      progress(`raw results written to ${o.json}`);
    }
    return 0;
  } finally {
    clearTimeout(watchdog);
    if (!finished) {
      finished = true;
      await cleanup();
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    if (!aborting) process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await stopAllChildren();
    process.exitCode = 1;
  },
);
