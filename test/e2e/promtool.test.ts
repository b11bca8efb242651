/** `promtool check metrics` on the real exposition of a running appliance that has seen traffic. */
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const hasPromtool = await promisify(execFile)('promtool', ['--version']).then(() => true, () => false);

let app: RunningAppliance;
beforeAll(async () => {
  app = await startAppliance(`
listeners:
  - { name: u, protocol: udp, address: 127.0.0.1, port: 0 }
  - { name: t, protocol: tcp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
`);
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.send('<34>Oct 11 22:14:15 mymachine su: test', app.ports.get('u')!, '127.0.0.1', () => r()));
  socket.close();
  await eventually(async () => (metricValue(await app.metrics(), 'syslog_messages_received_total{transport="udp"}') ?? 0) >= 1);
}, 30_000);
afterAll(async () => {
  await app?.stop();
});

describe.skipIf(!hasPromtool)('promtool check metrics', () => {
  it('finds nothing to report on our /metrics output', async () => {
    const exposition = await app.metrics();
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(exposition);
    });
    expect(result.out).toBe('');
    expect(result.code).toBe(0);
  });
});
