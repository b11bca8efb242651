import { describe, it, expect } from 'vitest';
import net from 'node:net';
import { pino } from 'pino';
import { ListenerSet } from '../../src/ingest/listener-set.js';
import { BindError } from '../../src/errors.js';
import type { ListenerConfig, StreamListenerConfig, UdpListenerConfig } from '../../src/config/types.js';
import { RecordingSink } from '../helpers/recording-sink.js';
import { RecordingObserver } from '../helpers/recording-observer.js';

const deps = () => ({ sink: new RecordingSink(), observer: new RecordingObserver(), logger: pino({ level: 'silent' }), shutdownGraceMs: 50 });
const udp = (port = 0): UdpListenerConfig => ({
  name: `udp-${port}`,
  protocol: 'udp',
  address: '127.0.0.1',
  port,
  allow: null,
  receiveBufferBytes: 65536,
  maxMessageBytes: 2048,
});
const tcp = (port = 0): StreamListenerConfig => ({
  name: `tcp-${port}`,
  protocol: 'tcp',
  address: '127.0.0.1',
  port,
  allow: null,
  maxFrameBytes: 4096,
  maxConnections: 4,
  idleTimeoutMs: 10_000,
  tls: null,
});

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('ListenerSet', () => {
  it('starts and stops every listener', async () => {
    const set = new ListenerSet([udp(), tcp()], deps());
    await set.start();
    expect(set.listeners.map((l) => l.boundAddress()?.port)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(set.udpEndpoints()).toEqual([{ address: '127.0.0.1', port: set.listeners[0]!.boundAddress()!.port }]);
    await set.stop();
    await set.stop();
    expect(set.listeners.map((l) => l.boundAddress())).toEqual([null, null]);
  });

  it('stops the listeners already started when a later one cannot bind, and rejects with its BindError', async () => {
    const blocker = new ListenerSet([tcp()], deps());
    await blocker.start();
    const taken = blocker.listeners[0]!.boundAddress()!.port;
    const configs: ListenerConfig[] = [tcp(), tcp(taken)];
    const set = new ListenerSet(configs, deps());
    await expect(set.start()).rejects.toBeInstanceOf(BindError);
    const firstPort = set.listeners[0]!.boundAddress();
    expect(firstPort).toBeNull();
    await blocker.stop();
    expect(await portIsFree(taken)).toBe(true);
  });
});
