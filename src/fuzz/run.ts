/**
 * One fuzz run, start to verdict: check that catastrophic patterns are refused at load; start the appliance with
 * the fuzz config; send the UDP and TCP traffic at once while a monitor samples RSS and /healthz; run the
 * slowloris, connection-cap and denied phases; force a full garbage collection and read the memory left; wait
 * until the metrics account for everything (or 20 s pass);
 * take the final readings; stop the appliance with SIGTERM; judge.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { tcpExpectation, tcpProblems, udpProblems, type TcpExpectation } from './accounting.js';
import { startFuzzAppliance, type ApplianceExit, type FuzzAppliance } from './appliance.js';
import { LISTENERS, TCP_CAP_CONNECTIONS, TCP_MAX_FRAME_BYTES, UDP_MAX_MESSAGE_BYTES } from './fuzz-config.js';
import { fuzzConfigYaml } from './fuzz-config.js';
import { readProcessMemory } from '../harness/process-memory.js';
import { Monitor } from './monitor.js';
import { ingestSnapshot, udpCounted, type IngestSnapshot } from './observed.js';
import type { FuzzOptions } from './options.js';
import { resetPhase } from './reset-phase.js';
import { connectionCapPhase, deniedPhase, slowlorisPhase, type PhaseResult } from './tcp-phases.js';
import { sendTcp } from './tcp-sender.js';
import { sendUdp, type UdpTally } from './udp-sender.js';
import { checkUnsafePatternsRefused } from './unsafe-patterns.js';
import { judge, type FuzzObservations, type Verdict } from './verdict.js';

const SETTLE_MS = 20_000;
const PHASE_TIMEOUT_MS = 10_000;

export interface FuzzResult {
  readonly observations: FuzzObservations;
  readonly verdict: Verdict;
  /** Seconds: the whole run, and the traffic (UDP and TCP sent, phases included). */
  readonly totalSeconds: number;
  readonly trafficSeconds: number;
  readonly settleSeconds: number;
  readonly errorLogLines: readonly string[];
  readonly errorLogCount: number;
}

export async function runFuzz(options: FuzzOptions, progress: (line: string) => void = () => undefined): Promise<FuzzResult> {
  const t0 = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  try {
    progress('checking that catastrophic patterns are refused at load...');
    const unsafe = await checkUnsafePatternsRefused();
    progress(`starting the appliance (seed ${options.seed}, ${options.frames} frames)...`);
    const appliance = await startFuzzAppliance(fuzzConfigYaml());
    try {
      return await fuzz(appliance, options, deadline.signal, t0, unsafe, progress);
    } finally {
      if (appliance.alive) await appliance.stop();
    }
  } finally {
    clearTimeout(timer);
  }
}

