/** The Markdown report printed to stdout: machine and method, the results table, ratios, targets, details. */
import { cpuCell, latencyCell, rssCell, tcpCell, udpCell, us } from './report-cells.js';
import { renderCounts, renderPhases, renderReceiverCounters, renderUdpSteps } from './report-details.js';
import { renderHeader } from './report-header.js';
import { renderKeysPhase, renderRatios, renderTargets } from './report-targets.js';
import type { BenchResults } from './results.js';
import { fmtRate } from './runs.js';
import { median } from './stats.js';

export function renderReport(res: BenchResults): string {
  const out: string[] = ['# syslog-sentinel benchmark', '', ...renderHeader(res), ''];
  out.push(
    '| receiver | UDP zero-loss msg/s | TCP msg/s (LF) | TCP msg/s (octet-counted) | CPU s per 1M msgs UDP / TCP LF / TCP octet | peak RSS (MB) | latency p50 / p99 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of res.receivers) {
    out.push(`| ${r.name} | ${udpCell(r.udp)} | ${tcpCell(r.tcp.lf)} | ${tcpCell(r.tcp.octet)} | ${cpuCell(r)} | ${rssCell(r)} | ${latencyCell(r)} |`);
  }
  out.push(
    '',
    'MB = 10^6 bytes; peak RSS is VmHWM of the receiver process over the whole run. CPU s per 1M msgs: the receiver process\'s user + system CPU time ' +
      '(all threads, /proc/PID/stat) per million messages received (numerically the same as µs per message), UDP at its highest zero-loss step, ' +
      'TCP over the runs of each framing; 1e6 / that is roughly what one core could take. A receiver without octet-counting support (bare Node) has no octet column.',
  );
  for (const r of res.receivers) {
    if (r.latency.length === 0) continue;
    const first = r.latency[0]!;
    out.push(
      `Latency (${r.name}): receive → end of pipeline (the rules' decision, when it has rules), from its syslog_pipeline_latency_seconds histogram diffed over ` +
        `UDP runs at ${fmtRate(first.rate)} msg/s (about half its zero-loss rate), interpolated within buckets; exact mean ` +
        `${us(median(r.latency.map((l) => l.meanSeconds)))} µs (from _sum/_count). It covers the synchronous work for one message, not the time a datagram ` +
        'waited in the kernel buffer. rsyslog and bare Node have no such histogram.',
    );
  }
  out.push('');
  out.push(...renderRatios(res.receivers));
  out.push(...renderTargets(res.receivers, res.keysPhase));
  out.push(...renderKeysPhase(res.keysPhase));
  out.push(...renderCounts(res.receivers));
  out.push(...renderPhases(res.receivers));
  out.push(...renderUdpSteps(res.receivers));
  out.push(...renderReceiverCounters(res.receivers));
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
