/**
 * PASS or FAIL, from what the run observed. Pure: every input is a plain value, so the rules are unit-tested with
 * made-up observations (a dead appliance, an unanswered /healthz, a growing RSS, a frame not accounted for).
 */
import { tcpProblems, udpProblems, type TcpExpectation } from './accounting.js';
import type { LiveReading } from '../harness/inspector.js';
import type { MonitorSample } from './monitor.js';
import { totalDrops, type IngestSnapshot } from './observed.js';
import type { DropCounts } from './stream-model.js';
import type { TcpTally } from './tcp-sender.js';
import type { UdpTally } from './udp-sender.js';
import type { UnsafePatternCheck } from './unsafe-patterns.js';

export interface VerdictLimits {
  /** Peak RSS must stay below this. */
  readonly rssBytes: number;
  /**
   * RSS right after a forced full garbage collection may grow at most this much (or 20% of its earlier highest,
   * if more) in the last third of the traffic. Room for the allocator, whose share of RSS (outside V8) grows for
   * the first minute or so of heavy traffic and then levels off.
   */
  readonly rssGrowthBytes: number;
  /**
   * What V8 holds after a forced full collection (heap used + external) may grow at most this much (or 20%, if
   * more) from its lowest in the middle third of the traffic to its lowest in the last third. Lowest, because a
   * reading can catch something large in passing (a state file being written); a leak raises the lowest too.
   */
  readonly liveGrowthBytes: number;
}

export interface FuzzObservations {
  readonly framesPlanned: number;
  readonly elapsedMs: number;
  readonly timedOut: boolean;
  readonly aliveAtEnd: boolean;
  readonly finalHealthStatus: number | null;
  /** Taken while the traffic ran. */
  readonly samples: readonly MonitorSample[];
  /** Memory right after forced full collections: every few seconds during the traffic, and once after it. */
  readonly liveReadings: readonly LiveReading[];
  readonly liveErrors: readonly string[];
  /** VmHWM at the end: the peak between samples too. */
  readonly peakRssBytes: number | null;
  readonly udp: UdpTally;
  readonly tcp: TcpTally;
  readonly tcpExpected: TcpExpectation;
  readonly phaseErrors: readonly string[];
  /** /metrics at the end; null when it could not be read. */
  readonly snapshot: IngestSnapshot | null;
  readonly unsafe: UnsafePatternCheck;
  readonly stopExit: { readonly code: number | null; readonly signal: string | null } | null;
  /**
   * The appliance's log lines at level error or fatal, or not JSON at all (a crash trace), up to the stop. Every
   * one is a fault under bad input: a pipeline stage that threw, an HTTP handler that failed, a state write
   * that failed. Bad input itself is a counted drop, never an error line.
   */
  readonly errorLogs: ErrorLogs;
  readonly limits: VerdictLimits;
}

export interface ErrorLogs {
  readonly count: number;
  /** Of those, at level fatal. */
  readonly fatal: number;
  /** The first such line, shortened; null when there was none. */
  readonly first: string | null;
}

export interface MemoryFindings {
  readonly samples: number;
  readonly liveReadings: number;
  /**
   * Whether growth is judged: only over at least MIN_GROWTH_WINDOW_MS, with a live reading on each side of the
   * two-thirds mark. A shorter run is all warm-up (the allocator grows to its working size over the first
   * seconds).
   */
  readonly growthJudged: boolean;
  readonly peakBytes: number;
  /** Highest RSS after a forced full collection in the first two thirds of the time, and in the last third. */
  readonly earlierMaxBytes: number;
  readonly lastThirdMaxBytes: number;
  readonly growthBytes: number;
  readonly allowedGrowthBytes: number;
  /** Lowest heap used + external after a forced full collection in the middle third, and in the last third. */
  readonly liveMiddleMinBytes: number;
  readonly liveLastMinBytes: number;
  readonly liveGrowthBytes: number;
  readonly allowedLiveGrowthBytes: number;
}

export interface Verdict {
  readonly pass: boolean;
  readonly failures: readonly string[];
  readonly memory: MemoryFindings | null;
  /** `fuzz: PASS (...)` or `fuzz: FAIL (...)`. */
  readonly line: string;
}

