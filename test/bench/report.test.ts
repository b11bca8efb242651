import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/bench/report.js';
import type { BenchOptions, BenchResults, ReceiverResult } from '../../src/bench/results.js';
import { keys, latency, receiver } from './receiver-results.js';

const options: BenchOptions = {
  quick: true,
  tcpMessages: 100_000,
  repeats: 1,
  udpRates: [10_000, 40_000],
  udpStepSeconds: 0.5,
  udpStepMessages: null,
  tickMs: 1,
  latencySeconds: 1,
  receivers: ['bare', 'rsyslog', 'appliance-rules'],
  transports: ['udp', 'tcp'],
  rcvbufBytes: 8 << 20,
  tuneRmem: false,
  profileDir: null,
  applianceNodeArgs: [],
  json: null,
  timeoutSeconds: 300,
  failuresToStop: 1,
  pin: true,
  nice: null,
  keys: 100_000,
};

function results(receivers: ReceiverResult[], skipped: BenchResults['skipped'] = []): BenchResults {
  return {
    startedAt: '2026-11-21T19:00:00.000Z',
    durationSeconds: 60,
    machine: { cpuModel: 'Test CPU', cores: 2, memoryBytes: 2 ** 34, node: 'v20.20.2', kernel: 'Linux 6.18', rmemMaxBytes: 4 << 20, rmemDefaultBytes: 212992 },
    options,
    rmem: { before: 4 << 20, during: 4 << 20, tuned: false },
    sender: { pid: 2, distinctMessages: 4096, meanBytes: 144, kinds: { sshd: 800, other: 3296 } },
    pinning: { sender: '0', orchestrator: '0', receiver: '1' },
    pinningNote: null,
    backgroundBusyCores: { before: 0.02, after: 0.03 },
    foreignCpu: { wallSeconds: 60, cpuSeconds: 0.5, averageCores: 0.01, top: [] },
    receivers,
    skipped,
    keysPhase: [keys(100_000, 142e6)],
  };
}

const rsyslog = (written: number, counted: number) =>
  receiver(
    'rsyslog',
    { udp: 100_000, lf: 600_000, octet: 500_000, rss: 24e6 },
    { name: 'rsyslog 8.2302.0 (filter + omfile)', countTiming: 'settled', sent: { messages: 250_000, invalidUserLines: 7_636 }, counted: { udp: 30_000, tcp: counted - 30_000 }, details: { invalid_user_lines_written: written } },
  );

describe('renderReport', () => {
  it('has the rsyslog setup, the table, ratios, the targets checklist, the tracked keys and the filter cross-check', () => {
    const app = receiver('appliance-rules', { udp: 120_000, lf: 300_000, octet: 280_000, rss: 120e6, latency: [latency(26e-6)] }, { name: 'syslog-sentinel + default rules' });
    const text = renderReport(results([receiver('bare', { udp: 150_000, lf: 4_000_000 }, { name: 'bare Node' }), rsyslog(7_636, 250_000), app]));
    expect(text).toContain('rsyslogd in the foreground with its own config');
    expect(text).toContain('CPU s per 1M msgs UDP / TCP LF / TCP octet');
    expect(text).toMatch(/^\| rsyslog 8\.2302\.0 \(filter \+ omfile\) \| 100,000 \| 600,000 \| 500,000 \| 5\.00 \/ /m);
    expect(text).toContain('| syslog-sentinel + default rules / rsyslog 8.2302.0 (filter + omfile) | 1.20× | 0.50× | 0.56× |');
    expect(text).toContain('- [x] UDP zero-loss ≥ 1.0× rsyslog: **met** (1.20×;');
    expect(text).toContain('- [ ] TCP (LF) ≥ 1.5× rsyslog: **not met** (0.50×;');
    expect(text).toContain('- [x] p99 receive → decision < 1 ms at half the max UDP rate: **met** (26 µs;');
    expect(text).toContain('- [x] peak RSS ≤ 150 MB with 100,000 tracked keys: **met** (142.0 MB;');
    expect(text).toContain('| maxKeys raised | 100,000 | 100,000 | 100,000 | 100,000 | 0 | 142.0 | 142.0 |');
    expect(text).toContain('"Invalid user" lines: 7,636 sent, 7,636 written by the filter (equal, as they must be)');
    expect(text).not.toMatch(/\n\n\n/);
  });

  it('flags a filter that wrote a different number of lines than were sent, and names skipped receivers', () => {
    const text = renderReport(results([rsyslog(7_000, 250_000)], [{ id: 'rsyslog', reason: 'rsyslogd not found' }]));
    expect(text).toContain('7,000 written by the filter (MISMATCH: nothing was lost, so they must be equal)');
    expect(text).toContain('- Skipped rsyslog: rsyslogd not found');
    expect(text).toContain('**not measured** (needs appliance-rules and rsyslog in --receivers)');
  });
});
