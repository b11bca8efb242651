/**
 * `syslog-sentinel simulate` as a command: usage errors exit 2 with the usage, remote targets are refused
 * before anything is opened, and through the real CLI (main.ts) SIGINT stops a run with the summary printed.
 */
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/simulate-command.js';
import { eventually, runCli, spawnCli } from '../helpers/appliance-process.js';
import { TextSink } from '../helpers/text-sink.js';
import { udpReceiver, type UdpReceiver } from '../simulate/loopback-servers.js';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const code = await simulateCommand(args, { stdin: process.stdin, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const receivers: UdpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('simulate: arguments', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: syslog-sentinel simulate --target URL --rate N --duration D --scenario NAME/);
    for (const flag of ['--target', '--rate', '--duration', '--scenario', '--hosts', '--seed', '--format', '--framing', '--ca', '--insecure', '--allow-remote']) expect(r.stdout).toContain(`  ${flag}`);
  });

  it.each([
    [[], '--target is required'],
    [['--target', 'udp://127.0.0.1:5514', '--rate', '0', '--duration', '1s', '--scenario', 'mixed'], '--rate must be a number of lines per second from 1 to 100000, got "0"'],
    [['--target', 'udp://127.0.0.1:5514', '--rate', '10', '--duration', '48h', '--scenario', 'mixed'], '--duration must be a positive duration up to 24h'],
    [['--target', 'udp://127.0.0.1:5514', '--rate', '10', '--duration', '1s', '--scenario', 'flood'], '--scenario must be one of mixed, ssh-burst, keyword, got "flood"'],
    [['--target', 'ftp://127.0.0.1:21', '--rate', '10', '--duration', '1s', '--scenario', 'mixed'], '--target protocol "ftp" is not one of udp, tcp, tls'],
    [['--target', 'udp://127.0.0.1:5514', '--rate', '10', '--duration', '1s', '--scenario', 'mixed', '--verbose'], "Unknown option '--verbose'"],
  ])('%j: exit 2, the reason and the usage on stderr', async (args, reason) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith(`syslog-sentinel simulate: ${reason}`)).toBe(true);
    expect(r.stderr).toContain('\nusage: syslog-sentinel simulate ');
  });
});

describe('simulate: loopback only', () => {
  it.each(['udp://192.0.2.1:514', 'tcp://[2001:db8::1]:514', 'tls://syslog.example.com:6514', 'udp://10.0.0.1:514', 'udp://0.0.0.0:514'])('%s is refused without --allow-remote: exit 2, nothing sent', async (target) => {
    const t0 = Date.now();
    const r = await run(['--target', target, '--rate', '10', '--duration', '1s', '--scenario', 'mixed']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^syslog-sentinel simulate: refusing to send to \S+: only loopback targets \(127\.0\.0\.0\/8, ::1, localhost\) are allowed; pass --allow-remote to send elsewhere\n$/);
    expect(Date.now() - t0).toBeLessThan(500);
  });

  it('other loopback addresses and localhost are fine', async () => {
    const rx = await udpReceiver();
    receivers.push(rx);
    for (const host of ['127.0.0.1', 'localhost']) {
      const r = await run(['--target', `udp://${host}:${rx.port}`, '--rate', '20', '--duration', '100ms', '--scenario', 'mixed', '--seed', '1']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, target: `udp://${host}:${rx.port}` });
    }
  });
});

describe('simulate through the real CLI', () => {
  it('is listed in --help, and a bad flag exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/syslog-sentinel simulate --target udp\|tcp\|tls:\/\/HOST:PORT --rate N --duration D --scenario mixed\|ssh-burst\|keyword/);
    const bad = await runCli(['simulate', '--target', 'udp://127.0.0.1:5514', '--rate', 'lots', '--duration', '1s', '--scenario', 'mixed']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^syslog-sentinel simulate: --rate must be a number/);
  });

  it('SIGINT stops a long run early: the summary is printed and the exit code is 0', async () => {
    const rx = await udpReceiver();
    receivers.push(rx);
    const child = spawnCli(['simulate', '--target', `udp://127.0.0.1:${rx.port}`, '--rate', '100', '--duration', '1h', '--scenario', 'ssh-burst', '--seed', '5']);
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // the "sending" line on stderr comes once the socket is open
    await new Promise<void>((resolve) => createInterface({ input: child.stderr! }).once('line', () => resolve()));
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    const summary = JSON.parse(stdout) as { sent: number; stoppedBy: string; durationMs: number };
    expect(summary).toMatchObject({ stoppedBy: 'signal', durationMs: 3_600_000 });
    expect(summary.sent).toBeGreaterThan(20);
    expect(summary.sent).toBeLessThan(300);
    await eventually(() => rx.datagrams.length >= summary.sent, 3000, 'every datagram');
    expect(rx.datagrams).toHaveLength(summary.sent);
  });
});
