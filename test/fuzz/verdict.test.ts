import { describe, expect, it } from 'vitest';
import { tcpExpectation } from '../../src/fuzz/accounting.js';
import type { LiveReading } from '../../src/harness/inspector.js';
import type { MonitorSample } from '../../src/fuzz/monitor.js';
import type { IngestSnapshot } from '../../src/fuzz/observed.js';
import type { TcpTally } from '../../src/fuzz/tcp-sender.js';
import type { UdpTally } from '../../src/fuzz/udp-sender.js';
import { judge, memoryFindings, type FuzzObservations } from '../../src/fuzz/verdict.js';

const MiB = 1024 * 1024;

const udp: UdpTally = {
  sent: 1000,
  sendErrors: 0,
  outcomes: { received: 900, empty: 40, oversize: 50, denied: 10 },
  receivedBytes: 90_000,
  bytesSent: 200_000,
  families: { syslog: 1000 },
  windowStalls: 0,
  error: null,
};

const tcp: TcpTally = {
  connections: 10,
  endings: { fin: 8, fin_mid_frame: 2, rst: 0 },
  payloads: 1000,
  bytes: 300_000,
  families: { syslog: 1000 },
  framings: { lf: 1000 },
  expected: { frames: 950, frameBytes: 100_000, drops: { empty: 20, bad_frame: 5, truncated: 1 }, bytesIn: 300_000, droppedBytes: 190_000, overheadBytes: 10_000 },
  errors: [],
};

/** What the appliance reports when everything is accounted for. */
const snapshot: IngestSnapshot = {
  received: { udp: 900, tcp: 950 },
  bytes: { udp: 90_000, tcp: 100_000 },
  drops: { udp: { empty: 40, oversize: 50, denied: 10 }, tcp: { empty: 20, bad_frame: 5, truncated: 1 } },
  kernelDrops: 0,
  udpReceiveBufferBytes: 4 * MiB,
  connectionsOpen: 0,
  connectionsOpened: 10,
  closed: { eof: 10 },
  parsed: { rfc5424: 1850 },
  latencyOver1s: 0,
  latencyCount: 1850,
  incidentsOpened: 3,
  incidentsEvicted: 0,
  ruleMatches: 40,
};

/** n samples, 2 s apart (a minute for 30). */
function samples(rssMiB: (i: number) => number, n = 30, everyMs = 2000): MonitorSample[] {
  return Array.from({ length: n }, (_, i) => ({ t: i * everyMs, rssBytes: rssMiB(i) * MiB, healthStatus: 200, healthMs: 2, heap: null }));
}

/** n readings after forced full collections, 6 s apart (a minute for 11). */
function live(rssMiB: (i: number) => number, n = 11, everyMs = 6000, heapMiB: (i: number) => number = () => 30): LiveReading[] {
  return Array.from({ length: n }, (_, i) => ({
    t: i * everyMs,
    rssBytes: rssMiB(i) * MiB,
    heapUsedBytes: heapMiB(i) * MiB,
    heapTotalBytes: (heapMiB(i) + 6) * MiB,
    externalBytes: 3 * MiB,
    gcMs: 40,
  }));
}

function observations(over: Partial<FuzzObservations> = {}): FuzzObservations {
  return {
    framesPlanned: 2000,
    elapsedMs: 12_000,
    timedOut: false,
    aliveAtEnd: true,
    finalHealthStatus: 200,
    samples: samples((i) => 100 + Math.min(i, 10)),
    liveReadings: live(() => 90),
    liveErrors: [],
    peakRssBytes: 112 * MiB,
    udp,
    tcp,
    tcpExpected: tcpExpectation(tcp, []),
    phaseErrors: [],
    snapshot,
    unsafe: { refused: true, exitCode: 1, ms: 300, patterns: ['(a+)+$'], missing: [], listened: false, output: '' },
    stopExit: { code: 0, signal: null },
    errorLogs: { count: 0, fatal: 0, first: null },
    limits: { rssBytes: 250 * MiB, rssGrowthBytes: 16 * MiB, liveGrowthBytes: 8 * MiB },
    ...over,
  };
}

function failsWith(o: FuzzObservations, pattern: RegExp): void {
  const v = judge(o);
  expect(v.pass).toBe(false);
  expect(v.line.startsWith('fuzz: FAIL (')).toBe(true);
  expect(v.failures.some((f) => pattern.test(f)), v.failures.join('\n')).toBe(true);
}

