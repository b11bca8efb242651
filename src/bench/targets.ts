/**
 * Ratios between receivers and the targets, computed from the numbers: each target is met, not met,
 * undecided (a bound does not settle it) or not measured. Pure; report-targets.ts renders them.
 */
import type { KeysPhaseResult } from './keys-phase.js';
import { exact, p99Measure, tcpCpuPerMessage, tcpMeasure, udpCpuPerMessage, udpMeasure, type Bound, type Measure } from './receiver-figures.js';
import type { ReceiverResult } from './results.js';
import type { UdpLadderPoint, UdpLadderResult } from './runs.js';

/** The targets for the appliance with the default rules. */
export const TARGETS = {
  udpShareOfRsyslog: 1.0,
  udpShareOfBare: 0.7,
  tcpShareOfRsyslog: 1.5,
  p99Seconds: 0.001,
  peakRssBytes: 150 * 1000 * 1000,
  trackedKeys: 100_000,
} as const;

/** a / b; its bound follows from theirs ('unknown' when they pull both ways, e.g. ≥ a / ≥ b). */
export interface Ratio {
  readonly value: number;
  readonly bound: Bound | 'unknown';
}

export function ratioOf(a: Measure, b: Measure): Ratio {
  const value = a.value / b.value;
  // A lower bound on a, or an upper bound on b, makes the ratio a lower bound; and the other way round.
  const up = (a.bound === 'atLeast' ? 1 : 0) + (b.bound === 'atMost' ? 1 : 0);
  const down = (a.bound === 'atMost' ? 1 : 0) + (b.bound === 'atLeast' ? 1 : 0);
  const bound: Ratio['bound'] = up > 0 && down > 0 ? 'unknown' : up > 0 ? 'atLeast' : down > 0 ? 'atMost' : 'exact';
  return { value, bound };
}

export type TargetStatus = 'met' | 'not met' | 'undecided' | 'not measured';

/** Whether `x ≥ goal` (or `x < goal` with below), given what kind of bound x is. */
export function judge(x: { value: number; bound: Bound | 'unknown' }, goal: number, want: 'atLeast' | 'below'): TargetStatus {
  if (!Number.isFinite(x.value)) return 'not measured';
  const ok = want === 'atLeast' ? x.value >= goal : x.value < goal;
  if (x.bound === 'exact') return ok ? 'met' : 'not met';
  if (x.bound === 'unknown') return 'undecided';
  // A lower bound settles "≥ goal" when it is met and "< goal" when it is not; an upper bound the reverse.
  const settlesWhenOk = (x.bound === 'atLeast') === (want === 'atLeast');
  if (ok) return settlesWhenOk ? 'met' : 'undecided';
  return settlesWhenOk ? 'undecided' : 'not met';
}

/** The highest target rate at which both receivers lost nothing (median) and the sender kept up. */
export function commonCleanPoint(a: UdpLadderResult | null, b: UdpLadderResult | null): { a: UdpLadderPoint; b: UdpLadderPoint } | null {
  if (a === null || b === null) return null;
  const clean = (p: UdpLadderPoint): boolean => p.medianLossShare === 0 && !p.senderBound && Number.isFinite(p.medianCpuMicrosPerMessage);
  let best: { a: UdpLadderPoint; b: UdpLadderPoint } | null = null;
  for (const x of a.points) {
    const y = b.points.find((p) => p.targetRate === x.targetRate);
    if (y !== undefined && clean(x) && clean(y) && (best === null || x.targetRate > best.a.targetRate)) best = { a: x, b: y };
  }
  return best;
}

export interface RatioRow {
  readonly label: string;
  /** The two receivers, numerator first. */
  readonly a: ReceiverResult;
  readonly b: ReceiverResult;
  readonly udp: Ratio;
  readonly tcpLf: Ratio;
  readonly tcpOctet: Ratio;
  /** CPU per message, numerator over denominator (above 1: the first costs more). */
  readonly cpuUdp: Ratio;
  readonly cpuTcpLf: Ratio;
  readonly peakRss: Ratio;
}

export function ratioRow(label: string, a: ReceiverResult, b: ReceiverResult): RatioRow {
  const rss = (r: ReceiverResult): Measure => exact(r.peakRssBytes ?? Number.NaN);
  return {
    label,
    a,
    b,
    udp: ratioOf(udpMeasure(a.udp), udpMeasure(b.udp)),
    tcpLf: ratioOf(tcpMeasure(a.tcp.lf), tcpMeasure(b.tcp.lf)),
    tcpOctet: ratioOf(tcpMeasure(a.tcp.octet), tcpMeasure(b.tcp.octet)),
    cpuUdp: ratioOf(exact(udpCpuPerMessage(a)), exact(udpCpuPerMessage(b))),
    cpuTcpLf: ratioOf(exact(tcpCpuPerMessage(a.tcp.lf)), exact(tcpCpuPerMessage(b.tcp.lf))),
    peakRss: ratioOf(rss(a), rss(b)),
  };
}

