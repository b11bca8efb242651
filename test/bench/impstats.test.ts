import { describe, expect, it } from 'vitest';
import { benchCounters, ImpstatsReader, parseImpstatsLine, settled } from '../../src/bench/impstats.js';

/** One interval as rsyslogd 8.2302 writes it with format="json" and log.file (captured from a real run). */
function interval(t: string, udp: number, tcp: number, queueSize = 0, processed = udp + tcp): string {
  return [
    `${t}: { "name": "global", "origin": "dynstats", "values": { } }`,
    `${t}: { "name": "global", "origin": "percentile", "values": { } }`,
    `${t}: { "name": "action-0-builtin:omfile", "origin": "core.action", "processed": ${processed}, "failed": 0, "suspended": 0, "suspended.duration": 0, "resumed": 0 }`,
    `${t}: { "name": "action-1-builtin:omfile", "origin": "core.action", "processed": 2, "failed": 0, "suspended": 0, "suspended.duration": 0, "resumed": 0 }`,
    `${t}: { "name": "imudp(127.0.0.1\\/45514\\/IPv4)", "origin": "imudp", "submitted": ${udp}, "disallowed": 0 }`,
    `${t}: { "name": "imtcp(0)", "origin": "imtcp", "submitted": ${tcp} }`,
    `${t}: { "name": "resource-usage", "origin": "impstats", "utime": 0, "stime": 7910, "maxrss": 4504, "minflt": 390, "majflt": 1, "inblock": 88, "oublock": 40, "nvcsw": 38, "nivcsw": 5, "openfiles": 14 }`,
    `${t}: { "name": "main Q", "origin": "core.queue", "size": ${queueSize}, "enqueued": ${udp + tcp + 2}, "full": 0, "discarded.full": 0, "discarded.nf": 0, "maxqsize": 7 }`,
    `${t}: { "name": "imudp(w0)", "origin": "imudp", "called.recvmmsg": 6, "called.recvmsg": 0, "msgs.received": ${udp} }`,
    '',
  ].join('\n');
}

describe('parseImpstatsLine', () => {
  it('reads the name, origin and numeric counters after the ctime prefix', () => {
    const r = parseImpstatsLine('Sat Nov 21 18:57:01 2026: { "name": "imudp(127.0.0.1\\/45514\\/IPv4)", "origin": "imudp", "submitted": 3, "disallowed": 0 }');
    expect(r).toEqual({ name: 'imudp(127.0.0.1/45514/IPv4)', origin: 'imudp', counters: { submitted: 3, disallowed: 0 } });
  });

  it('leaves nested objects out and rejects what is not a counter object', () => {
    expect(parseImpstatsLine('x: { "name": "global", "origin": "dynstats", "values": { "a": 1 } }')?.counters).toEqual({});
    expect(parseImpstatsLine('Sat Nov 21 18:57:01 2026: { "name": "main Q", "origin": "core.qu')).toBeNull();
    expect(parseImpstatsLine('no json here')).toBeNull();
    expect(parseImpstatsLine('t: [1, 2]')).toBeNull();
    expect(parseImpstatsLine('t: { "origin": "imudp", "submitted": 1 }')).toBeNull();
  });
});

describe('ImpstatsReader', () => {
  it('ends the first snapshot when a record repeats, later ones at the first snapshot\'s last record', () => {
    const r = new ImpstatsReader();
    r.push(interval('T1', 3, 2));
    // Nothing repeated yet: the first snapshot's end is not known.
    expect(r.snapshots).toHaveLength(0);
    expect(r.started).toBe(1);
    r.push(interval('T2', 5, 2));
    // The second ends at "imudp(w0)", the first one's last record, without waiting for a third.
    expect(r.snapshots).toHaveLength(2);
    expect(r.started).toBe(2);
    expect(benchCounters(r.snapshots[1]!, 45514)).toMatchObject({ udp: 5, tcp: 2 });
  });

  it('keeps a line torn across reads until its end arrives, and counts junk lines', () => {
    const r = new ImpstatsReader();
    const text = interval('T1', 1, 1) + interval('T2', 4, 9) + 'garbage line\n';
    const cut = text.length - 100;
    r.push(text.slice(0, cut));
    const before = r.snapshots.length;
    r.push(text.slice(cut));
    expect(before).toBeLessThan(r.snapshots.length);
    expect(benchCounters(r.snapshots[r.snapshots.length - 1]!, 45514)).toMatchObject({ udp: 4, tcp: 9 });
    expect(r.skippedLines).toBe(1);
  });
});

describe('benchCounters and settled', () => {
  const snapshot = (udp: number, tcp: number, queueSize = 0, processed = udp + tcp) => {
    const r = new ImpstatsReader();
    r.push(interval('T1', 0, 0) + interval('T2', udp, tcp, queueSize, processed));
    return r.snapshots[1]!;
  };

  it('takes imudp/imtcp submitted, the main queue and rsyslogd maxrss', () => {
    const c = benchCounters(snapshot(30, 20, 4), 45514);
    expect(c).toEqual({
      udp: 30,
      tcp: 20,
      udpListening: true,
      tcpListening: true,
      queueSize: 4,
      queueMaxSize: 7,
      queueDiscarded: 0,
      actionsProcessed: 52,
      maxRssBytes: 4504 * 1024,
    });
  });

  it('knows whether imudp is listening on the port it was given', () => {
    expect(benchCounters(snapshot(1, 1), 9999).udpListening).toBe(false);
  });

  it('is settled only with equal counts, equal action work and an empty queue', () => {
    const a = benchCounters(snapshot(10, 5), 45514);
    expect(settled(a, benchCounters(snapshot(10, 5), 45514))).toBe(true);
    expect(settled(a, benchCounters(snapshot(11, 5), 45514))).toBe(false);
    expect(settled(a, benchCounters(snapshot(10, 6), 45514))).toBe(false);
    expect(settled(a, benchCounters(snapshot(10, 5, 3), 45514))).toBe(false);
    expect(settled(a, benchCounters(snapshot(10, 5, 0, 14), 45514))).toBe(false);
  });
});
