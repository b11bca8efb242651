import { describe, expect, it } from 'vitest';
import { judge, ratioOf, ratioRows, TARGETS, targetChecklist } from '../../src/bench/targets.js';
import { keys, latency, receiver } from './receiver-results.js';

describe('ratioOf', () => {
  it('carries bounds through: a lower bound on top or an upper bound below makes a lower bound', () => {
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'exact' })).toEqual({ value: 2, bound: 'exact' });
    expect(ratioOf({ value: 2, bound: 'atLeast' }, { value: 1, bound: 'exact' }).bound).toBe('atLeast');
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'atMost' }).bound).toBe('atLeast');
    expect(ratioOf({ value: 2, bound: 'exact' }, { value: 1, bound: 'atLeast' }).bound).toBe('atMost');
    expect(ratioOf({ value: 2, bound: 'atMost' }, { value: 1, bound: 'exact' }).bound).toBe('atMost');
    expect(ratioOf({ value: 2, bound: 'atLeast' }, { value: 1, bound: 'atLeast' }).bound).toBe('unknown');
  });
});

describe('judge', () => {
  it('decides exact figures and only the bounds that settle the question', () => {
    expect(judge({ value: 1.2, bound: 'exact' }, 1, 'atLeast')).toBe('met');
    expect(judge({ value: 0.8, bound: 'exact' }, 1, 'atLeast')).toBe('not met');
    expect(judge({ value: 1.2, bound: 'atLeast' }, 1, 'atLeast')).toBe('met');
    expect(judge({ value: 0.8, bound: 'atLeast' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: 0.8, bound: 'atMost' }, 1, 'atLeast')).toBe('not met');
    expect(judge({ value: 1.2, bound: 'atMost' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: 0.5, bound: 'atMost' }, 1, 'below')).toBe('met');
    expect(judge({ value: 2, bound: 'atLeast' }, 1, 'below')).toBe('not met');
    expect(judge({ value: 2, bound: 'unknown' }, 1, 'atLeast')).toBe('undecided');
    expect(judge({ value: Number.NaN, bound: 'exact' }, 1, 'atLeast')).toBe('not measured');
  });
});

describe('targetChecklist', () => {
  const rsyslog = receiver('rsyslog', { udp: 100_000, lf: 200_000, octet: 200_000, rss: 20e6 });
  const bare = receiver('bare', { udp: 150_000, lf: 2_000_000 });

  it('judges the appliance with rules against rsyslog, bare Node and the absolute targets', () => {
    const app = receiver('appliance-rules', { udp: 120_000, lf: 400_000, octet: 250_000, rss: 130e6, latency: [latency(200e-6)] });
    const checks = targetChecklist([bare, rsyslog, app], [keys(100_000, 140e6)]);
    expect(checks.map((c) => [c.target, c.status])).toEqual([
      ['UDP zero-loss ≥ 1.0× rsyslog', 'met'],
      ['UDP zero-loss ≥ 0.7× bare Node', 'met'],
      ['TCP (LF) ≥ 1.5× rsyslog', 'met'],
      ['TCP (octet-counted) ≥ 1.5× rsyslog', 'not met'],
      ['p99 receive → decision < 1 ms at half the max UDP rate', 'met'],
      ['peak RSS ≤ 150 MB with 100,000 tracked keys', 'met'],
    ]);
    expect(checks[0]!.figure.value).toBeCloseTo(1.2);
    expect(checks[3]!.figure.value).toBeCloseTo(1.25);
    expect(checks[4]!.note).toMatch(/not its wait in the kernel buffer/);
  });

  it('says not met, undecided or not measured where the numbers say so', () => {
    const app = receiver('appliance-rules', { udp: 80_000, lf: 250_000, octet: 400_000, latency: [latency(2e-3)] });
    // bare Node reached the sender's ceiling: its rate is a lower bound, so app/bare is an upper bound.
    const bareBound = receiver('bare', { udp: 100_000, udpSenderBound: true, lf: 2_000_000 });
    const checks = targetChecklist([bareBound, rsyslog, app], [keys(10_000, 120e6)]);
    expect(checks.map((c) => c.status)).toEqual(['not met', 'undecided', 'not met', 'met', 'not met', 'not measured']);
    expect(checks[5]!.note).toMatch(/at most 10,000 keys/);
  });

  it('reports RSS above the limit as not met, and everything as not measured without the appliance', () => {
    const app = receiver('appliance-rules', { udp: 120_000, lf: 400_000 });
    expect(targetChecklist([app], [keys(TARGETS.trackedKeys, 151e6)])[5]!.status).toBe('not met');
    expect(targetChecklist([rsyslog, bare], []).every((c) => c.status === 'not measured')).toBe(true);
  });
});

describe('ratioRows', () => {
  it('compares the appliance with rules and the core pipeline against rsyslog and bare Node, where both ran', () => {
    const rules = receiver('appliance-rules', { udp: 120_000, lf: 400_000, rss: 130e6 });
    const core = receiver('appliance', { udp: 130_000, lf: 500_000 });
    const rows = ratioRows([receiver('bare', { udp: 150_000, lf: 2_000_000 }), receiver('rsyslog', { udp: 100_000, lf: 200_000, rss: 20e6 }), core, rules]);
    expect(rows.map((r) => r.label)).toEqual(['appliance-rules / rsyslog', 'appliance-rules / bare', 'appliance / rsyslog', 'appliance / bare']);
    expect(rows[0]!.udp.value).toBeCloseTo(1.2);
    expect(rows[0]!.tcpLf.value).toBeCloseTo(2);
    expect(rows[0]!.peakRss.value).toBeCloseTo(6.5);
    // bare Node has no octet-counted runs.
    expect(Number.isNaN(rows[1]!.tcpOctet.value)).toBe(true);
  });
});
