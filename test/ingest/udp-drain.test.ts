/**
 * Graceful UDP stop: datagrams already queued in the kernel's receive buffer when stop() is called still reach
 * the sink. The burst is sent from this same process in one tick, and stop() is called before the event loop
 * gets to poll the receiving socket, so every datagram is in the kernel queue (none read yet) at stop time.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { UdpListener, type UdpListenerDeps } from '../../src/ingest/udp-listener.js';
import type { UdpListenerConfig } from '../../src/config/types.js';
import { RecordingSink } from '../helpers/recording-sink.js';
import { RecordingObserver } from '../helpers/recording-observer.js';

const silent = pino({ level: 'silent' });

/** Kernel memory one small datagram takes in a loopback receive queue is about 0.8 KiB (skb truesize); keep a margin. */
const BYTES_PER_QUEUED_DATAGRAM = 2048;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function udpConfig(): UdpListenerConfig {
  return { name: 'udp-drain', protocol: 'udp', address: '127.0.0.1', port: 0, allow: null, receiveBufferBytes: 8 * 1024 * 1024, maxMessageBytes: 2048 };
}

async function start(extra: Partial<UdpListenerDeps> = {}) {
  const sink = new RecordingSink();
  const observer = new RecordingObserver();
  const listener = new UdpListener(udpConfig(), { sink, observer, logger: silent, ...extra });
  await listener.start();
  cleanups.push(() => listener.stop());
  // As many datagrams as surely fit in the buffer the kernel granted (2000 where net.core.rmem_max allows).
  const granted = listener.receiveBuffer()!.reportedBytes;
  const n = Math.min(2000, Math.floor(granted / BYTES_PER_QUEUED_DATAGRAM));
  return { sink, listener, port: listener.boundAddress()!.port, n };
}

async function sender(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return s;
}

/**
 * Queues n sends in this tick; resolves when the kernel has taken all of them. libuv writes each datagram at
 * once and reports completion in the next loop iteration's pending phase, which comes before its poll phase:
 * the receiving socket has not been read yet when this resolves (the tests check that).
 */
function burst(s: dgram.Socket, port: number, n: number): Promise<void> {
  const sent: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    sent.push(new Promise((resolve, reject) => s.send(`<13>Jan  1 00:00:00 host${i % 50} app: message ${i}`, port, '127.0.0.1', (err) => (err ? reject(err) : resolve()))));
  }
  return Promise.all(sent).then(() => undefined);
}

describe('UdpListener.stop() drains the kernel receive buffer', () => {
  it('every datagram sent right before stop() reaches the sink, in order', async () => {
    const { sink, listener, port, n } = await start();
    expect(n).toBeGreaterThanOrEqual(100);
    const s = await sender();
    await burst(s, port, n);
    expect(sink.frames.length).toBe(0); // all n are in the kernel's queue, none read yet
    const t0 = performance.now();
    await listener.stop();
    expect(sink.frames.length).toBe(n);
    expect(sink.texts()).toEqual(Array.from({ length: n }, (_, i) => `<13>Jan  1 00:00:00 host${i % 50} app: message ${i}`));
    expect(listener.boundAddress()).toBeNull();
    // Bounded: the drain ends one quiet spell (50 ms) after the last datagram, far below maxDrainMs.
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('without the drain (maxDrainMs 0: the old behaviour) the same burst is lost', async () => {
    const { sink, listener, port, n } = await start({ maxDrainMs: 0 });
    const s = await sender();
    await burst(s, port, n);
    expect(sink.frames.length).toBe(0);
    await listener.stop();
    expect(sink.frames.length).toBe(0);
  });

  it('gives up after maxDrainMs while a sender keeps sending, then closes', async () => {
    const { sink, listener, port } = await start({ drainQuietMs: 50, maxDrainMs: 300 });
    const s = await sender();
    let sending = true;
    const pump = (async () => {
      while (sending) {
        await new Promise<void>((resolve) => s.send('<13>still here', port, '127.0.0.1', () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const t0 = performance.now();
    await listener.stop();
    const took = performance.now() - t0;
    sending = false;
    await pump;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1000);
    expect(sink.frames.length).toBeGreaterThan(10);
    expect(listener.boundAddress()).toBeNull();
  });

  it('stops quickly when nothing is queued', async () => {
    const { listener } = await start();
    const t0 = performance.now();
    await listener.stop();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