describe('the fuzz verdict', () => {
  it('passes when everything is accounted for, and says so in one line', () => {
    const v = judge(observations());
    expect(v.failures).toEqual([]);
    expect(v.pass).toBe(true);
    expect(v.line).toMatch(/^fuzz: PASS \(2000 frames \(1000 udp, 1000 tcp in 10 connections\) in 12\.0 s; .*drops udp empty=40 oversize=50 denied=10, tcp empty=20 bad_frame=5 truncated=1; peak RSS 112\.0 MB; after full GCs RSS grew 0\.0 MB and heap \+ external 0\.0 MB in the last third;/);
  });

  it('fails when the appliance died', () => {
    failsWith(observations({ aliveAtEnd: false, finalHealthStatus: null, stopExit: { code: null, signal: 'SIGSEGV' } }), /died during the run.*SIGSEGV/);
  });

  it('fails when /healthz stopped answering, during the run or at the end', () => {
    const s = samples(() => 100);
    s[7] = { ...s[7]!, healthStatus: null, healthMs: 5000 };
    failsWith(observations({ samples: s }), /healthz did not answer 200 .* 1 of 30/);
    failsWith(observations({ finalHealthStatus: 503 }), /healthz at the end: 503/);
  });

  it('fails when RSS passes the limit, or what is left after a full GC keeps growing in the last third', () => {
    failsWith(observations({ peakRssBytes: 260 * MiB }), /peak RSS 260\.0 MB, limit 250\.0 MB/);
    failsWith(observations({ liveReadings: live((i) => 90 + i * 8) }), /RSS after a full GC grew 32\.0 MB in the last third of the run \(138\.0 MB → 170\.0 MB; allowed 27\.6 MB\)/);
    expect(judge(observations({ liveReadings: live((i) => 90 + i * 5) })).pass).toBe(true); // 20 MB: within 20%
    // Warm-up growth early, then level: fine; so is a sawtooth of garbage between collections in the samples.
    expect(judge(observations({ liveReadings: live((i) => (i < 4 ? 60 + i * 10 : 100)) })).pass).toBe(true);
    expect(judge(observations({ samples: samples((i) => 100 + (i % 10) * 8) })).pass).toBe(true);
    // Under 30 s, growth is all warm-up and not judged; the peak still is.
    const short = judge(observations({ liveReadings: live((i) => 90 + i * 5, 11, 2000), samples: samples(() => 100, 30, 500) }));
    expect(short.pass).toBe(true);
    expect(short.memory!.growthJudged).toBe(false);
    expect(short.line).toMatch(/peak RSS \d+\.\d MB; memory growth not judged \(under 30 s of traffic\)/);
    failsWith(observations({ samples: samples((i) => 100 + i * 10, 30, 500) }), /peak RSS 390\.0 MB/);
  });

  it('fails when what V8 holds after a full GC keeps growing, but not for one large object caught in passing', () => {
    failsWith(observations({ liveReadings: live(() => 90, 11, 6000, (i) => 30 + i * 4) }), /heap used \+ external after a full GC grew 12\.0 MB in the last third of the run \(lowest 49\.0 MB → 61\.0 MB; allowed 9\.8 MB\)/);
    expect(judge(observations({ liveReadings: live(() => 90, 11, 6000, (i) => (i === 8 ? 60 : 30)) })).pass).toBe(true);
  });

  it('fails when a forced garbage collection failed', () => {
    failsWith(observations({ liveErrors: ['forced garbage collection failed: inspector HeapProfiler.collectGarbage: no answer within 15000 ms'] }), /forced garbage collection failed/);
  });

  it('fails with too few samples to judge memory', () => {
    failsWith(observations({ samples: samples(() => 100, 2) }), /too few RSS samples/);
  });

  it('fails when a UDP datagram is not accounted for, unless the kernel dropped it', () => {
    const missing = { ...snapshot, received: { ...snapshot.received, udp: 899 }, bytes: { ...snapshot.bytes, udp: 89_900 } };
    failsWith(observations({ snapshot: missing }), /udp: 1 of 1000 datagrams not counted by the appliance, but the kernel dropped 0/);
    expect(judge(observations({ snapshot: { ...missing, kernelDrops: 1 } })).pass).toBe(true);
    failsWith(observations({ snapshot: { ...snapshot, drops: { ...snapshot.drops, udp: { ...snapshot.drops.udp, empty: 41 } } } }), /udp empty: counted 41, but only 40/);
  });

  it('fails when a TCP frame, byte or drop reason does not match what the streams must give', () => {
    failsWith(observations({ snapshot: { ...snapshot, received: { ...snapshot.received, tcp: 949 } } }), /tcp frames: received 949, expected 950/);
    failsWith(observations({ snapshot: { ...snapshot, drops: { ...snapshot.drops, tcp: { empty: 20, bad_frame: 5 } } } }), /tcp drops truncated: counted 0, expected 1/);
    failsWith(observations({ snapshot: { ...snapshot, connectionsOpen: 1, closed: { eof: 9 } } }), /still open at the end \(left hanging\)/);
  });

  it('fails when the sender saw errors or not every frame went out', () => {
    failsWith(observations({ tcp: { ...tcp, errors: ['tcp connection (fin, 10 bytes): read ECONNRESET'] } }), /ECONNRESET/);
    failsWith(observations({ udp: { ...udp, sent: 990, outcomes: { ...udp.outcomes, received: 890 }, receivedBytes: 89_000 }, snapshot: { ...snapshot, received: { ...snapshot.received, udp: 890 }, bytes: { ...snapshot.bytes, udp: 89_000 } } }), /only 1990 of 2000 frames were sent/);
  });

  it('fails when messages stalled in the pipeline, the run timed out, or the metrics were unreadable', () => {
    failsWith(observations({ snapshot: { ...snapshot, latencyOver1s: 2 } }), /2 messages spent more than 1 s/);
    failsWith(observations({ timedOut: true }), /timed out/);
    failsWith(observations({ snapshot: null }), /metrics could not be read/);
  });

  it('fails when a catastrophic pattern was not refused, or the stop was not clean', () => {
    failsWith(observations({ unsafe: { refused: false, exitCode: 0, ms: 300, patterns: ['(a+)+$'], missing: ['rules.0.patterns.0'], listened: true, output: '' } }), /not refused at load \(exit code 0\)/);
    failsWith(observations({ unsafe: { refused: false, exitCode: 1, ms: 300, patterns: ['(a+)+$'], missing: ['rules.0.patterns.0'], listened: false, output: '' } }), /not named as unsafe: rules\.0\.patterns\.0/);
    failsWith(observations({ stopExit: { code: 70, signal: null } }), /did not stop cleanly/);
    failsWith(observations({ errorLogs: { count: 1, fatal: 1, first: '{"level":60,"msg":"uncaught exception"}' } }), /1 error log lines \(1 fatal\); the first: .*uncaught exception/);
    // An error-level line is a fault too (a pipeline stage that threw on bad input), though the appliance lived.
    failsWith(observations({ errorLogs: { count: 3, fatal: 0, first: '{"level":50,"msg":"pipeline stage threw; message passed on"}' } }), /3 error log lines \(0 fatal\); the first: .*stage threw/);
  });

  it('names the first failure and how many more in the line', () => {
    const v = judge(observations({ aliveAtEnd: false, finalHealthStatus: null, snapshot: null }));
    expect(v.line).toMatch(/^fuzz: FAIL \(the appliance died during the run .*; and 2 more\)$/);
  });
});

describe('memory findings', () => {
  it('compares the highest RSS after a full GC in the last third of the time with the first two thirds', () => {
    const limits = { rssBytes: 250 * MiB, rssGrowthBytes: 16 * MiB, liveGrowthBytes: 8 * MiB };
    const m = memoryFindings(samples(() => 120), live((i) => (i < 7 ? 70 : 80), 11, 6000, (i) => 20 + i), null, limits)!;
    expect(m.earlierMaxBytes).toBe(70 * MiB);
    expect(m.lastThirdMaxBytes).toBe(80 * MiB);
    expect(m.growthBytes).toBe(10 * MiB);
    expect(m.allowedGrowthBytes).toBe(16 * MiB);
    expect(m.peakBytes).toBe(120 * MiB);
    expect(m.growthJudged).toBe(true);
    // Middle third: readings 4-6 (24-36 s), lowest 24 + 3 external; last third: 7-10, lowest 27 + 3.
    expect(m.liveMiddleMinBytes).toBe(27 * MiB);
    expect(m.liveLastMinBytes).toBe(30 * MiB);
    expect(m.liveGrowthBytes).toBe(3 * MiB);
  });
});