const MIN_SAMPLES = 3;
export const MIN_GROWTH_WINDOW_MS = 30_000;

export function memoryFindings(
  samples: readonly MonitorSample[],
  live: readonly LiveReading[],
  peakRssBytes: number | null,
  limits: VerdictLimits,
): MemoryFindings | null {
  const rss = samples.filter((s): s is MonitorSample & { rssBytes: number } => s.rssBytes !== null);
  if (rss.length < MIN_SAMPLES) return null;
  const t0 = rss[0]!.t;
  const tEnd = Math.max(rss[rss.length - 1]!.t, ...live.map((r) => r.t));
  const third = (tEnd - t0) / 3;
  const earlier = live.filter((r) => r.t <= t0 + 2 * third);
  const middle = live.filter((r) => r.t > t0 + third && r.t <= t0 + 2 * third);
  const last = live.filter((r) => r.t > t0 + 2 * third);
  const rssMax = (rs: readonly LiveReading[]): number => Math.max(0, ...rs.map((r) => r.rssBytes));
  const liveMin = (rs: readonly LiveReading[]): number => Math.min(...rs.map((r) => r.heapUsedBytes + r.externalBytes));
  let peak = peakRssBytes ?? 0;
  for (const s of rss) peak = Math.max(peak, s.rssBytes);
  for (const r of live) peak = Math.max(peak, r.rssBytes);
  const judged = tEnd - t0 >= MIN_GROWTH_WINDOW_MS && middle.length > 0 && last.length > 0;
  const liveMiddle = judged ? liveMin(middle) : 0;
  const liveLast = judged ? liveMin(last) : 0;
  return {
    samples: rss.length,
    liveReadings: live.length,
    growthJudged: judged,
    peakBytes: peak,
    earlierMaxBytes: rssMax(earlier),
    lastThirdMaxBytes: rssMax(last),
    growthBytes: Math.max(0, rssMax(last) - rssMax(earlier)),
    allowedGrowthBytes: Math.max(limits.rssGrowthBytes, rssMax(earlier) * 0.2),
    liveMiddleMinBytes: liveMiddle,
    liveLastMinBytes: liveLast,
    liveGrowthBytes: Math.max(0, liveLast - liveMiddle),
    allowedLiveGrowthBytes: Math.max(limits.liveGrowthBytes, liveMiddle * 0.2),
  };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function formatDrops(d: DropCounts): string {
  const parts = Object.entries(d)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => `${reason}=${n}`);
  return parts.length === 0 ? 'none' : parts.join(' ');
}

