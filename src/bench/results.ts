/** The raw results of a benchmark run, as saved by --json and rendered by report.ts. */
import type { ForeignCpuReport } from './foreign-cpu.js';
import type { KeysPhaseResult } from './keys-phase.js';
import type { MachineInfo } from './proc.js';
import type { ReceiverCounts } from './receiver.js';
import type { LatencyResult, TcpRunResult, UdpLadderResult } from './runs.js';
import type { SenderInfo, SentTotals } from './sender-process.js';

export interface ReceiverResult {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  readonly udpReceiveBufferBytes: number | null;
  readonly udp: UdpLadderResult | null;
  readonly tcp: Readonly<Partial<Record<'lf' | 'octet', readonly TcpRunResult[]>>>;
  readonly latency: readonly LatencyResult[];
  readonly peakRssBytes: number | null;
  /** Peak RSS of each phase (VmHWM reset between phases), or null when the reset is not possible. */
  readonly peakRssByPhase: Readonly<Record<string, number>> | null;
  readonly endRssBytes: number | null;
  /** How its counts were read ('settled': periodic counters, TCP end time from its CPU going idle). */
  readonly countTiming: 'live' | 'settled';
  /** What the sender sent to it over the whole run (warm-up included), and what it counted in the end. */
  readonly sent: SentTotals;
  readonly counted: ReceiverCounts;
  readonly details: Readonly<Record<string, number>>;
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly tcpMessages: number;
  readonly repeats: number;
  readonly udpRates: readonly number[];
  readonly udpStepSeconds: number;
  readonly udpStepMessages: number | null;
  readonly tickMs: number;
  readonly latencySeconds: number;
  readonly receivers: readonly string[];
  readonly transports: readonly ('udp' | 'tcp')[];
  readonly rcvbufBytes: number;
  readonly tuneRmem: boolean;
  readonly profileDir: string | null;
  readonly applianceNodeArgs: readonly string[];
  readonly json: string | null;
  readonly timeoutSeconds: number;
  readonly failuresToStop: number;
  /** Distinct hosts in the tracked-keys phase (0: skipped). */
  readonly keys: number;
  /** Pin the sender and the receiver to different CPUs (taskset). */
  readonly pin: boolean;
  /** Nice value for the benchmark's processes, or null to leave it. */
  readonly nice: number | null;
}

/** Which CPUs each process was restricted to; null when not pinned. */
export interface Pinning {
  readonly sender: string;
  readonly orchestrator: string;
  readonly receiver: string;
}

export interface BenchResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineInfo;
  readonly options: BenchOptions;
  /** rmem_max before the run, and during it (differs only with --tune-rmem). */
  readonly rmem: { readonly before: number | null; readonly during: number | null; readonly tuned: boolean };
  readonly sender: SenderInfo & { readonly pid: number };
  readonly pinning: Pinning | null;
  /** Cores' worth of CPU busy on the machine while the benchmark was idle, before and after the run. */
  readonly backgroundBusyCores: { readonly before: number | null; readonly after: number | null };
  /** CPU other (non-benchmark, non-kernel) processes used during the run. */
  readonly foreignCpu: ForeignCpuReport;
  /** Why pinning was not done, when it was asked for. */
  readonly pinningNote: string | null;
  readonly receivers: readonly ReceiverResult[];
  /** Receivers asked for but not run on this machine, and why (e.g. rsyslogd not installed). */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  /** The tracked-keys phase (empty when skipped). */
  readonly keysPhase: readonly KeysPhaseResult[];
}
