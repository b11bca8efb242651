/** The report's comparison sections: ratio rows, the issue's targets as a checklist, and the tracked-keys phase. */
import type { KeysPhaseResult } from './keys-phase.js';
import { MB, measureText, ratioText } from './report-cells.js';
import type { ReceiverResult } from './results.js';
import { fmtRate } from './runs.js';
import { commonCleanPoint, ratioRows, targetChecklist, type RatioRow, type TargetStatus } from './targets.js';

const MARK: Record<TargetStatus, string> = { met: '[x]', 'not met': '[ ]', undecided: '[?]', 'not measured': '[-]' };

export function renderRatios(receivers: readonly ReceiverResult[]): string[] {
  const rows = ratioRows(receivers);
  if (rows.length === 0) return [];
  return [
    '## Ratios',
    '',
    'Throughput ratios above 1× mean the first receiver took more; CPU and RSS ratios above 1× mean it used more. ' +
      '≥ / ≤: one side was measured at the sender\'s ceiling (a bound, not a value); ~: bounds on both sides, direction unknown.',
    '',
    '| pair | UDP zero-loss | TCP (LF) | TCP (octet-counted) | CPU per msg UDP | CPU per msg TCP (LF) | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) => `| ${r.label} | ${ratioText(r.udp)} | ${ratioText(r.tcpLf)} | ${ratioText(r.tcpOctet)} | ${ratioText(r.cpuUdp)} | ${ratioText(r.cpuTcpLf)} | ${ratioText(r.peakRss)} |`,
    ),
    '',
    ...cpuCostLines(rows),
  ];
}

/** Per pair, CPU per datagram at the highest rate both took cleanly: a comparison the sender's ceiling does not hide. */
function cpuCostLines(rows: readonly RatioRow[]): string[] {
  const lines = rows.flatMap((r) => {
    const common = commonCleanPoint(r.a.udp, r.b.udp);
    if (common === null) return [];
    const x = common.a.medianCpuMicrosPerMessage;
    const y = common.b.medianCpuMicrosPerMessage;
    return [
      `- UDP by CPU cost (${r.label}): at ${fmtRate(common.a.targetRate)} msg/s, the highest rate both took cleanly at full speed, ` +
        `${x.toFixed(2)} vs ${y.toFixed(2)} CPU s per 1M datagrams → ${(x / y).toFixed(2)}× the CPU, as a capacity ratio ${(y / x).toFixed(2)}× ` +
        '(rough: per-datagram cost falls as a receiver gets busier and wakes up less often).',
    ];
  });
  return lines.length === 0 ? [] : [...lines, ''];
}

export function renderTargets(receivers: readonly ReceiverResult[], keys: readonly KeysPhaseResult[]): string[] {
  const checks = targetChecklist(receivers, keys);
  return [
    '## Targets',
    '',
    '[x] met, [ ] not met, [?] undecided (a bound that does not settle it), [-] not measured in this run.',
    '',
    ...checks.map((c) => `- ${MARK[c.status]} ${c.target}: **${c.status}** (${c.status === 'not measured' ? '' : `${measureText(c.figure, c.unit)}; `}${c.note})`),
    '',
  ];
}

export function renderKeysPhase(keys: readonly KeysPhaseResult[]): string[] {
  if (keys.length === 0) return [];
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return [
    '## Tracked keys',
    '',
    `One sshd "Invalid user" line from each of ${fmt(keys[0]!.hosts)} distinct host names over one TCP connection to a fresh appliance with the ` +
      'default rules (ssh_invalid_user groups by host, so each host is a key), then /metrics and /proc. "as shipped" is config/default.yaml; ' +
      '"maxKeys raised" is the same with maxKeys set to the number of hosts, so that every key is held.',
    '',
    '| run | maxKeys | lines counted | rule matches | tracked keys | evictions | peak RSS (MB) | RSS at the end (MB) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...keys.map(
      (k) =>
        `| ${k.variant} | ${fmt(k.maxKeys)} | ${fmt(k.received)} | ${fmt(k.matches)} | ${fmt(k.trackedKeys)} | ${fmt(k.evictions)} | ` +
        `${k.peakRssBytes === null ? 'unknown' : (k.peakRssBytes / MB).toFixed(1)} | ${k.rssBytes === null ? 'unknown' : (k.rssBytes / MB).toFixed(1)} |`,
    ),
    '',
  ];
}