async function fuzz(
  appliance: FuzzAppliance,
  options: FuzzOptions,
  signal: AbortSignal,
  t0: number,
  unsafe: FuzzObservations['unsafe'],
  progress: (line: string) => void,
): Promise<FuzzResult> {
  const monitor = new Monitor(appliance, options.sampleIntervalMs, options.liveIntervalMs);
  monitor.start();
  // Traffic stops at the deadline, or at once if the appliance dies.
  const traffic = new AbortController();
  signal.addEventListener('abort', () => traffic.abort(), { once: true });
  void appliance.exited.then(() => traffic.abort());
  const udpDatagrams = Math.round(options.frames * options.udpShare);
  const trafficStart = performance.now();
  progress(`sending ${udpDatagrams} frames over UDP and ${options.frames - udpDatagrams} over TCP...`);
  const [udp, tcp] = await Promise.all([
    sendUdp({
      port: appliance.port(LISTENERS.udp),
      deniedPort: appliance.port(LISTENERS.udpDenied),
      datagrams: udpDatagrams,
      seed: options.seed,
      maxMessageBytes: UDP_MAX_MESSAGE_BYTES,
      datagramsPerSecond: options.udpDatagramsPerSecond,
      bytesPerSecond: options.udpBytesPerSecond,
      deniedShare: options.deniedShare,
      progress: async () => {
        const s = ingestSnapshot(await appliance.scrape());
        return { counted: udpCounted(s), receiveBufferBytes: s.udpReceiveBufferBytes ?? 208 * 1024 };
      },
      signal: traffic.signal,
    }),
    sendTcp({
      port: appliance.port(LISTENERS.tcp),
      payloads: options.frames - udpDatagrams,
      workers: options.tcpWorkers,
      seed: options.seed,
      maxFrameBytes: TCP_MAX_FRAME_BYTES,
      signal: traffic.signal,
    }),
  ]);
  const phases: PhaseResult[] = [];
  if (!traffic.signal.aborted) {
    progress(`${options.resetConnections} connections reset mid-frame; slowloris, connection cap and denied connections...`);
    const tcpCounters = async () => ingestSnapshot(await appliance.scrape());
    phases.push(
      await resetPhase({
        port: appliance.port(LISTENERS.tcp),
        connections: options.resetConnections,
        seed: options.seed,
        maxFrameBytes: TCP_MAX_FRAME_BYTES,
        openedConnections: async () => (await tcpCounters()).connectionsOpened,
        timeoutMs: PHASE_TIMEOUT_MS,
      }),
    );
    phases.push(await deniedPhase(appliance.port(LISTENERS.tcpDenied), 3, PHASE_TIMEOUT_MS));
    phases.push(await slowlorisPhase(appliance.port(LISTENERS.tcpIdle), PHASE_TIMEOUT_MS));
    const open = async (): Promise<number> => (await tcpCounters()).connectionsOpen;
    phases.push(await connectionCapPhase(appliance.port(LISTENERS.tcpCap), TCP_CAP_CONNECTIONS, 3, open, PHASE_TIMEOUT_MS));
  }
  const trafficSeconds = (performance.now() - trafficStart) / 1000;
  await monitor.stop();
  if (appliance.alive) await monitor.liveReading();

  progress('waiting for the metrics to account for every frame...');
  const expected = tcpExpectation(tcp, phases.map((p) => p.expected));
  const settleStart = performance.now();
  const snapshot = await settle(appliance, udp, expected, signal);
  const settleSeconds = (performance.now() - settleStart) / 1000;

  const aliveAtEnd = appliance.alive;
  const finalHealth = aliveAtEnd ? await appliance.healthz() : null;
  const peakRssBytes = readProcessMemory(appliance.pid)?.peakRssBytes ?? null;
  const errorLogLines = appliance.errorLines;
  const errorLogCount = appliance.errorCount;
  const errorLogs = { count: errorLogCount, fatal: appliance.fatalCount, first: errorLogLines[0] ?? null };
  progress('stopping the appliance (SIGTERM)...');
  const stopExit: ApplianceExit = await appliance.stop();

  const observations: FuzzObservations = {
    framesPlanned: options.frames,
    elapsedMs: performance.now() - t0,
    timedOut: signal.aborted,
    aliveAtEnd,
    finalHealthStatus: finalHealth?.status ?? null,
    samples: monitor.samples,
    liveReadings: monitor.liveReadings,
    liveErrors: monitor.liveErrors,
    peakRssBytes,
    udp,
    tcp,
    tcpExpected: expected,
    phaseErrors: phases.flatMap((p) => p.errors),
    snapshot,
    unsafe,
    stopExit,
    errorLogs,
    limits: { rssBytes: options.rssLimitBytes, rssGrowthBytes: options.rssGrowthBytes, liveGrowthBytes: options.liveGrowthBytes },
  };
  return {
    observations,
    verdict: judge(observations),
    totalSeconds: (performance.now() - t0) / 1000,
    trafficSeconds,
    settleSeconds,
    errorLogLines,
    errorLogCount,
  };
}

/** Polls /metrics until UDP and TCP are accounted for, SETTLE_MS passes, or the appliance is gone. */
async function settle(appliance: FuzzAppliance, udp: UdpTally, expected: TcpExpectation, signal: AbortSignal): Promise<IngestSnapshot | null> {
  const until = performance.now() + SETTLE_MS;
  let last: IngestSnapshot | null = null;
  while (appliance.alive) {
    try {
      last = ingestSnapshot(await appliance.scrape());
    } catch {
      last = null;
    }
    if (last !== null && udpProblems(udp, last).length === 0 && tcpProblems(expected, last).length === 0) return last;
    if (performance.now() > until || signal.aborted) return last;
    await sleep(200);
  }
  return last;
}

