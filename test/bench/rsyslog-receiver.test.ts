/**
 * The rsyslog column against a real rsyslogd: what it counts over UDP, TCP LF and TCP octet-counted equals what
 * was sent, its filter writes exactly the "Invalid user" lines, and stop() leaves no process and no directory.
 */
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMessageMix, INVALID_USER_TEXT } from '../../src/bench/messages.js';
import type { Receiver } from '../../src/bench/receiver.js';
import { rsyslogReceiver } from '../../src/bench/rsyslog-receiver.js';
import { frameMessage } from '../../src/simulate/stream-transport.js';

const mix = buildMessageMix(1024);
const started: Receiver[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop()));
});

async function sendUdp(port: number, messages: readonly Buffer[]): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  // Small bursts: well within the receive buffer, so nothing is lost.
  for (let i = 0; i < messages.length; i += 50) {
    for (const m of messages.slice(i, i + 50)) socket.send(m);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

async function sendTcp(port: number, messages: readonly Buffer[], framing: 'lf' | 'octet'): Promise<void> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  socket.end(Buffer.concat(messages.flatMap((m) => frameMessage(m, framing))));
  await once(socket, 'close');
}

const invalidUserLines = (messages: readonly Buffer[]): number => messages.filter((m) => m.includes(INVALID_USER_TEXT)).length;

describe('rsyslog receiver', () => {
  it('counts UDP, LF and octet-counted TCP exactly, runs its filter, and cleans up', { timeout: 60_000 }, async () => {
    expect(await rsyslogReceiver.unavailable!(), 'rsyslogd is needed (apt-get install rsyslog)').toBeNull();
    const rx = await rsyslogReceiver.start({ udpReceiveBufferBytes: 1 << 20 });
    started.push(rx);
    expect(rx.countTiming).toBe('settled');
    expect(rx.streamFramings).toEqual(['lf', 'octet']);
    expect(rx.udpReceiveBufferBytes).toBeGreaterThan(0);
    // rsyslogd changes to / at start; its temporary directory is where its config file is (-f).
    const argv = readFileSync(`/proc/${rx.pid}/cmdline`, 'utf8').split('\0');
    const dir = path.dirname(argv[argv.indexOf('-f') + 1]!);
    expect(existsSync(path.join(dir, 'rsyslog.conf'))).toBe(true);
    expect(await rx.counts()).toEqual({ udp: 0, tcp: 0 });

    const udp = mix.datagrams.slice(0, 600);
    await sendUdp(rx.udpPort, udp);
    expect(await rx.counts()).toEqual({ udp: udp.length, tcp: 0 });

    const lf = mix.datagrams.slice(100, 900);
    await sendTcp(rx.tcpPort, lf, 'lf');
    const octet = mix.datagrams.slice(200, 1000);
    await sendTcp(rx.tcpPort, octet, 'octet');
    expect(await rx.counts()).toEqual({ udp: udp.length, tcp: lf.length + octet.length });

    const details = await rx.details();
    const expected = invalidUserLines(udp) + invalidUserLines(lf) + invalidUserLines(octet);
    expect(expected).toBeGreaterThan(10);
    expect(details.invalid_user_lines_written).toBe(expected);
    expect(details.main_queue_discarded).toBe(0);
    expect(await rx.latency()).toBeNull();

    await rx.stop();
    expect(() => process.kill(rx.pid, 0)).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
