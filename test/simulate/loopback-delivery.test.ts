/**
 * The simulator against real loopback receivers (UDP, TCP, TLS servers on port 0, in this process): what the
 * summary says was sent is what arrived, with the framing asked for; failures exit 1 with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/simulate-command.js';
import { parseSyslog } from '../../src/parse/syslog.js';
import type { SimulationSummary } from '../../src/simulate/simulator.js';
import { eventually } from '../helpers/appliance-process.js';
import { ipv6LoopbackAvailable } from '../helpers/ipv6-loopback.js';
import { TextSink } from '../helpers/text-sink.js';
import { generateTestCertificates } from '../helpers/tls-certificates.js';
import { streamReceiver, udpReceiver } from './loopback-servers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  summary: SimulationSummary | null;
}

async function simulate(args: string[], stop?: AbortSignal): Promise<Run> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await simulateCommand(args, { stdin: process.stdin, stdout, stderr }, stop);
  const lines = stdout.text().split('\n').filter((l) => l !== '');
  expect(lines.length).toBeLessThanOrEqual(1);
  return { code, stdout: stdout.text(), stderr: stderr.text(), summary: lines[0] === undefined ? null : (JSON.parse(lines[0]) as SimulationSummary) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
const tmp = mkdtempSync(join(tmpdir(), 'simulate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const parsesAs = (bytes: Buffer) => parseSyslog(bytes, { timezone: 'UTC', now: Date.now() }).protocol;

describe('UDP', () => {
  it('every datagram reported sent arrives on loopback, one line each', async () => {
    const rx = await udpReceiver();
    closers.push(rx.close);
    const r = await simulate(['--target', `udp://127.0.0.1:${rx.port}`, '--rate', '100', '--duration', '2s', '--scenario', 'ssh-burst', '--seed', '1']);
    expect([r.code, r.summary?.stoppedBy]).toEqual([0, 'duration']);
    const s = r.summary!;
    expect(s).toMatchObject({ scenario: 'ssh-burst', target: `udp://127.0.0.1:${rx.port}`, seed: 1, sent: 200, errors: 0, scenarioEvents: 1 });
    expect(s.kinds['ssh-burst']).toBe(8);
    expect(Object.values(s.kinds).reduce((a, b) => a + b, 0)).toBe(200);
    expect(s.formats.rfc3164 + s.formats.rfc5424).toBe(200);
    expect(s.achievedRate).toBeGreaterThan(90);
    expect(s.achievedRate).toBeLessThanOrEqual(100.1);
    await eventually(() => rx.datagrams.length >= s.sent, 3000, 'all datagrams');
    expect(rx.datagrams).toHaveLength(s.sent);
    expect(rx.datagrams.filter((d) => d.includes('Invalid user'))).toHaveLength(8);
    for (const d of rx.datagrams) expect(['rfc3164', 'rfc5424']).toContain(parsesAs(d));
  });

  it('::1 works too', async (ctx) => {
    if (!(await ipv6LoopbackAvailable())) return ctx.skip();
    const rx = await udpReceiver('::1');
    closers.push(rx.close);
    const r = await simulate(['--target', `udp://[::1]:${rx.port}`, '--rate', '50', '--duration', '400ms', '--scenario', 'mixed', '--seed', '2']);
    expect(r.summary).toMatchObject({ sent: 20, target: `udp://[::1]:${rx.port}` });
    await eventually(() => rx.datagrams.length === 20, 3000, 'all datagrams');
  });

  it('nothing listening: the run completes and counts the refused datagrams', async () => {
    const rx = await udpReceiver();
    await rx.close();
    const r = await simulate(['--target', `udp://127.0.0.1:${rx.port}`, '--rate', '100', '--duration', '300ms', '--scenario', 'mixed', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.summary!.errors).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/datagrams could not be sent \(first error ECONNREFUSED: is anything listening on udp:\/\/127\.0\.0\.1:\d+\?\)/);
  });
});

describe('TCP', () => {
  it('octet counting (the default): exactly the lines reported sent arrive, as RFC 6587 frames', async () => {
    const rx = await streamReceiver();
    closers.push(rx.close);
    const r = await simulate(['--target', `tcp://127.0.0.1:${rx.port}`, '--rate', '500', '--duration', '1s', '--scenario', 'keyword', '--seed', '4']);
    expect(r.code).toBe(0);
    expect(r.summary).toMatchObject({ sent: 500, errors: 0, stoppedBy: 'duration' });
    await eventually(() => rx.frames.length >= 500, 3000, 'all frames');
    expect(rx.frames).toHaveLength(500);
    expect(rx.drops).toEqual([]);
    expect(rx.heads[0]!.toString()).toMatch(/^\d+ <\d+>/);
    expect(rx.frames.filter((f) => f.includes('Out of memory') || f.includes('segfault') || f.includes('%SYS-5-CONFIG_I') || f.includes('login failure'))).toHaveLength(1);
    for (const f of rx.frames) expect(['rfc3164', 'rfc5424']).toContain(parsesAs(f));
  });

  it('--framing lf: one line per LF', async () => {
    const rx = await streamReceiver();
    closers.push(rx.close);
    const r = await simulate(['--target', `tcp://localhost:${rx.port}`, '--rate', '300', '--duration', '500ms', '--scenario', 'mixed', '--framing', 'lf', '--seed', '5']);
    expect(r.summary).toMatchObject({ sent: 150, errors: 0 });
    await eventually(() => rx.frames.length >= 150, 3000, 'all frames');
    expect(rx.frames).toHaveLength(150);
    expect(rx.heads[0]!.toString()).toMatch(/^<\d+>/);
  });

  it('nothing listening: exit 1 with the reason, no summary', async () => {
    const rx = await streamReceiver();
    await rx.close();
    const r = await simulate(['--target', `tcp://127.0.0.1:${rx.port}`, '--rate', '10', '--duration', '1s', '--scenario', 'mixed']);
    expect(r.code).toBe(1);
    expect(r.summary).toBeNull();
    expect(r.stderr).toMatch(/^syslog-sentinel simulate: cannot connect to tcp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('the receiver hanging up ends the run early: summary with the error, exit 1', async () => {
    const rx = await streamReceiver();
    closers.push(rx.close);
    setTimeout(() => rx.sockets.forEach((s) => s.destroy()), 300);
    const r = await simulate(['--target', `tcp://127.0.0.1:${rx.port}`, '--rate', '100', '--duration', '5s', '--scenario', 'mixed', '--seed', '6']);
    expect(r.code).toBe(1);
    expect(r.summary).toMatchObject({ stoppedBy: 'error', errors: 1 });
    expect(r.summary!.sent).toBeLessThan(100);
    expect(r.summary!.elapsedMs).toBeLessThan(2000);
    expect(r.stderr).toMatch(/the connection to tcp:\/\/127\.0\.0\.1:\d+ broke after \d+ lines/);
  });

  it('stopping early (SIGINT in the CLI) still prints the summary and exits 0', async () => {
    const rx = await streamReceiver();
    closers.push(rx.close);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 400);
    const r = await simulate(['--target', `tcp://127.0.0.1:${rx.port}`, '--rate', '100', '--duration', '1h', '--scenario', 'mixed', '--seed', '7'], stop.signal);
    expect(r.code).toBe(0);
    expect(r.summary!.stoppedBy).toBe('signal');
    expect(r.summary!.elapsedMs).toBeLessThan(1500);
    await eventually(() => rx.frames.length >= r.summary!.sent, 3000, 'all frames');
    expect(rx.frames).toHaveLength(r.summary!.sent);
  });
});

describe('TLS', () => {
  const certs = generateTestCertificates();
  const caFile = join(tmp, 'server.pem');
  writeFileSync(caFile, certs.server.cert);

  it('--ca FILE: verified, octet counted, everything arrives', async () => {
    const rx = await streamReceiver({ tls: certs.server });
    closers.push(rx.close);
    const r = await simulate(['--target', `tls://localhost:${rx.port}`, '--ca', caFile, '--rate', '400', '--duration', '500ms', '--scenario', 'ssh-burst', '--seed', '8']);
    expect([r.code, r.stderr.includes('WARNING')]).toEqual([0, false]);
    expect(r.summary).toMatchObject({ sent: 200, errors: 0 });
    await eventually(() => rx.frames.length >= 200, 3000, 'all frames');
    expect(rx.frames).toHaveLength(200);
    expect(rx.heads[0]!.toString()).toMatch(/^\d+ <\d+>/);
  });

  it('a certificate nobody trusts: exit 1, nothing sent', async () => {
    const rx = await streamReceiver({ tls: certs.server });
    closers.push(rx.close);
    const r = await simulate(['--target', `tls://127.0.0.1:${rx.port}`, '--rate', '10', '--duration', '1s', '--scenario', 'mixed']);
    expect(r.code).toBe(1);
    expect(r.summary).toBeNull();
    expect(r.stderr).toMatch(/cannot connect to tls:\/\/127\.0\.0\.1:\d+: .*self[- ]signed/i);
    expect(rx.frames).toEqual([]);
  });

  it('--insecure skips verification, with a loud warning on stderr', async () => {
    const rx = await streamReceiver({ tls: certs.server });
    closers.push(rx.close);
    const r = await simulate(['--target', `tls://127.0.0.1:${rx.port}`, '--insecure', '--rate', '100', '--duration', '300ms', '--scenario', 'mixed', '--seed', '9']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/WARNING: --insecure: the certificate of tls:\/\/127\.0\.0\.1:\d+ is NOT verified/);
    await eventually(() => rx.frames.length >= 30, 3000, 'all frames');
    expect(rx.frames).toHaveLength(r.summary!.sent);
  });

  it('an unreadable --ca file is a usage error', async () => {
    const r = await simulate(['--target', 'tls://127.0.0.1:6514', '--ca', join(tmp, 'missing.pem'), '--rate', '10', '--duration', '1s', '--scenario', 'mixed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read --ca .*missing\.pem: ENOENT/);
  });
});
