/**
 * ApiRoutes behind the real HttpServer on loopback, with a recording sink in place of the pipeline: the order of
 * checks (off → 404, method, token, content type, size), what an ingest hands the pipeline, the metrics calls,
 * detect's streaming (nothing dropped past the alert manager's default queue, a client that leaves early), and
 * the plain-HTTP warning.
 */
import { request } from 'node:http';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRoutes, MAX_LISTED_ERRORS, type ApiEndpoint } from '../../src/api/routes.js';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { HttpServer } from '../../src/metrics/server.js';
import { RecordingObserver } from '../helpers/recording-observer.js';
import { RecordingSink } from '../helpers/recording-sink.js';

const TOKEN = 'test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const TEXT = { ...AUTH, 'content-type': 'text/plain' };
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

function config(api: string, address = '127.0.0.1'): Config {
  return loadConfigText(`
listeners: [{ protocol: udp, port: 1 }]
http: { address: "${address}", port: 0, api: ${api} }
rules:
  - { name: ssh, preset: sshd-invalid-user, window: 60s, threshold: 2, resolveAfter: 1m }
  - { name: kw, type: keyword, keywords: [segfault], groupBy: [host] }
`);
}

interface Harness {
  base: string;
  routes: ApiRoutes;
  sink: RecordingSink;
  ingest: RecordingObserver;
  requests: [ApiEndpoint, number][];
  entries: [ApiEndpoint, string, number][];
  logs: string[];
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function start(cfg: Config): Promise<Harness> {
  const h: Omit<Harness, 'base' | 'routes'> = { sink: new RecordingSink(), ingest: new RecordingObserver(), requests: [], entries: [], logs: [] };
  const log = pino({ level: 'info' }, { write: (s: string) => void h.logs.push(s) });
  const registry = new Registry();
  createMetrics(registry, { version: 'test' });
  const routes = new ApiRoutes({
    api: cfg.http.api,
    address: cfg.http.address,
    ingest: { sink: h.sink, observer: h.ingest },
    config: () => cfg,
    observer: { request: (e, s) => void h.requests.push([e, s]), entries: (e, o, n) => void h.entries.push([e, o, n]) },
    log,
    now: () => NOW,
  });
  const server = new HttpServer({ address: '127.0.0.1', port: 0, registry, isReady: () => true, log, routes: routes.handle });
  servers.push(server);
  const { port } = await server.start();
  return { ...h, routes, base: `http://127.0.0.1:${port}` };
}

const post = (h: Harness, path: string, body: string, headers: Record<string, string> = TEXT) => fetch(`${h.base}${path}`, { method: 'POST', headers, body });
const on = `{ ingest: true, detect: true, token: "${TOKEN}" }`;

describe('ApiRoutes', () => {
  it('off by default: both endpoints 404 (after auth would not matter), the other routes are unchanged', async () => {
    const h = await start(config('{}'));
    for (const path of ['/api/v1/logs', '/api/v1/detect']) {
      const res = await post(h, path, 'x');
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/is off \(http\.api\.(ingest|detect): true turns it on\)/);
    }
    expect((await fetch(`${h.base}/metrics`)).status).toBe(200);
    expect((await fetch(`${h.base}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${h.base}/nothing`)).status).toBe(404);
    expect(h.requests).toEqual([]);
  });

  it('one endpoint on leaves the other 404; unknown API paths 404', async () => {
    const h = await start(config(`{ ingest: true, token: "${TOKEN}" }`));
    expect((await post(h, '/api/v1/detect', 'x')).status).toBe(404);
    expect((await post(h, '/api/v2/logs', 'x')).status).toBe(404);
    expect((await post(h, '/api/v1/logs', 'x')).status).toBe(202);
  });

  it('checks method, token, then content type; reads nothing before the token is right', async () => {
    const h = await start(config(on));
    const get = await fetch(`${h.base}/api/v1/logs`, { headers: AUTH });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const none = await post(h, '/api/v1/logs', 'line', { 'content-type': 'text/plain' });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="syslog-sentinel"');
    const wrong = await post(h, '/api/v1/logs', 'line', { authorization: `Bearer ${TOKEN}x`, 'content-type': 'text/plain' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="syslog-sentinel", error="invalid_token"');
    const form = await post(h, '/api/v1/logs', 'line', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    expect(h.sink.frames).toEqual([]);
    expect(h.requests).toEqual([['logs', 405], ['logs', 401], ['logs', 401], ['logs', 415]]);
    expect(h.logs.join('')).not.toContain(TOKEN);
  });

  it('ingest hands each line to the pipeline as a frame from the client, counted as http', async () => {
    const h = await start(config(on));
    const res = await post(h, '/api/v1/logs', '<38>1 2026-01-02T03:04:05Z web1 sshd 1 - - Invalid user a\n\nnot syslog at all\n');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, rejected: 0, errors: [] });
    expect(h.sink.texts()).toEqual(['<38>1 2026-01-02T03:04:05Z web1 sshd 1 - - Invalid user a', 'not syslog at all']);
    expect(h.sink.frames[0]).toMatchObject({ transport: 'http', listener: 'http-api', remoteAddress: '127.0.0.1', receivedAt: NOW });
    expect(h.ingest.receivedFrames).toBe(2);
    expect(h.entries).toEqual([['logs', 'accepted', 2]]);
    expect(h.requests).toEqual([['logs', 202]]);
  });

  it('lists at most MAX_LISTED_ERRORS rejections but counts them all', async () => {
    const h = await start(config(on));
    const bad = JSON.stringify({ host: 'x' });
    const good = JSON.stringify({ timestamp: NOW, host: 'h', appname: 'a', message: 'm' });
    const res = await post(h, '/api/v1/logs', `${Array(150).fill(bad).join('\n')}\n${good}\n`, { ...AUTH, 'content-type': 'application/x-ndjson; charset=utf-8' });
    const body = (await res.json()) as { accepted: number; rejected: number; errors: { line: number }[] };
    expect(res.status).toBe(202);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toBe(150);
    expect(body.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(body.errors[99]!.line).toBe(100);
    expect(h.sink.frames).toHaveLength(1);
    expect(h.entries).toEqual([['logs', 'accepted', 1], ['logs', 'rejected', 150]]);
  });

  it('a body over maxBodyBytes or bad JSON feeds nothing', async () => {
    const h = await start(config(`{ ingest: true, token: "${TOKEN}", maxBodyBytes: 2KiB, maxLineBytes: 1KiB }`));
    const big = await post(h, '/api/v1/logs', 'x\n'.repeat(1100));
    expect(big.status).toBe(413);
    expect(big.headers.get('connection')).toBe('close');
    const json = await post(h, '/api/v1/logs', '{"a":1}\n{"a":\n', { ...AUTH, 'content-type': 'application/x-ndjson' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toMatch(/^line 2: not valid JSON/);
    expect(h.sink.frames).toEqual([]);
    expect(h.ingest.receivedFrames).toBe(0);
  });

  it('detect: unknown or empty rule selections and rejected lines are 400; the pipeline is not fed', async () => {
    const h = await start(config(on));
    const unknown = await post(h, '/api/v1/detect?rules=ssh,nope,gone', 'x\n');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ error: 'unknown rules: nope, gone; configured rules: ssh, kw' });
    expect((await post(h, '/api/v1/detect?rules=', 'x\n')).status).toBe(400);
    const rejected = await post(h, '/api/v1/detect', '{"host":"x"}\n', { ...AUTH, 'content-type': 'application/x-ndjson' });
    expect(rejected.status).toBe(400);
    expect(await rejected.json()).toMatchObject({ error: '1 line cannot be used; nothing was run', rejected: 1, errors: [{ line: 1 }] });
    const ok = await post(h, '/api/v1/detect?rules=kw', 'x\n');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await ok.text()).toBe('');
    expect(h.sink.frames).toEqual([]);
  });

  it('detect: with only the selected rule, and every event of a large answer (past the default queue of 1000)', async () => {
    const h = await start(config(on));
    const lines: string[] = [];
    const hosts = 1500;
    for (let i = 0; i < hosts; i++) {
      for (const u of ['a', 'b']) lines.push(`<38>1 2026-01-02T03:04:05Z h${i} sshd 1 - - Invalid user ${u} from 192.0.2.1 port 22`);
      lines.push(`<38>1 2026-01-02T03:04:05Z h${i} app 1 - - worker segfault`);
    }
    const res = await post(h, '/api/v1/detect?rules=ssh', `${lines.join('\n')}\n`);
    expect(res.status).toBe(200);
    const events = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { event: string; rule: string });
    expect(events.filter((e) => e.event === 'fired')).toHaveLength(hosts);
    // all resolved together at the end: one tick with 1500 events
    expect(events.filter((e) => e.event === 'resolved')).toHaveLength(hosts);
    expect(new Set(events.map((e) => e.rule))).toEqual(new Set(['ssh']));
  });

  it('detect: a client that leaves mid-answer stops the run; the server goes on', async () => {
    const h = await start(config(`{ detect: true, token: "${TOKEN}", maxLines: 20000, maxBodyBytes: 4MiB }`));
    const lines: string[] = [];
    // 5,000 hosts (under the rule's key cap), each reaching the threshold on the second round: 5,000 fired events
    for (let round = 0; round < 4; round++) for (let i = 0; i < 5000; i++) lines.push(`<38>1 2026-01-02T03:04:05Z h${i} sshd 1 - - Invalid user u${round} from 192.0.2.1 port 22`);
    const body = `${lines.join('\n')}\n`;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${h.base}/api/v1/detect?rules=ssh`, { method: 'POST', headers: TEXT }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
        res.once('end', () => reject(new Error(`the whole answer (${res.statusCode}) arrived before the client could leave`)));
      });
      req.on('error', (err) => (err.message === 'socket hang up' || /aborted/.test(err.message) ? undefined : reject(err)));
      req.end(body);
    });
    await expect.poll(() => h.logs.some((l) => l.includes('the client went away')), { timeout: 10_000 }).toBe(true);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect(h.requests).toEqual([['detect', 200]]);
  });

  it('once the appliance is stopping (close()), requests are answered 503 and nothing is fed', async () => {
    const h = await start(config(on));
    h.routes.close();
    const res = await post(h, '/api/v1/logs', 'a line\n');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('10');
    expect(((await res.json()) as { error: string }).error).toMatch(/stopping; nothing was used/);
    expect((await post(h, '/api/v1/detect', 'a line\n')).status).toBe(503);
    expect((await fetch(`${h.base}/metrics`)).status).toBe(200);
    expect(h.sink.frames).toEqual([]);
    expect(h.ingest.receivedFrames).toBe(0);
    expect(h.requests).toEqual([['logs', 503], ['detect', 503]]);
  });

  it('a body still arriving when the appliance begins stopping is not fed (503)', async () => {
    const h = await start(config(on));
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // Expect: 100-continue: the server answers "continue" once the request has passed the token check and
      // the route is reading the body; close() comes then, before the body is sent.
      const req = request(`${h.base}/api/v1/logs`, { method: 'POST', headers: { ...TEXT, expect: '100-continue' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.on('continue', () => {
        h.routes.close();
        req.end('a line\nanother line\n');
      });
      req.flushHeaders();
    });
    expect(answer.status).toBe(503);
    expect(h.sink.frames).toEqual([]);
    expect(h.ingest.receivedFrames).toBe(0);
    expect(h.entries).toEqual([]);
  });

  it('warns when the API is on and the server is not on loopback; never logs the token', async () => {
    for (const [address, api, warned] of [['0.0.0.0', on, true], ['::', on, true], ['192.0.2.10', on, true], ['127.0.0.1', on, false], ['::1', on, false], ['0.0.0.0', '{}', false]] as const) {
      const logs: string[] = [];
      const cfg = config(api, address);
      new ApiRoutes({
        api: cfg.http.api,
        address,
        ingest: { sink: new RecordingSink(), observer: new RecordingObserver() },
        config: () => cfg,
        observer: { request: () => undefined, entries: () => undefined },
        log: pino({ level: 'info' }, { write: (s: string) => void logs.push(s) }),
        now: () => NOW,
      });
      expect(logs.some((l) => l.includes('not a loopback address')), address).toBe(warned);
      expect(logs.join('')).not.toContain(TOKEN);
    }
  });
});
