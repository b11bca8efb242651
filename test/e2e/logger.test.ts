/**
 * End to end: the real appliance (src/main.ts as a child process) on free loopback ports, fed by util-linux
 * `logger`, observed only through /metrics, /healthz and its exit code.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const run = promisify(execFile);
const hasLogger = await run('logger', ['--version']).then(() => true, () => false);

const CONFIG = `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
  - { name: tcp-test, protocol: tcp, address: 127.0.0.1, port: 0, maxFrameBytes: 64KiB }
http: { address: 127.0.0.1, port: 0 }
timezone: UTC
log: { level: info }
`;

let app: RunningAppliance;
let udpPort = 0;
let tcpPort = 0;

beforeAll(async () => {
  app = await startAppliance(CONFIG);
  udpPort = app.ports.get('udp-test')!;
  tcpPort = app.ports.get('tcp-test')!;
}, 30_000);

afterAll(async () => {
  await app?.stop();
});

async function counter(series: string): Promise<number> {
  return metricValue(await app.metrics(), series) ?? Number.NaN;
}

async function waitForCounter(series: string, atLeast: number): Promise<void> {
  await eventually(async () => (await counter(series)) >= atLeast, 5000, `${series} >= ${atLeast}`);
}

function sendTcp(payload: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(tcpPort, '127.0.0.1', () => socket.end(payload));
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

function sendUdp(payload: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.send(payload, udpPort, '127.0.0.1', (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

describe.skipIf(!hasLogger)('appliance fed by util-linux logger', () => {
  it('counts logger lines per transport and per format', async () => {
    const before = {
      udp: await counter('syslog_messages_received_total{transport="udp"}'),
      tcp: await counter('syslog_messages_received_total{transport="tcp"}'),
      r3164: await counter('syslog_messages_parsed_total{format="rfc3164"}'),
      r5424: await counter('syslog_messages_parsed_total{format="rfc5424"}'),
    };
    const base = ['-n', '127.0.0.1', '-t', 'e2e'];
    await run('logger', [...base, '-P', String(udpPort), '-d', '--rfc3164', 'udp rfc3164 line']);
    await run('logger', [...base, '-P', String(udpPort), '-d', '--rfc5424', 'udp rfc5424 line']);
    await run('logger', [...base, '-P', String(tcpPort), '-T', '--rfc3164', 'tcp lf-framed rfc3164 line']);
    await run('logger', [...base, '-P', String(tcpPort), '-T', '--octet-count', '--rfc5424', 'tcp octet-counted rfc5424 line']);
    await run('logger', [...base, '-P', String(tcpPort), '-T', '--octet-count', '--rfc3164', 'tcp octet-counted rfc3164 line']);
    await waitForCounter('syslog_messages_received_total{transport="udp"}', before.udp + 2);
    await waitForCounter('syslog_messages_received_total{transport="tcp"}', before.tcp + 3);
    await waitForCounter('syslog_messages_parsed_total{format="rfc3164"}', before.r3164 + 3);
    await waitForCounter('syslog_messages_parsed_total{format="rfc5424"}', before.r5424 + 2);
  });

  it('several messages in one TCP segment with mixed framing are all counted', async () => {
    const before = await counter('syslog_messages_received_total{transport="tcp"}');
    const a = '<13>Oct 11 22:14:15 host1 app: one';
    const b = '<13>1 2026-01-01T00:00:00Z host2 app - - - two';
    await sendTcp(`${Buffer.byteLength(a)} ${a}${a}\n${b}\r\n${Buffer.byteLength(b)} ${b}`);
    await waitForCounter('syslog_messages_received_total{transport="tcp"}', before + 4);
  });

  it('a garbage datagram is parsed as unknown, not lost, and the appliance stays up', async () => {
    const before = await counter('syslog_messages_parsed_total{format="unknown"}');
    await sendUdp(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x3c, 0x39, 0x39, 0x39, 0x3e, 0xc3, 0x28]));
    await waitForCounter('syslog_messages_parsed_total{format="unknown"}', before + 1);
    expect((await fetch(`${app.httpBase}/healthz`)).status).toBe(200);
  });

  it('a bad octet count is a counted drop and the connection goes on to the next frame', async () => {
    const dropsBefore = await counter('syslog_messages_dropped_total{transport="tcp",reason="bad_frame"}');
    const before = await counter('syslog_messages_received_total{transport="tcp"}');
    await sendTcp('99999999999999999999999 <13>nonsense\n<13>Oct 11 22:14:15 host1 app: after the bad count\n');
    await waitForCounter('syslog_messages_dropped_total{transport="tcp",reason="bad_frame"}', dropsBefore + 1);
    await waitForCounter('syslog_messages_received_total{transport="tcp"}', before + 1);
  });

  it('a 70 KB line is dropped as oversize, the next line on the same connection is received', async () => {
    const dropsBefore = await counter('syslog_messages_dropped_total{transport="tcp",reason="oversize"}');
    const before = await counter('syslog_messages_received_total{transport="tcp"}');
    await sendTcp(`<13>Oct 11 22:14:15 host1 app: ${'x'.repeat(70 * 1024)}\n<13>Oct 11 22:14:16 host1 app: small\n`);
    await waitForCounter('syslog_messages_dropped_total{transport="tcp",reason="oversize"}', dropsBefore + 1);
    await waitForCounter('syslog_messages_received_total{transport="tcp"}', before + 1);
    expect((await fetch(`${app.httpBase}/healthz`)).status).toBe(200);
  });

  it('observes receive→pipeline latency for every message', async () => {
    const text = await app.metrics();
    const received = (metricValue(text, 'syslog_messages_received_total{transport="udp"}') ?? 0) + (metricValue(text, 'syslog_messages_received_total{transport="tcp"}') ?? 0);
    expect(metricValue(text, 'syslog_pipeline_latency_seconds_count')).toBe(received);
    expect(received).toBeGreaterThan(0);
  });

  it('reports /readyz once listening and exposes process metrics', async () => {
    expect((await fetch(`${app.httpBase}/readyz`)).status).toBe(200);
    const text = await app.metrics();
    expect(text).toContain('process_cpu_seconds_total');
    expect(metricValue(text, 'syslog_sentinel_ready')).toBe(1);
  });
});