export function judge(o: FuzzObservations): Verdict {
  const failures: string[] = [];
  if (o.timedOut) failures.push(`timed out after ${(o.elapsedMs / 1000).toFixed(0)} s`);
  if (!o.aliveAtEnd) failures.push(`the appliance died during the run (exit ${o.stopExit?.code ?? '?'}, signal ${o.stopExit?.signal ?? 'none'})`);
  if (o.finalHealthStatus !== 200) failures.push(`/healthz at the end: ${o.finalHealthStatus ?? 'no answer'}`);
  const unhealthy = o.samples.filter((s) => s.healthStatus !== 200).length;
  if (unhealthy > 0) failures.push(`/healthz did not answer 200 (within 5 s) ${unhealthy} of ${o.samples.length} times during the run`);

  const memory = memoryFindings(o.samples, o.liveReadings, o.peakRssBytes, o.limits);
  for (const e of o.liveErrors) failures.push(e);
  if (memory === null) failures.push(`too few RSS samples (${o.samples.filter((s) => s.rssBytes !== null).length}) to judge memory`);
  else {
    if (memory.peakBytes >= o.limits.rssBytes) failures.push(`peak RSS ${mb(memory.peakBytes)}, limit ${mb(o.limits.rssBytes)}`);
    if (memory.growthJudged && memory.growthBytes > memory.allowedGrowthBytes) {
      failures.push(
        `RSS after a full GC grew ${mb(memory.growthBytes)} in the last third of the run (${mb(memory.earlierMaxBytes)} → ${mb(memory.lastThirdMaxBytes)}; allowed ${mb(memory.allowedGrowthBytes)})`,
      );
    }
    if (memory.growthJudged && memory.liveGrowthBytes > memory.allowedLiveGrowthBytes) {
      failures.push(
        `heap used + external after a full GC grew ${mb(memory.liveGrowthBytes)} in the last third of the run (lowest ${mb(memory.liveMiddleMinBytes)} → ${mb(memory.liveLastMinBytes)}; allowed ${mb(memory.allowedLiveGrowthBytes)})`,
      );
    }
  }

  const sentFrames = o.udp.sent + o.udp.sendErrors + o.tcp.payloads;
  if (!o.timedOut && sentFrames < o.framesPlanned) failures.push(`only ${sentFrames} of ${o.framesPlanned} frames were sent`);
  if (o.udp.sendErrors > 0) failures.push(`${o.udp.sendErrors} UDP sends failed locally`);
  if (o.udp.error !== null) failures.push(o.udp.error);
  for (const e of o.tcp.errors) failures.push(e);
  for (const e of o.phaseErrors) failures.push(e);

  if (o.snapshot === null) failures.push('/metrics could not be read at the end');
  else {
    failures.push(...udpProblems(o.udp, o.snapshot), ...tcpProblems(o.tcpExpected, o.snapshot));
    if (o.snapshot.latencyOver1s > 0) failures.push(`${o.snapshot.latencyOver1s} messages spent more than 1 s in the pipeline`);
  }

  if (!o.unsafe.refused) {
    const why = o.unsafe.exitCode !== 1 ? `exit code ${o.unsafe.exitCode}` : o.unsafe.listened ? 'it bound its listeners' : `not named as unsafe: ${o.unsafe.missing.join(', ')}`;
    failures.push(`catastrophic patterns were not refused at load (${why})`);
  }
  if (o.aliveAtEnd && o.stopExit !== null && o.stopExit.code !== 0) failures.push(`the appliance did not stop cleanly on SIGTERM (exit ${o.stopExit.code}, signal ${o.stopExit.signal})`);
  if (o.errorLogs.count > 0) {
    const first = o.errorLogs.first === null ? '' : `; the first: ${o.errorLogs.first.length > 300 ? `${o.errorLogs.first.slice(0, 300)}…` : o.errorLogs.first}`;
    failures.push(`${o.errorLogs.count} error log lines (${o.errorLogs.fatal} fatal)${first}`);
  }

  const pass = failures.length === 0;
  const line = pass ? `fuzz: PASS (${passSummary(o, memory)})` : `fuzz: FAIL (${failures[0]}${failures.length > 1 ? `; and ${failures.length - 1} more` : ''})`;
  return { pass, failures, memory, line };
}

function passSummary(o: FuzzObservations, memory: MemoryFindings | null): string {
  const s = o.snapshot!;
  const udpDrops = totalDrops(s.drops.udp);
  const tcpDrops = totalDrops(s.drops.tcp);
  return [
    `${o.udp.sent + o.tcp.payloads} frames (${o.udp.sent} udp, ${o.tcp.payloads} tcp in ${o.tcp.connections} connections) in ${(o.elapsedMs / 1000).toFixed(1)} s`,
    `all accounted: udp ${s.received.udp} received + ${udpDrops} dropped + ${s.kernelDrops ?? 0} kernel; tcp ${s.received.tcp} frames + ${tcpDrops} dropped, as framed`,
    `drops udp ${formatDrops(s.drops.udp)}, tcp ${formatDrops(s.drops.tcp)}`,
    `peak RSS ${memory === null ? '?' : mb(memory.peakBytes)}`,
    memory?.growthJudged === true
      ? `after full GCs RSS grew ${mb(memory.growthBytes)} and heap + external ${mb(memory.liveGrowthBytes)} in the last third`
      : `memory growth not judged (under ${MIN_GROWTH_WINDOW_MS / 1000} s of traffic)`,
    `${o.unsafe.patterns.length} catastrophic patterns refused at load`,
  ].join('; ');
}
