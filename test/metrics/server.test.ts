import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics/metrics.js';
import { HttpServer } from '../../src/metrics/server.js';
import { BindError } from '../../src/errors.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(ready: () => boolean, port = 0) {
  const registry = new Registry();
  createMetrics(registry, { version: 'test' });
  const server = new HttpServer({ address: '127.0.0.1', port, registry, isReady: ready, log: pino({ level: 'silent' }) });
  servers.push(server);
  const addr = await server.start();
  return `http://127.0.0.1:${addr.port}`;
}

describe('HttpServer', () => {
  it('serves /metrics in the Prometheus text format', async () => {
    const base = await start(() => true);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('syslog_messages_received_total{transport="udp"} 0');
  });

  it('answers /healthz always and /readyz only when ready', async () => {
    let ready = false;
    const base = await start(() => ready);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('404s unknown paths and 405s other methods', async () => {
    const base = await start(() => true);
    expect((await fetch(`${base}/admin`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('a port in use is a BindError that names the fix', async () => {
    const base = await start(() => true);
    const port = Number(new URL(base).port);
    await expect(start(() => true, port)).rejects.toThrow(BindError);
    await expect(start(() => true, port)).rejects.toThrow(/address already in use \(change http\.port\)/);
  });
});
