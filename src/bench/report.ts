/** The Markdown report printed to stdout: machine, the results table, ratios and targets, the UDP ladder. */
import { busyShare, cpuMicrosPerMessage, fmtRate, pct, RECEIVER_SATURATED_SHARE, type TcpRunResult, type UdpLadderPoint, type UdpLadderResult } from './runs.js';
import type { BenchResults, ReceiverResult } from './results.js';
import { median, type QuantileEstimate } from './stats.js';

/** Targets from the issue: the appliance against bare Node on the same machine. */
export const TARGETS = { udpShareOfBare: 0.7, tcpShareOfBare: 0.8, peakRssBytes: 100 * 1000 * 1000 };

const MB = 1000 * 1000;
/** Background CPU use above this (cores) makes the report warn that the machine was not quiet. */
const BUSY_WARNING_CORES = 0.15;
const MIB = 1024 * 1024;

function bytesText(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  return n % MIB === 0 ? `${n / MIB} MiB` : `${(n / MIB).toFixed(2)} MiB`;
}

export function udpZeroLossRate(r: UdpLadderResult | null): number {
  return r?.best?.medianAchievedRate ?? Number.NaN;
}

function udpCell(r: UdpLadderResult | null): string {
  if (r === null) return 'not run';
  if (r.best === null) return `< ${fmtRate(r.points[0]?.targetRate ?? Number.NaN)} (loss at the lowest step)`;
  const bound = r.senderBound && r.best === r.points[r.points.length - 1];
  return bound ? `≥ ${fmtRate(r.best.medianAchievedRate)} (sender-bound)` : fmtRate(r.best.medianAchievedRate);
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

function tcpCell(runs: readonly TcpRunResult[] | undefined): string {
  if (runs === undefined || runs.length === 0) return '—';
  const lost = runs.reduce((s, r) => s + (r.sent - r.received), 0);
  const rate = fmtRate(tcpRate(runs));
  const text = tcpNotSaturated(runs) ? `≥ ${rate} (receiver ${pct(tcpReceiverBusy(runs))} busy: sender-bound)` : rate;
  return `${text}${lost !== 0 ? ` (LOSS: ${lost} of ${runs.reduce((s, r) => s + r.sent, 0)})` : ''}`;
}

function us(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const v = seconds * 1e6;
  return v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US');
}

/**
 * Median over the runs of one quantile. Interpolated within its bucket; when it lies in the first bucket in
 * every run the histogram cannot say more than "below the first bound", and the cell says so.
 */
export function quantileText(estimates: readonly QuantileEstimate[]): string {
  if (estimates.length === 0) return '—';
  if (estimates.every((e) => e.aboveLastBound)) return `> ${us(estimates[0]!.lower)}`;
  if (estimates.every((e) => e.lower === 0)) return `< ${us(estimates[0]!.upper)}`;
  return us(median(estimates.map((e) => e.value)));
}

function latencyCell(r: ReceiverResult): string {
  if (r.latency.length === 0) return '—';
  return `${quantileText(r.latency.map((l) => l.p50))} / ${quantileText(r.latency.map((l) => l.p99))} µs`;
}

/** Receiver CPU µs per message: UDP at its highest zero-loss step, TCP LF (median of runs). */
export function udpCpuPerMessage(r: ReceiverResult): number {
  return r.udp?.best?.medianCpuMicrosPerMessage ?? Number.NaN;
}

export function tcpCpuPerMessage(runs: readonly TcpRunResult[] | undefined): number {
  return runs === undefined ? Number.NaN : median(runs.map((x) => cpuMicrosPerMessage(x.receiverCpuSeconds, x.received)));
}

function cpuCell(r: ReceiverResult): string {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '—');
  return `${f(udpCpuPerMessage(r))} / ${f(tcpCpuPerMessage(r.tcp.lf))}`;
}

function rssCell(r: ReceiverResult): string {
  return r.peakRssBytes === null ? 'unknown' : (r.peakRssBytes / MB).toFixed(1);
}

