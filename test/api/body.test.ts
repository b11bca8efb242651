/** readBody on a real loopback HTTP server: within the limit, over it (declared and undeclared), an aborted upload. */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody, type BodyResult } from '../../src/api/body.js';

const LIMIT = 1000;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A server that reads each body with readBody(LIMIT) and reports the results. */
async function server(): Promise<{ port: number; results: BodyResult[]; next: () => Promise<BodyResult> }> {
  const results: BodyResult[] = [];
  const waiting: ((r: BodyResult) => void)[] = [];
  const s = createServer((req, res) => {
    void readBody(req, LIMIT).then((r) => {
      results.push(r);
      waiting.shift()?.(r);
      res.writeHead(r.ok ? 200 : 413, { connection: 'close' }).end(r.ok ? String(r.body.length) : r.reason);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, results, next: () => new Promise((r) => waiting.push(r)) };
}

/** Sends `chunks` (chunked encoding unless `length` is given); resolves with the status (or the client error). */
function send(port: number, chunks: readonly Buffer[], length?: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: length === undefined ? {} : { 'content-length': length } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => resolve(err.message));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readBody', () => {
  it('returns the body, joined from its chunks, up to exactly the limit', async () => {
    const s = await server();
    const a = Buffer.alloc(600, 'a');
    const b = Buffer.alloc(400, 'b');
    const got = s.next();
    expect(await send(s.port, [a, b])).toBe(200);
    const r = await got;
    expect(r.ok && r.body.equals(Buffer.concat([a, b]))).toBe(true);
    const empty = s.next();
    expect(await send(s.port, [], 0)).toBe(200);
    const e = await empty;
    expect(e.ok && e.body.length).toBe(0);
  });

  it('refuses a declared Content-Length over the limit without waiting for the body', async () => {
    const s = await server();
    const got = s.next();
    // The body is never sent: an answer can only come from the declared length.
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: s.port, method: 'POST', headers: { 'content-length': LIMIT + 1 } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', () => undefined);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(await got).toEqual({ ok: false, reason: 'too_large', message: `request body too large: Content-Length ${LIMIT + 1}, the limit is ${LIMIT} bytes (http.api.maxBodyBytes)` });
  });

  it('refuses a chunked body as soon as it passes the limit', async () => {
    const s = await server();
    const got = s.next();
    await send(s.port, [Buffer.alloc(700), Buffer.alloc(301)]);
    expect(await got).toEqual({ ok: false, reason: 'too_large', message: `request body too large: more than ${LIMIT} bytes, the limit is ${LIMIT} bytes (http.api.maxBodyBytes)` });
  });

  it('reports an upload the client abandons midway', async () => {
    const s = await server();
    const got = s.next();
    const req = request({ host: '127.0.0.1', port: s.port, method: 'POST', headers: { 'content-length': 900 } });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(100), () => req.destroy());
    const r = await got;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('aborted');
  });
});
