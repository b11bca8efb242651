/** The fuzz run in words (the summary printed before the verdict line) and as JSON (--json). */
import type { FuzzOptions } from './options.js';
import type { FuzzResult } from './run.js';
import { formatDrops, MIN_GROWTH_WINDOW_MS } from './verdict.js';

const mb = (bytes: number | null | undefined): string => (bytes == null ? '?' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function counts(record: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(record)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function liveLine(r: FuzzResult['observations']['liveReadings'][number] | undefined): string {
  return r === undefined ? 'none' : `RSS ${mb(r.rssBytes)}, heap used ${mb(r.heapUsedBytes)} of ${mb(r.heapTotalBytes)}, external ${mb(r.externalBytes)} (the collection took ${r.gcMs.toFixed(0)} ms)`;
}

export function summaryLines(options: FuzzOptions, result: FuzzResult): string[] {
  const o = result.observations;
  const s = o.snapshot;
  const m = result.verdict.memory;
  const healthMs = o.samples.map((x) => x.healthMs);
  const lines = [
    `fuzz run: seed ${options.seed}, ${options.frames} frames planned; ${result.totalSeconds.toFixed(1)} s in all, traffic ${result.trafficSeconds.toFixed(1)} s, metrics settled in ${result.settleSeconds.toFixed(1)} s`,
    `  udp: ${o.udp.sent} datagrams (${mb(o.udp.bytesSent)}; the sender waited ${o.udp.windowStalls} times for the appliance to catch up), expected: ${counts(o.udp.outcomes)}`,
    `       families: ${counts(o.udp.families)}`,
    `  tcp: ${o.tcp.payloads} bodies in ${o.tcp.connections} connections (${mb(o.tcp.bytes)}; ended fin ${o.tcp.endings.fin}, fin mid-frame ${o.tcp.endings.fin_mid_frame}), then ${o.tcpExpected.rstConnections} reset mid-frame`,
    `       families: ${counts(o.tcp.families)}`,
    `       framings: ${counts(o.tcp.framings)}`,
    `       expected after framing (phases included): ${o.tcpExpected.frames} frames (${mb(o.tcpExpected.frameBytes)}), drops ${formatDrops(o.tcpExpected.drops)}`,
  ];
  if (s !== null) {
    lines.push(
      `  appliance counted: udp ${s.received.udp} received, drops ${formatDrops(s.drops.udp)}, kernel drops ${s.kernelDrops ?? 'unknown'}`,
      `                     tcp ${s.received.tcp} frames (${mb(s.bytes.tcp)}), drops ${formatDrops(s.drops.tcp)}`,
      `                     connections opened ${s.connectionsOpened}, closed ${counts(s.closed)}, open now ${s.connectionsOpen}`,
      `                     parsed ${counts(s.parsed)}; rule matches ${s.ruleMatches}, incidents opened ${s.incidentsOpened}, evicted at the cap ${s.incidentsEvicted}; ${s.latencyOver1s} messages over 1 s in the pipeline`,
    );
  }
  lines.push(
    `  memory: peak RSS ${mb(m?.peakBytes)} (limit ${mb(options.rssLimitBytes)}); ${m?.liveReadings ?? 0} forced full GCs${m?.growthJudged === true ? '' : ` (growth not judged: under ${MIN_GROWTH_WINDOW_MS / 1000} s of traffic)`}`,
  );
  // Without a judged window these figures would be zeros from empty thirds, not measurements.
  if (m?.growthJudged === true) {
    lines.push(
      `          RSS after them: highest ${mb(m.earlierMaxBytes)} in the first two thirds, ${mb(m.lastThirdMaxBytes)} in the last`,
      `          heap used + external after them: lowest ${mb(m.liveMiddleMinBytes)} in the middle third, ${mb(m.liveLastMinBytes)} in the last`,
    );
  }
  lines.push(
    `          after the last one: ${liveLine(o.liveReadings.at(-1))}`,
    `  /healthz: ${o.samples.filter((x) => x.healthStatus === 200).length}/${o.samples.length} answered 200, slowest ${healthMs.length === 0 ? '?' : Math.max(...healthMs).toFixed(0)} ms; at the end ${o.finalHealthStatus ?? 'no answer'}`,
    `  unsafe patterns (${o.unsafe.patterns.join('  ')}): ${o.unsafe.refused ? 'refused' : 'NOT refused'} at load, exit code ${o.unsafe.exitCode}, in ${o.unsafe.ms.toFixed(0)} ms`,
    `  stop: exit code ${o.stopExit?.code ?? '?'}${o.stopExit?.signal ? ` (signal ${o.stopExit.signal})` : ''}; error log lines ${result.errorLogCount}`,
  );
  for (const e of result.errorLogLines.slice(0, 5)) lines.push(`    error log: ${e}`);
  if (!result.verdict.pass) for (const f of result.verdict.failures) lines.push(`  FAIL: ${f}`);
  return lines;
}

export function resultJson(options: FuzzOptions, result: FuzzResult): string {
  return `${JSON.stringify({ options, ...result, verdict: result.verdict }, null, 2)}\n`;
}
