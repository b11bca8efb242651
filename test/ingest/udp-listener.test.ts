import { describe, it, expect, afterEach } from 'vitest';
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { UdpListener } from '../../src/ingest/udp-listener.js';
import { readUdpKernelDrops } from '../../src/ingest/udp-kernel-drops.js';
import { BindError } from '../../src/errors.js';
import type { UdpListenerConfig } from '../../src/config/types.js';
import { RecordingSink } from '../helpers/recording-sink.js';
import { RecordingObserver } from '../helpers/recording-observer.js';
import { waitFor } from '../helpers/wait-for.js';
import { ipv6LoopbackAvailable } from '../helpers/ipv6-loopback.js';

const silent = pino({ level: 'silent' });
const hasIpv6 = await ipv6LoopbackAvailable();

function udpConfig(overrides: Partial<UdpListenerConfig> = {}): UdpListenerConfig {
  return {
    name: 'udp-test',
    protocol: 'udp',
    address: '127.0.0.1',
    port: 0,
    allow: null,
    receiveBufferBytes: 1024 * 1024,
    maxMessageBytes: 2048,
    ...overrides,
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startListener(config: UdpListenerConfig, extra: { logger?: pino.Logger; readText?: (p: string) => string | null } = {}) {
  const sink = new RecordingSink();
  const observer = new RecordingObserver();
  const listener = new UdpListener(config, { sink, observer, logger: extra.logger ?? silent, ...(extra.readText ? { readText: extra.readText } : {}) });
  await listener.start();
  cleanups.push(() => listener.stop());
  return { sink, observer, listener, port: listener.boundAddress()!.port };
}

async function sender(type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  const s = dgram.createSocket(type);
  await new Promise<void>((resolve) => s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return s;
}

function send(s: dgram.Socket, msg: string | Buffer, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => s.send(msg, port, host, (err) => (err ? reject(err) : resolve())));
}

/** A pino logger whose JSON lines land in `lines`. */
function capturingLogger(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as { level: number; msg: string });
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe('UdpListener', () => {
  it('receives many datagrams, one message each, with sender and timing filled in', async () => {
    const { sink, observer, listener, port } = await startListener(udpConfig());
    const s = await sender();
    const before = Date.now();
    for (let i = 0; i < 200; i++) await send(s, `<13>message ${i}`, port);
    await waitFor(() => sink.frames.length === 200, '200 frames');
    expect(sink.texts()).toEqual(Array.from({ length: 200 }, (_, i) => `<13>message ${i}`));
    const f = sink.frames[0]!;
    expect(f).toMatchObject({ transport: 'udp', remoteAddress: '127.0.0.1', remotePort: s.address().port, listener: 'udp-test' });
    expect(f.receivedAt).toBeGreaterThanOrEqual(before - 1);
    expect(typeof f.receivedMono).toBe('number');
    expect(observer.receivedFrames).toBe(200);
    expect(listener.kernelDropEndpoint()).toEqual({ address: '127.0.0.1', port });
  });

  it('strips trailing LF, CRLF and NUL, and counts terminator-only datagrams as empty', async () => {
    const { sink, observer, port } = await startListener(udpConfig());
    const s = await sender();
    for (const m of ['<1>a\n', '<1>b\r\n', '<1>c\0', '\r\n', '<1>d']) await send(s, m, port);
    await waitFor(() => sink.frames.length === 4 && observer.dropCount('udp', 'empty') === 1, 'frames and the empty drop');
    expect(sink.texts()).toEqual(['<1>a', '<1>b', '<1>c', '<1>d']);
  });

  it('drops datagrams over maxMessageBytes as oversize and keeps receiving', async () => {
    const { sink, observer, port } = await startListener(udpConfig({ maxMessageBytes: 480 }));
    const s = await sender();
    await send(s, Buffer.alloc(481, 0x41), port);
    await send(s, Buffer.alloc(480, 0x42), port);
    await waitFor(() => sink.frames.length === 1, 'the in-limit datagram');
    expect(observer.dropCount('udp', 'oversize')).toBe(1);
    expect(sink.frames[0]!.bytes.length).toBe(480);
  });

  it('drops datagrams from senders outside the allow list', async () => {
    const { sink, observer, port } = await startListener(udpConfig({ allow: ['10.0.0.0/8'] }));
    const s = await sender();
    await send(s, '<1>nope', port);
    await waitFor(() => observer.dropCount('udp', 'denied') === 1, 'the denied drop');
    expect(sink.frames).toEqual([]);
    expect(observer.receivedFrames).toBe(0);
  });

  it.skipIf(!hasIpv6)('receives over IPv6 on ::1', async () => {
    const { sink, port } = await startListener(udpConfig({ address: '::1' }));
    const s = await sender('udp6');
    await send(s, '<1>six', port, '::1');
    await waitFor(() => sink.frames.length === 1, 'the IPv6 datagram');
    expect(sink.frames[0]).toMatchObject({ remoteAddress: '::1' });
  });

  it.skipIf(!hasIpv6)('a :: listener is dual-stack and reports IPv4 senders as plain IPv4', async () => {
    const { sink, port } = await startListener(udpConfig({ address: '::', allow: ['127.0.0.0/8'] }));
    const s = await sender();
    await send(s, '<1>four', port, '127.0.0.1');
    await waitFor(() => sink.frames.length === 1, 'the IPv4 datagram');
    expect(sink.frames[0]).toMatchObject({ remoteAddress: '127.0.0.1' });
  });

  it('rejects with a BindError when the port is taken, and stop() is idempotent', async () => {
    const { listener, port } = await startListener(udpConfig());
    const second = new UdpListener(udpConfig({ port }), { sink: new RecordingSink(), observer: new RecordingObserver(), logger: silent });
    const err = await second.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BindError);
    expect((err as BindError).message).toMatch(new RegExp(`cannot bind udp 127\\.0\\.0\\.1:${port}: address already in use`));
    await second.stop();
    await listener.stop();
    await listener.stop();
    expect(listener.boundAddress()).toBeNull();
  });

  it('stop() called while start() is binding waits for it and then closes the socket', async () => {
    const listener = new UdpListener(udpConfig(), { sink: new RecordingSink(), observer: new RecordingObserver(), logger: silent });
    const starting = listener.start();
    const stopping = listener.stop();
    await starting;
    await stopping;
    expect(listener.boundAddress()).toBeNull();
    expect(listener.kernelDropEndpoint()).toBeNull();
  });

  it.skipIf(process.platform !== 'linux')('logs the granted receive buffer and warns with the sysctl when rmem_max capped it', async () => {
    const { logger, lines } = capturingLogger();
    const asked = 256 * 1024 * 1024; // far above any default rmem_max
    const { listener } = await startListener(udpConfig({ receiveBufferBytes: asked }), {
      logger,
      readText: (p) => (p === '/proc/sys/net/core/rmem_max' ? '212992\n' : null),
    });
    const report = listener.receiveBuffer()!;
    expect(report.capped).toBe(true);
    expect(report.usableBytes).toBe(report.reportedBytes / 2);
    expect(report.rmemMaxBytes).toBe(212992);
    const warn = lines.find((l) => l.level === 40);
    expect(warn?.msg).toContain(`sudo sysctl -w net.core.rmem_max=${asked}`);
    expect(lines.find((l) => l.level === 30)?.msg).toMatch(/receive buffer \d+ bytes usable/);
  });

  it.skipIf(process.platform !== 'linux')('does not warn when the kernel grants the buffer asked for', async () => {
    const { logger, lines } = capturingLogger();
    const { listener } = await startListener(udpConfig({ receiveBufferBytes: 64 * 1024 }), { logger });
    expect(listener.receiveBuffer()).toMatchObject({ requestedBytes: 65536, usableBytes: 65536, capped: false });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('sees kernel drops for its socket when its receive buffer overflows', async () => {
    const { sink, listener, port } = await startListener(udpConfig({ receiveBufferBytes: 4096 }));
    const s = await sender();
    const sent = 200;
    const payload = Buffer.alloc(1000, 0x61);
    // Queue every send before the event loop can run the receiver: the tiny buffer overflows.
    await Promise.all(Array.from({ length: sent }, () => send(s, payload, port)));
    const endpoint = listener.kernelDropEndpoint()!;
    await waitFor(() => sink.frames.length + (readUdpKernelDrops([endpoint]) ?? 0) === sent, 'every datagram received or counted as a kernel drop');
    expect(readUdpKernelDrops([endpoint])).toBeGreaterThan(0);
  });
});
