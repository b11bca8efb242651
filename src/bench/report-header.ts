/** The report's opening list: machine, pinning, other processes' CPU, buffers, messages, method. */
import { fmtRate } from './runs.js';
import type { BenchResults } from './results.js';

/** Background CPU use above this (cores) makes the report warn that the machine was not quiet. */
const BUSY_WARNING_CORES = 0.15;
const MIB = 1024 * 1024;

function bytesText(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  return n % MIB === 0 ? `${n / MIB} MiB` : `${(n / MIB).toFixed(2)} MiB`;
}

export function renderHeader(res: BenchResults): string[] {
  const out: string[] = [];
  const line = (s: string): void => {
    out.push(s);
  };
  const m = res.machine;
  const o = res.options;
  line(`- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM; ${m.kernel}; Node ${m.node}`);
  const shared = `the sender, the receiver under test and this orchestrator are separate processes sharing this machine's ${m.cores} cores (loopback only, 127.0.0.1)`;
  line(
    res.pinning !== null
      ? `- CPUs: ${shared}; pinned with taskset: sender and orchestrator on CPU ${res.pinning.sender}, receiver on CPU ${res.pinning.receiver} (every thread: ` +
          `rsyslogd's input, queue-worker and impstats threads share that one core, as Node's event loop and its helper threads do), so each receiver gets ` +
          `one core to itself and the kernel's loopback delivery work runs on the sender's CPU.` +
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
  if (res.receivers.some((r) => r.id === 'rsyslog')) {
    line(
      '- rsyslog: rsyslogd in the foreground with its own config (imudp and imtcp on 127.0.0.1 into one ruleset through the main queue; ' +
        '`if $msg contains "Invalid user"` → omfile in its temporary directory; defaults otherwise). Running as root it would force its UDP buffer ' +
        'past net.core.rmem_max (SO_RCVBUFFORCE), so it is asked for the smaller of --rcvbuf and rmem_max: the same usable buffer as the Node receivers. ' +
        'Counted: impstats (interval 1 s, JSON) imudp/imtcp `submitted`, read once two consecutive snapshots agree with the main queue empty; ' +
        'its TCP end time is the last moment its CPU time was growing (sampled every 5 ms), since impstats reports only once a second.',
    );
  }
  for (const s of res.skipped) line(`- Skipped ${s.id}: ${s.reason}`);
  const kinds = Object.entries(res.sender.kinds)
    .map(([k, n]) => `${k} ${((n / res.sender.distinctMessages) * 100).toFixed(0)}%`)
    .join(', ');
  line(`- Messages: ${res.sender.distinctMessages} distinct, pre-built (${kinds}); mean ${res.sender.meanBytes.toFixed(0)} bytes, ~200 hosts`);
  const half = res.receivers.find((r) => r.latency.length > 0)?.latency[0]?.rate;
  line(
    `- Method: UDP steps of ${o.udpStepMessages === null ? `${o.udpStepSeconds} s` : `${o.udpStepMessages} messages`} at rising rates, ${o.repeats}× each, medians; ` +
      `a rate is zero-loss when the median run lost nothing (loss = sent − counted, so kernel receive-buffer drops are included). ` +
      `TCP: ${o.tcpMessages.toLocaleString('en-US')} messages on one connection, ${o.repeats}×, median; time from first byte to the receiver having counted them all. ` +
      `Latency: UDP at about half each appliance's zero-loss rate${half === undefined ? '' : ` (e.g. ${fmtRate(half)} msg/s)`}, from syslog_pipeline_latency_seconds.`,
  );
  if (o.nice !== null) line(`- The sender, the receivers and the orchestrator ran at nice ${o.nice} (--nice), ahead of other processes on the machine.`);
  if (o.applianceNodeArgs.length > 0) line(`- Appliance started with extra node flags: ${o.applianceNodeArgs.join(' ')}`);
  line(`- Run took ${res.durationSeconds.toFixed(0)} s${o.quick ? ' (--quick: a smoke run, numbers are rough)' : ''}.`);
  return out;
}
