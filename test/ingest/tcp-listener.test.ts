import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { execFileSync, spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { TcpListener } from '../../src/ingest/tcp-listener.js';
import { AppError, BindError } from '../../src/errors.js';
import type { StreamListenerConfig, TlsSettings } from '../../src/config/types.js';
import { RecordingSink } from '../helpers/recording-sink.js';
import { RecordingObserver } from '../helpers/recording-observer.js';
import { waitFor } from '../helpers/wait-for.js';
import { ipv6LoopbackAvailable } from '../helpers/ipv6-loopback.js';
import { generateTestCertificates, type TestCertificates } from '../helpers/tls-certificates.js';

const silent = pino({ level: 'silent' });
const hasIpv6 = await ipv6LoopbackAvailable();
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

function streamConfig(overrides: Partial<StreamListenerConfig> = {}): StreamListenerConfig {
  return {
    name: 'tcp-test',
    protocol: 'tcp',
    address: '127.0.0.1',
    port: 0,
    allow: null,
    maxFrameBytes: 64 * 1024,
    maxConnections: 16,
    idleTimeoutMs: 30_000,
    tls: null,
    ...overrides,
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startListener(config: StreamListenerConfig, shutdownGraceMs = 200) {
  const sink = new RecordingSink();
  const observer = new RecordingObserver();
  const listener = new TcpListener(config, { sink, observer, logger: silent, shutdownGraceMs });
  await listener.start();
  cleanups.push(() => listener.stop());
  return { sink, observer, listener, port: listener.boundAddress()!.port };
}

interface Client {
  readonly socket: net.Socket;
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

function track(socket: net.Socket): Client {
  let done = false;
  socket.on('error', () => {}); // resets from the server are part of several tests
  const closed = new Promise<void>((resolve) =>
    socket.once('close', () => {
      done = true;
      resolve();
    }),
  );
  cleanups.push(() => {
    socket.destroy();
  });
  return { socket, closed, isClosed: () => done };
}

async function connect(port: number, host = '127.0.0.1', options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
  const socket = net.connect({ port, host, allowHalfOpen: options.allowHalfOpen ?? false });
  const client = track(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return client;
}

function write(client: Client, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.socket.write(data, (err) => (err ? reject(err) : resolve())));
}

const lines = (n: number, prefix = 'msg'): string[] => Array.from({ length: n }, (_, i) => `<13>${prefix} ${i} ${'x'.repeat(60)}`);

describe('TcpListener (plain TCP)', () => {
  it('receives many LF-framed messages over one connection, in order', async () => {
    const { sink, observer, listener, port } = await startListener(streamConfig());
    const c = await connect(port);
    const expected = lines(2000);
    await write(c, `${expected.join('\n')}\n`);
    await waitFor(() => sink.frames.length === 2000, '2000 frames');
    expect(sink.texts()).toEqual(expected);
    expect(sink.frames[0]).toMatchObject({ transport: 'tcp', remoteAddress: '127.0.0.1', remotePort: c.socket.localPort, listener: 'tcp-test' });
    expect(observer.opened).toBe(1);
    expect(listener.connectionCount()).toBe(1);
  });

  it('reassembles a message split across writes, and mixes octet counting with LF framing', async () => {
    const { sink, port } = await startListener(streamConfig());
    const c = await connect(port);
    c.socket.setNoDelay(true);
    await write(c, '<13>first half');
    await new Promise((r) => setTimeout(r, 20));
    await write(c, ' second half\r\n18 <13>octet\ncounted!');
    await write(c, '<13>last\0');
    await waitFor(() => sink.frames.length === 3, '3 frames');
    expect(sink.texts()).toEqual(['<13>first half second half', '<13>octet\ncounted!', '<13>last']);
  });

  it('delivers an unterminated last line when the sender closes cleanly', async () => {
    const { sink, observer, port } = await startListener(streamConfig());
    const c = await connect(port);
    c.socket.end('<13>a\n<13>no newline');
    await waitFor(() => observer.closeCount('tcp', 'eof') === 1, 'the eof close');
    expect(sink.texts()).toEqual(['<13>a', '<13>no newline']);
  });

  it('drops an oversize frame and keeps the connection', async () => {
    const { sink, observer, port } = await startListener(streamConfig({ maxFrameBytes: 480 }));
    const c = await connect(port);
    await write(c, `<13>${'A'.repeat(5000)}\n<13>ok\n2000 ${'B'.repeat(2000)}<13>still ok\n`);
    await waitFor(() => sink.frames.length === 2, 'the two frames around the oversize ones');
    expect(sink.texts()).toEqual(['<13>ok', '<13>still ok']);
    expect(observer.dropCount('tcp', 'oversize')).toBe(2);
    expect(c.isClosed()).toBe(false);
  });

  it('refuses connections over maxConnections and counts them', async () => {
    const { sink, observer, listener, port } = await startListener(streamConfig({ maxConnections: 2 }));
    const a = await connect(port);
    const b = await connect(port);
    await waitFor(() => listener.connectionCount() === 2, 'two connections');
    const third = await connect(port);
    await third.closed;
    expect(observer.dropCount('tcp', 'connection_limit')).toBe(1);
    expect(observer.opened).toBe(2);
    await write(a, '<13>from a\n');
    await write(b, '<13>from b\n');
    await waitFor(() => sink.frames.length === 2, 'frames from the admitted connections');
    a.socket.destroy();
    await waitFor(() => listener.connectionCount() === 1, 'a slot to free up');
    const fourth = await connect(port);
    await write(fourth, '<13>from d\n');
    await waitFor(() => sink.frames.length === 3, 'a frame from the new connection');
  });

  // spawnSync blocks this process's event loop while a child connects, sends and resets: the kernel completes the
  // handshake in the listen backlog, and the listener accepts a connection whose peer address is already gone.
  const sendThenResetWhileBlocked = (port: number, text: string) =>
    spawnSync(process.execPath, ['-e', `const c=require('net').connect(${port},'127.0.0.1',()=>c.write(${JSON.stringify(text)},()=>setTimeout(()=>{c.resetAndDestroy();setTimeout(()=>{},50)},50)));c.on('error',()=>{})`], { timeout: 10_000 });

  it('reads the frames of a connection reset before it was accepted (its peer address is gone)', async () => {
    const { sink, observer, port } = await startListener(streamConfig());
    expect(sendThenResetWhileBlocked(port, '<13>one\n<13>two\n<13>three\n').status).toBe(0);
    await waitFor(() => observer.closeCount('tcp', 'eof') + observer.closeCount('tcp', 'error') === 1, 'the connection to close');
    expect(sink.texts()).toEqual(['<13>one', '<13>two', '<13>three']);
  });

  it('with an allow list, a connection reset before it was accepted is counted as denied', async () => {
    const { sink, observer, port } = await startListener(streamConfig({ allow: ['127.0.0.1'] }));
    expect(sendThenResetWhileBlocked(port, '<13>one\n').status).toBe(0);
    await waitFor(() => observer.dropCount('tcp', 'denied') === 1, 'the denied count');
    expect(sink.frames).toEqual([]);
  });

  it('refuses senders outside the allow list before reading anything', async () => {
    const { sink, observer, port } = await startListener(streamConfig({ allow: ['10.0.0.0/8', '::1'] }));
    const c = await connect(port);
    c.socket.write('<13>should not arrive\n');
    await c.closed;
    expect(observer.dropCount('tcp', 'denied')).toBe(1);
    expect(observer.opened).toBe(0);
    expect(sink.frames).toEqual([]);
  });

  it('closes a silent connection after idleTimeoutMs', async () => {
    const { observer, listener, port } = await startListener(streamConfig({ idleTimeoutMs: 100 }));
    const c = await connect(port);
    await c.closed;
    await waitFor(() => observer.closeCount('tcp', 'idle_timeout') === 1, 'the idle close');
    expect(listener.connectionCount()).toBe(0);
  });

  it('closes a slowloris connection that trickles bytes but never completes a frame', async () => {
    const { sink, observer, port } = await startListener(streamConfig({ idleTimeoutMs: 150 }));
    const c = await connect(port);
    c.socket.setNoDelay(true);
    const trickle = setInterval(() => c.socket.write('x'), 20);
    try {
      await c.closed;
    } finally {
      clearInterval(trickle);
    }
    await waitFor(() => observer.closeCount('tcp', 'idle_timeout') === 1, 'the idle close');
    expect(observer.dropCount('tcp', 'truncated')).toBe(1);
    expect(sink.frames).toEqual([]);
  });

  it('keeps a connection that completes frames more often than the idle timeout', async () => {
    const { sink, port } = await startListener(streamConfig({ idleTimeoutMs: 400 }));
    const c = await connect(port);
    for (let i = 0; i < 10; i++) {
      await write(c, `<13>tick ${i}\n`);
      await new Promise((r) => setTimeout(r, 60));
    }
    await waitFor(() => sink.frames.length === 10, 'ten frames');
    expect(c.isClosed()).toBe(false);
  });

  it('pauses reading while the sink is behind and loses nothing after drain', async () => {
    const { sink, observer, port } = await startListener(streamConfig());
    sink.behind = true;
    const c = await connect(port);
    const expected = lines(20_000); // ~1.4 MB: far more than one read, so the pause is visible
    c.socket.write(`${expected.join('\n')}\n`);
    await waitFor(() => sink.refusals > 0, 'the sink to refuse');
    expect(sink.drainListenerCount).toBe(1);
    const seen = sink.frames.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.frames.length).toBe(seen);
    expect(seen).toBeLessThan(expected.length);
    sink.drain();
    await waitFor(() => sink.frames.length === expected.length, 'every frame after drain');
    expect(sink.texts()).toEqual(expected);
    expect(sink.drainListenerCount).toBe(0);
    expect(observer.closed).toBe(0);
  });

  it('does not idle-close a connection while it is paused by backpressure', async () => {
    const { sink, observer, port } = await startListener(streamConfig({ idleTimeoutMs: 300 }));
    sink.behind = true;
    const c = await connect(port);
    await write(c, '<13>first\n');
    await waitFor(() => sink.refusals === 1, 'the sink to refuse');
    await new Promise((r) => setTimeout(r, 800)); // well past the idle timeout
    expect(c.isClosed()).toBe(false);
    sink.drain();
    await write(c, '<13>second\n');
    await waitFor(() => sink.frames.length === 2, 'the frame after drain');
    expect(observer.closed).toBe(0);
  });

  it('stop() lets a cooperative sender finish: its last line is delivered', async () => {
    const { sink, observer, listener, port } = await startListener(streamConfig(), 5000);
    const c = await connect(port, '127.0.0.1', { allowHalfOpen: true });
    c.socket.on('end', () => c.socket.end('<13>after fin\n<13>tail'));
    await write(c, '<13>before\n');
    await waitFor(() => sink.frames.length === 1, 'the first frame');
    await listener.stop();
    expect(sink.texts()).toEqual(['<13>before', '<13>after fin', '<13>tail']);
    expect(observer.closeCount('tcp', 'shutdown')).toBe(1);
    expect(listener.boundAddress()).toBeNull();
  });

  it('stop() cuts a sender that ignores FIN after the grace period, counting its partial frame', async () => {
    const { sink, observer, listener, port } = await startListener(streamConfig(), 100);
    const c = await connect(port, '127.0.0.1', { allowHalfOpen: true });
    await write(c, '<13>complete\n<13>partial');
    await waitFor(() => sink.frames.length === 1, 'the complete frame');
    await listener.stop();
    expect(sink.texts()).toEqual(['<13>complete']);
    expect(observer.dropCount('tcp', 'truncated')).toBe(1);
    expect(observer.closeCount('tcp', 'shutdown')).toBe(1);
    // no new connections once stopped
    await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stop() delivers frames already read but held back by backpressure', async () => {
    const { sink, listener, port } = await startListener(streamConfig(), 50);
    sink.behind = true;
    const c = await connect(port, '127.0.0.1', { allowHalfOpen: true });
    await write(c, '<13>one\n');
    await waitFor(() => sink.refusals === 1, 'the refusal');
    await write(c, '<13>two\n<13>three\n');
    await new Promise((r) => setTimeout(r, 50)); // let the bytes reach the paused socket's buffer
    await listener.stop();
    expect(sink.texts()).toEqual(['<13>one', '<13>two', '<13>three']);
  });

  it('rejects with a BindError when the port is taken', async () => {
    const { port } = await startListener(streamConfig());
    const second = new TcpListener(streamConfig({ port }), { sink: new RecordingSink(), observer: new RecordingObserver(), logger: silent });
    await expect(second.start()).rejects.toSatisfy(
      (e: unknown) => e instanceof BindError && e.message.startsWith(`cannot bind tcp 127.0.0.1:${port}: address already in use`),
    );
    await second.stop();
  });

  it('stop() called while start() is binding waits for it and then releases the port', async () => {
    const listener = new TcpListener(streamConfig(), { sink: new RecordingSink(), observer: new RecordingObserver(), logger: silent });
    const starting = listener.start();
    const stopping = listener.stop();
    await starting;
    const port = listener.boundAddress()?.port;
    await stopping;
    expect(listener.boundAddress()).toBeNull();
    if (port !== undefined) await expect(connect(port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('survives a peer reset mid-frame', async () => {
    const { sink, observer, listener, port } = await startListener(streamConfig());
    const c = await connect(port);
    await write(c, '<13>whole\n<13>half');
    await waitFor(() => sink.frames.length === 1, 'the whole frame');
    c.socket.resetAndDestroy();
    await waitFor(() => listener.connectionCount() === 0, 'the connection to go');
    expect(observer.dropCount('tcp', 'truncated')).toBe(1);
    expect(observer.closeCount('tcp', 'error') + observer.closeCount('tcp', 'eof')).toBe(1);
  });

  it.skipIf(!hasIpv6)('listens on ::1', async () => {
    const { sink, port } = await startListener(streamConfig({ address: '::1' }));
    const c = await connect(port, '::1');
    await write(c, '<13>six\n');
    await waitFor(() => sink.frames.length === 1, 'the frame');
    expect(sink.frames[0]).toMatchObject({ remoteAddress: '::1' });
  });

  it.skipIf(!hasIpv6)('a :: listener takes IPv4 clients and reports them as plain IPv4', async () => {
    const { sink, port } = await startListener(streamConfig({ address: '::', allow: ['127.0.0.1'] }));
    const c = await connect(port, '127.0.0.1');
    await write(c, '<13>four\n');
    await waitFor(() => sink.frames.length === 1, 'the frame');
    expect(sink.frames[0]).toMatchObject({ remoteAddress: '127.0.0.1' });
  });
});

describe.skipIf(!hasOpenssl)('TcpListener (TLS, RFC 5425)', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = generateTestCertificates();
  });

  function tlsConfig(overrides: Partial<TlsSettings> = {}, listener: Partial<StreamListenerConfig> = {}): StreamListenerConfig {
    return streamConfig({
      name: 'tls-test',
      protocol: 'tls',
      tls: { cert: certs.server.cert, key: certs.server.key, ca: null, clientAuth: 'none', ...overrides },
      ...listener,
    });
  }

  async function tlsConnect(port: number, identity?: { cert: Buffer; key: Buffer }): Promise<{ client: Client; secure: Promise<void> }> {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: certs.server.cert, servername: 'localhost', ...(identity ?? {}) });
    const client = track(socket);
    const secure = new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed before the handshake')));
    });
    secure.catch(() => {});
    return { client, secure };
  }

  it('receives frames over TLS', async () => {
    const { sink, observer, port } = await startListener(tlsConfig());
    const { client, secure } = await tlsConnect(port);
    await secure;
    await write(client, '<13>secret one\n10 <13>secret');
    await waitFor(() => sink.frames.length === 2, 'two frames');
    expect(sink.texts()).toEqual(['<13>secret one', '<13>secret']);
    expect(sink.frames[0]).toMatchObject({ transport: 'tls', remoteAddress: '127.0.0.1', listener: 'tls-test' });
    client.socket.end();
    await waitFor(() => observer.closeCount('tls', 'eof') === 1, 'the clean close');
    expect(observer.opened).toBe(1);
  });

  it('with clientAuth require: admits a trusted client, and counts clients without or with an untrusted certificate as handshake failures', async () => {
    const { sink, observer, listener, port } = await startListener(tlsConfig({ clientAuth: 'require', ca: certs.client.cert }));

    const trusted = await tlsConnect(port, certs.client);
    await trusted.secure;
    await write(trusted.client, '<13>trusted\n');
    await waitFor(() => sink.frames.length === 1, 'the trusted frame');

    const anonymous = await tlsConnect(port);
    anonymous.client.socket.write('<13>anonymous\n');
    await anonymous.client.closed;

    const stranger = await tlsConnect(port, certs.stranger);
    stranger.client.socket.write('<13>stranger\n');
    await stranger.client.closed;

    await waitFor(() => observer.closeCount('tls', 'tls_handshake') === 2, 'two handshake failures');
    expect(sink.texts()).toEqual(['<13>trusted']);
    expect(listener.connectionCount()).toBe(1);
  });

  it('with clientAuth request: admits a client without a certificate', async () => {
    const { sink, port } = await startListener(tlsConfig({ clientAuth: 'request', ca: certs.client.cert }));
    const { client, secure } = await tlsConnect(port);
    await secure;
    await write(client, '<13>no cert needed\n');
    await waitFor(() => sink.frames.length === 1, 'the frame');
  });

  it('counts plaintext sent to a TLS port as a handshake failure and keeps serving', async () => {
    const { sink, observer, port } = await startListener(tlsConfig());
    const plain = await connect(port);
    plain.socket.write('<13>not tls at all\n');
    await plain.closed;
    await waitFor(() => observer.closeCount('tls', 'tls_handshake') === 1, 'the handshake failure');
    const { client, secure } = await tlsConnect(port);
    await secure;
    await write(client, '<13>fine\n');
    await waitFor(() => sink.frames.length === 1, 'a frame after the failure');
  });

  it('applies the allow list and the connection cap before the handshake', async () => {
    const { observer, listener, port } = await startListener(tlsConfig({}, { maxConnections: 1 }));
    const first = await tlsConnect(port);
    await first.secure;
    const second = await tlsConnect(port);
    await expect(second.secure).rejects.toThrow();
    expect(observer.dropCount('tls', 'connection_limit')).toBe(1);
    expect(observer.closeCount('tls', 'tls_handshake')).toBe(0);
    expect(listener.connectionCount()).toBe(1);
  });

  it('times out a client that never completes the handshake', async () => {
    const { observer, port } = await startListener(tlsConfig({}, { idleTimeoutMs: 100 }));
    const silentClient = await connect(port);
    await silentClient.closed;
    await waitFor(() => observer.closeCount('tls', 'tls_handshake') === 1, 'the handshake timeout');
  });

  it('stop() closes TLS connections gracefully', async () => {
    const { sink, observer, listener, port } = await startListener(tlsConfig(), 100);
    const { client, secure } = await tlsConnect(port);
    await secure;
    await write(client, '<13>before stop\n');
    await waitFor(() => sink.frames.length === 1, 'the frame');
    await listener.stop();
    await client.closed;
    expect(observer.closeCount('tls', 'shutdown')).toBe(1);
  });

  it('rejects start() with a clear error when the key does not parse', async () => {
    const listener = new TcpListener(tlsConfig({ key: Buffer.from('not a key') }), {
      sink: new RecordingSink(),
      observer: new RecordingObserver(),
      logger: silent,
    });
    await expect(listener.start()).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'TLS_INVALID');
  });
});