export function renderReport(res: BenchResults): string {
  const out: string[] = [];
  const m = res.machine;
  const o = res.options;
  const line = (s = ''): void => {
    out.push(s);
  };
  line('# syslog-sentinel benchmark');
  line();
  line(`- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM; ${m.kernel}; Node ${m.node}`);
  const shared = `the sender, the receiver under test and this orchestrator are separate processes sharing this machine's ${m.cores} cores (loopback only, 127.0.0.1)`;
  line(
    res.pinning !== null
      ? `- CPUs: ${shared}; pinned with taskset: sender and orchestrator on CPU ${res.pinning.sender}, receiver on CPU ${res.pinning.receiver}, so each receiver gets one core to itself and the kernel's loopback delivery work runs on the sender's CPU.` +
          (m.cores <= 2 ? ' With only 2 cores nothing is spare: absolute numbers are modest; the ratios are what matter.' : '')
      : `- CPUs: ${shared}; ${res.pinningNote ?? 'not pinned'}: sender and receiver compete for the same cores, so expect lower and noisier numbers.`,
  );
  const bg = res.backgroundBusyCores;
  const f = res.foreignCpu;
  const noisy = (bg.before ?? 0) > BUSY_WARNING_CORES || f.averageCores > BUSY_WARNING_CORES;
  const topUsers = f.top
    .filter((t) => t.cpuSeconds >= 1)
    .map((t) => `${t.command} (pid ${t.pid}) ${t.cpuSeconds.toFixed(0)} s`)
    .join(', ');
  line(
    `- Other processes: ${bg.before?.toFixed(2) ?? '?'} cores busy just before the run; during it they used ${f.cpuSeconds.toFixed(1)} CPU-s ` +
      `(${f.averageCores.toFixed(2)} cores on average${topUsers === '' ? '' : `; ${topUsers}`})` +
      (!noisy
        ? ' (quiet).'
        : o.nice !== null && o.nice < 0
          ? ` — the machine was not quiet; the benchmark ran at nice ${o.nice} ahead of them, which limits their effect but does not remove it.`
          : ' — WARNING: the machine was not quiet; these numbers are not reliable, re-run when it is (or use --nice=-10).'),
  );
  const rmemNote = res.rmem.tuned
    ? `raised for this run from ${res.rmem.before} to ${res.rmem.during} by --tune-rmem (restored afterwards)`
    : `${res.rmem.before ?? 'unknown'}${res.rmem.before !== null && res.rmem.before < o.rcvbufBytes ? ` — caps the ${bytesText(o.rcvbufBytes)} SO_RCVBUF ask (raise it with --tune-rmem)` : ''}`;
  line(`- net.core.rmem_max: ${rmemNote}`);
  for (const r of res.receivers) {
    line(`- UDP receive buffer, ${r.name}: asked ${bytesText(o.rcvbufBytes)}, effective ${bytesText(r.udpReceiveBufferBytes)} usable (Linux reports twice that)`);
  }
  const kinds = Object.entries(res.sender.kinds)
    .map(([k, n]) => `${k} ${((n / res.sender.distinctMessages) * 100).toFixed(0)}%`)
    .join(', ');
  line(`- Messages: ${res.sender.distinctMessages} distinct, pre-built (${kinds}); mean ${res.sender.meanBytes.toFixed(0)} bytes, ~200 hosts`);
  line(
    `- Method: UDP steps of ${o.udpStepMessages === null ? `${o.udpStepSeconds} s` : `${o.udpStepMessages} messages`} at rising rates, ${o.repeats}× each, medians; ` +
      `a rate is zero-loss when the median run lost nothing. TCP: ${o.tcpMessages.toLocaleString('en-US')} messages on one connection, ${o.repeats}×, median; ` +
      `time from first byte to the receiver having counted them all. Latency: UDP at about half the appliance's zero-loss rate, from syslog_pipeline_latency_seconds.`,
  );
  if (o.nice !== null) line(`- The sender, the receivers and the orchestrator ran at nice ${o.nice} (--nice), ahead of other processes on the machine.`);
  if (o.applianceNodeArgs.length > 0) line(`- Appliance started with extra node flags: ${o.applianceNodeArgs.join(' ')}`);
  line(`- Run took ${res.durationSeconds.toFixed(0)} s${o.quick ? ' (--quick: a smoke run, numbers are rough)' : ''}.`);
  line();
  line('| receiver | UDP zero-loss msg/s | TCP msg/s (LF) | TCP msg/s (octet-counted) | peak RSS (MB) | latency p50 / p99 | CPU µs/msg UDP / TCP |');
  line('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of res.receivers) {
    line(`| ${r.name} | ${udpCell(r.udp)} | ${tcpCell(r.tcp.lf)} | ${tcpCell(r.tcp.octet)} | ${rssCell(r)} | ${latencyCell(r)} | ${cpuCell(r)} |`);
  }
  line();
  line(
    'MB = 10^6 bytes; peak RSS is VmHWM of the receiver process over the whole run. CPU µs/msg: the receiver process\'s user + system CPU time ' +
      '(all threads, /proc/PID/stat) per message received, UDP at its highest zero-loss step, TCP over the LF runs; 1e6 / that is roughly what one core could take.',
  );
  for (const r of res.receivers) {
    if (r.latency.length === 0) continue;
    const first = r.latency[0]!;
    line(
      `Latency (${r.name}): receive → end of pipeline, from its syslog_pipeline_latency_seconds histogram diffed over UDP runs at ${fmtRate(first.rate)} msg/s ` +
        `(about half its zero-loss rate), interpolated within buckets; exact mean ${us(median(r.latency.map((l) => l.meanSeconds)))} µs (from _sum/_count). ` +
        `It covers the synchronous parse + metrics work for one message, not the time a datagram waited in the kernel buffer.`,
    );
  }

  const bare = res.receivers.find((r) => r.id === 'bare');
  const app = res.receivers.find((r) => r.id === 'appliance');
  if (app !== undefined) {
    line();
    line('## Targets');
    line();
    if (bare !== undefined) {
      const udpRatio = udpZeroLossRate(app.udp) / udpZeroLossRate(bare.udp);
      const tcpRatio = tcpRate(app.tcp.lf) / tcpRate(bare.tcp.lf);
      line(`Ratios appliance / bare: UDP ${ratio(udpRatio)}, TCP (LF) ${ratio(tcpRatio)}${app.tcp.octet ? `, TCP octet-counted vs bare LF ${ratio(tcpRate(app.tcp.octet) / tcpRate(bare.tcp.lf))}` : ''}.`);
      const common = commonCleanPoint(app.udp, bare.udp);
      if (common !== null) {
        const cpuRatio = common.bare.medianCpuMicrosPerMessage / common.app.medianCpuMicrosPerMessage;
        line(
          `UDP by CPU cost, which the sender's ceiling does not hide: at ${fmtRate(common.app.targetRate)} msg/s (the highest rate both took cleanly at full speed) ` +
            `bare Node used ${common.bare.medianCpuMicrosPerMessage.toFixed(2)} µs of CPU per datagram, the appliance ${common.app.medianCpuMicrosPerMessage.toFixed(2)} µs ` +
            `→ ${(1 / cpuRatio).toFixed(2)}× the CPU; as a capacity ratio ${ratio(cpuRatio)} (rough: per-datagram cost falls as a receiver gets busier and wakes up less often).`,
        );
      }
      line();
      line(`- zero-loss UDP ≥ ${TARGETS.udpShareOfBare * 100}% of bare: ${udpVerdict(app.udp, bare.udp)}`);
      const bareTcpBound = tcpNotSaturated(bare.tcp.lf);
      line(
        `- TCP ≥ ${TARGETS.tcpShareOfBare * 100}% of bare: ${verdict(tcpRatio >= TARGETS.tcpShareOfBare, tcpRatio)}` +
          (bareTcpBound ? ` (bare Node was only ${pct(tcpReceiverBusy(bare.tcp.lf))} busy, so its true ceiling is higher and the true ratio lower)` : ''),
      );
    } else {
      line('- UDP/TCP ratios: not measured (bare receiver not run)');
    }
    const rss = app.peakRssBytes;
    line(`- peak RSS < ${TARGETS.peakRssBytes / MB} MB: ${rss === null ? 'unknown' : `${rss < TARGETS.peakRssBytes ? 'met' : 'NOT met'} (${(rss / MB).toFixed(1)} MB)`}`);
  }
  const phased = res.receivers.filter((r) => r.peakRssByPhase !== null);
  if (phased.length > 0) {
    line();
    line('Peak RSS by phase, MB (VmHWM reset at each phase boundary):');
    line();
    for (const r of phased) {
      line(`- ${r.name}: ${Object.entries(r.peakRssByPhase!).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ')}`);
    }
  }

  const ladders = res.receivers.filter((r) => r.udp !== null);
  if (ladders.length > 0) {
    line();
    line('## UDP steps');
    line();
    line(
      'Per target rate: median achieved send rate, median loss (max of the repeats in brackets), the receiver\'s CPU per message and how busy it was ' +
        '(share of one core); "sender-bound" = the sender reached < 90% of the target.',
    );
    line();
    line(`| target msg/s | ${ladders.map((r) => r.name).join(' | ')} |`);
    line(`| ---: | ${ladders.map(() => '---').join(' | ')} |`);
    const rates = [...new Set(ladders.flatMap((r) => r.udp!.points.map((p) => p.targetRate)))].sort((a, b) => a - b);
    for (const rate of rates) {
      const cells = ladders.map((r) => {
        const p = r.udp!.points.find((x) => x.targetRate === rate);
        if (!p) return '';
        const kd = p.repeats.reduce((s, x) => s + (x.kernelDrops ?? 0), 0);
        const cpu = Number.isFinite(p.medianCpuMicrosPerMessage) ? `, ${p.medianCpuMicrosPerMessage.toFixed(2)} µs/msg, ${pct(p.medianReceiverBusy)} busy` : '';
        return `${fmtRate(p.medianAchievedRate)}: loss ${pct(p.medianLossShare)}${p.maxLossShare > 0 ? ` (max ${pct(p.maxLossShare)}${kd > 0 ? `, ${kd.toLocaleString('en-US')} kernel rcvbuf drops` : ''})` : ''}${cpu}${p.senderBound ? ', sender-bound' : ''}`;
      });
      line(`| ${fmtRate(rate)} | ${cells.join(' | ')} |`);
    }
  }
  if (app !== undefined && Object.keys(app.details).length > 0) {
    line();
    line(`Appliance counters at the end: ${Object.entries(app.details).map(([k, v]) => `${k}=${v.toLocaleString('en-US')}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

/** The highest target rate at which both receivers lost nothing (median) and the sender kept up. */
function commonCleanPoint(app: UdpLadderResult | null, bare: UdpLadderResult | null): { app: UdpLadderPoint; bare: UdpLadderPoint } | null {
  if (app === null || bare === null) return null;
  const clean = (p: UdpLadderPoint): boolean => p.medianLossShare === 0 && !p.senderBound && Number.isFinite(p.medianCpuMicrosPerMessage);
  let best: { app: UdpLadderPoint; bare: UdpLadderPoint } | null = null;
  for (const a of app.points) {
    const b = bare.points.find((x) => x.targetRate === a.targetRate);
    if (b !== undefined && clean(a) && clean(b) && (best === null || a.targetRate > best.app.targetRate)) best = { app: a, bare: b };
  }
  return best;
}

/** The UDP target, taking into account that a zero-loss rate found at the sender's ceiling is only a lower bound. */
function udpVerdict(app: UdpLadderResult | null, bare: UdpLadderResult | null): string {
  const a = udpZeroLossRate(app);
  const b = udpZeroLossRate(bare);
  const r = a / b;
  if (!Number.isFinite(r)) return 'unknown (not measured)';
  const appBound = app?.senderBound === true;
  const bareBound = bare?.senderBound === true;
  const goal = TARGETS.udpShareOfBare;
  if (appBound && bareBound) {
    return `met at the sender's ceiling (${ratio(r)}): both took everything the sender could produce without loss (≥ ${fmtRate(a)} and ≥ ${fmtRate(b)} msg/s); a faster sender would be needed to tell them apart`;
  }
  if (appBound) return `${r >= goal ? 'met' : 'undecided'} (≥ ${ratio(r)}: the appliance took everything the sender could produce)`;
  if (bareBound) {
    return r < goal
      ? `NOT met (${ratio(r)}, and bare Node's true ceiling is higher than the sender could test)`
      : `undecided (${ratio(r)} of what the sender could produce; bare Node's true ceiling is higher)`;
  }
  return verdict(r >= goal, r);
}

function ratio(r: number): string {
  return Number.isFinite(r) ? `${(r * 100).toFixed(0)}%` : '—';
}

function verdict(ok: boolean, r: number): string {
  if (!Number.isFinite(r)) return 'unknown (not measured)';
  return `${ok ? 'met' : 'NOT met'} (${ratio(r)})`;
}