/** The pairs the report compares, where both were run: the appliance with rules against rsyslog and bare Node, the core pipeline against bare Node. */
export function ratioRows(receivers: readonly ReceiverResult[]): RatioRow[] {
  const by = (id: string): ReceiverResult | undefined => receivers.find((r) => r.id === id);
  const pairs: [string, string][] = [
    ['appliance-rules', 'rsyslog'],
    ['appliance-rules', 'bare'],
    ['appliance', 'rsyslog'],
    ['appliance', 'bare'],
  ];
  const rows: RatioRow[] = [];
  for (const [x, y] of pairs) {
    const a = by(x);
    const b = by(y);
    if (a !== undefined && b !== undefined) rows.push(ratioRow(`${a.name} / ${b.name}`, a, b));
  }
  return rows;
}

const NOT_MEASURED = { value: Number.NaN, bound: 'exact' } as const;

export interface TargetCheck {
  readonly target: string;
  readonly status: TargetStatus;
  /** The figure it was judged on (a ratio, seconds or bytes), with its bound; NaN when not measured. */
  readonly figure: { readonly value: number; readonly bound: Bound | 'unknown' };
  readonly unit: 'ratio' | 'seconds' | 'bytes';
  /** Why it is not measured, or what it was measured on. */
  readonly note: string;
}

/**
 * The checklist, judged on the appliance with the default rules (the product as shipped, doing comparable work
 * to rsyslog's filter); keysRaised is the keys phase with maxKeys high enough to hold TARGETS.trackedKeys keys.
 */
export function targetChecklist(receivers: readonly ReceiverResult[], keys: readonly KeysPhaseResult[]): TargetCheck[] {
  const app = receivers.find((r) => r.id === 'appliance-rules');
  const rsyslog = receivers.find((r) => r.id === 'rsyslog');
  const bare = receivers.find((r) => r.id === 'bare');
  const checks: TargetCheck[] = [];
  const ratioCheck = (target: string, goal: number, other: ReceiverResult | undefined, otherId: string, pick: (r: ReceiverResult) => Measure): void => {
    if (app === undefined || other === undefined) {
      checks.push({ target, status: 'not measured', figure: NOT_MEASURED, unit: 'ratio', note: `needs appliance-rules and ${otherId} in --receivers` });
      return;
    }
    const r = ratioOf(pick(app), pick(other));
    checks.push({ target, status: judge(r, goal, 'atLeast'), figure: r, unit: 'ratio', note: `${app.name} / ${other.name}` });
  };
  ratioCheck(`UDP zero-loss ≥ ${TARGETS.udpShareOfRsyslog.toFixed(1)}× rsyslog`, TARGETS.udpShareOfRsyslog, rsyslog, 'rsyslog', (r) => udpMeasure(r.udp));
  ratioCheck(`UDP zero-loss ≥ ${TARGETS.udpShareOfBare}× bare Node`, TARGETS.udpShareOfBare, bare, 'bare', (r) => udpMeasure(r.udp));
  ratioCheck(`TCP (LF) ≥ ${TARGETS.tcpShareOfRsyslog}× rsyslog`, TARGETS.tcpShareOfRsyslog, rsyslog, 'rsyslog', (r) => tcpMeasure(r.tcp.lf));
  ratioCheck(`TCP (octet-counted) ≥ ${TARGETS.tcpShareOfRsyslog}× rsyslog`, TARGETS.tcpShareOfRsyslog, rsyslog, 'rsyslog', (r) => tcpMeasure(r.tcp.octet));

  const p99Target = `p99 receive → decision < ${TARGETS.p99Seconds * 1000} ms at half the max UDP rate`;
  if (app === undefined || app.latency.length === 0) {
    checks.push({ target: p99Target, status: 'not measured', figure: NOT_MEASURED, unit: 'seconds', note: 'needs appliance-rules and the udp transport' });
  } else {
    const p99 = p99Measure(app.latency);
    // The appliance's own histogram starts when its socket callback runs: a datagram's wait in the kernel buffer
    // behind others is not in it, so the note says what "met" covers.
    const note = `${app.name}, at ${app.latency[0]!.rate.toLocaleString('en-US')} msg/s; syslog_pipeline_latency_seconds: each message's own work, not its wait in the kernel buffer`;
    checks.push({ target: p99Target, status: judge(p99, TARGETS.p99Seconds, 'below'), figure: p99, unit: 'seconds', note });
  }

  const rssTarget = `peak RSS ≤ ${TARGETS.peakRssBytes / 1e6} MB with ${TARGETS.trackedKeys.toLocaleString('en-US')} tracked keys`;
  const held = keys.find((k) => k.trackedKeys >= TARGETS.trackedKeys && k.peakRssBytes !== null);
  if (held === undefined) {
    const best = keys.reduce<KeysPhaseResult | null>((m, k) => (m === null || k.trackedKeys > m.trackedKeys ? k : m), null);
    const note = best === null ? 'keys phase not run (--keys 0, or appliance-rules not in --receivers)' : `the keys phase held at most ${best.trackedKeys.toLocaleString('en-US')} keys`;
    checks.push({ target: rssTarget, status: 'not measured', figure: NOT_MEASURED, unit: 'bytes', note });
  } else {
    // ≤ limit: judged as "not above", i.e. below limit + 1 byte.
    const status = judge(exact(held.peakRssBytes!), TARGETS.peakRssBytes + 1, 'below');
    checks.push({ target: rssTarget, status, figure: exact(held.peakRssBytes!), unit: 'bytes', note: `keys phase (${held.variant}): ${held.trackedKeys.toLocaleString('en-US')} keys tracked` });
  }
  return checks;
}
