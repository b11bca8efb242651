/** The report's detail sections: what each receiver counted against what it was sent, peak RSS by phase, the UDP steps. */
import { MB } from './report-cells.js';
import type { ReceiverResult } from './results.js';
import { fmtRate, pct } from './runs.js';

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * Sent against counted, over the whole run (warm-up included); for rsyslog also the "Invalid user" lines its
 * filter wrote, which must equal those sent when nothing was lost (and cannot exceed them otherwise).
 */
export function renderCounts(receivers: readonly ReceiverResult[]): string[] {
  if (receivers.length === 0) return [];
  const out = ['## Sent and counted', ''];
  for (const r of receivers) {
    const counted = r.counted.udp + r.counted.tcp;
    const lost = r.sent.messages - counted;
    let text = `- ${r.name}: sent ${fmt(r.sent.messages)}, counted ${fmt(counted)} (UDP ${fmt(r.counted.udp)}, TCP ${fmt(r.counted.tcp)}); ${lost === 0 ? 'nothing lost' : `${fmt(lost)} lost (UDP steps above the zero-loss rate)`}`;
    const written = r.details.invalid_user_lines_written;
    if (written !== undefined) {
      const expected = r.sent.invalidUserLines;
      const verdict =
        lost === 0 ? (written === expected ? 'equal, as they must be' : 'MISMATCH: nothing was lost, so they must be equal') : written <= expected ? 'fewer is expected, as messages were lost' : 'MISMATCH: more written than sent';
      text += `. "Invalid user" lines: ${fmt(expected)} sent, ${fmt(written)} written by the filter (${verdict})`;
    }
    out.push(`${text}.`);
  }
  out.push('');
  return out;
}

export function renderPhases(receivers: readonly ReceiverResult[]): string[] {
  const phased = receivers.filter((r) => r.peakRssByPhase !== null);
  if (phased.length === 0) return [];
  return [
    'Peak RSS by phase, MB (VmHWM reset at each phase boundary):',
    '',
    ...phased.map((r) => `- ${r.name}: ${Object.entries(r.peakRssByPhase!).map(([k, v]) => `${k} ${(v / MB).toFixed(1)}`).join(', ')}`),
    '',
  ];
}

export function renderUdpSteps(receivers: readonly ReceiverResult[]): string[] {
  const ladders = receivers.filter((r) => r.udp !== null);
  if (ladders.length === 0) return [];
  const out = [
    '## UDP steps',
    '',
    'Per target rate: median achieved send rate, median loss (max of the repeats in brackets), the receiver\'s CPU per message (= CPU s per 1M) and how busy it was ' +
      '(share of one core); "sender-bound" = the sender reached < 90% of the target.',
    '',
    `| target msg/s | ${ladders.map((r) => r.name).join(' | ')} |`,
    `| ---: | ${ladders.map(() => '---').join(' | ')} |`,
  ];
  const rates = [...new Set(ladders.flatMap((r) => r.udp!.points.map((p) => p.targetRate)))].sort((a, b) => a - b);
  for (const rate of rates) {
    const cells = ladders.map((r) => {
      const p = r.udp!.points.find((x) => x.targetRate === rate);
      if (!p) return '';
      const kd = p.repeats.reduce((s, x) => s + (x.kernelDrops ?? 0), 0);
      const cpu = Number.isFinite(p.medianCpuMicrosPerMessage) ? `, ${p.medianCpuMicrosPerMessage.toFixed(2)} µs/msg, ${pct(p.medianReceiverBusy)} busy` : '';
      return `${fmtRate(p.medianAchievedRate)}: loss ${pct(p.medianLossShare)}${p.maxLossShare > 0 ? ` (max ${pct(p.maxLossShare)}${kd > 0 ? `, ${fmt(kd)} kernel rcvbuf drops` : ''})` : ''}${cpu}${p.senderBound ? ', sender-bound' : ''}`;
    });
    out.push(`| ${fmtRate(rate)} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

/** Each receiver's extra counters (parsed formats, drops, rsyslog's queue), as kept in the JSON. */
export function renderReceiverCounters(receivers: readonly ReceiverResult[]): string[] {
  const withDetails = receivers.filter((r) => Object.keys(r.details).length > 0);
  if (withDetails.length === 0) return [];
  return [
    'Receiver counters at the end:',
    '',
    ...withDetails.map((r) => `- ${r.name}: ${Object.entries(r.details).map(([k, v]) => `${k}=${fmt(v)}`).join(', ')}`),
    '',
  ];
}
