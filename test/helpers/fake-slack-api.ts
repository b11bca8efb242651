/**
 * An offline fake of Slack's Web API (plus response_url and incoming-webhook sinks) on 127.0.0.1, port 0.
 * Point Bolt / WebClient at it with `clientOptions.slackApiUrl: fake.url`.
 *
 * What it understands:
 * - `POST /api/<method>`: form-encoded (what WebClient v8 sends) or JSON bodies. JSON-string fields such as `blocks`
 *   and `attachments` are parsed back into objects. Every attempt is recorded in `calls`, failed ones included, so retries
 *   can be counted.
 * - `POST /response/<id>`: a `response_url` sink (what Bolt's `respond()` posts to), recorded in `responses`.
 * - `POST /webhook/<path>`: an incoming-webhook sink, recorded in `webhooks`, answering 200 `ok` like Slack does.
 *
 * How a request is answered, first match wins:
 *   1. an outage set with `failAll(method | '*', ...)` (until `recover()`, or until its `times`/`forMs` run out);
 *   2. the next scripted reply queued with `force(method, ...)`;
 *   3. a custom handler set with `handle(method, fn)`;
 *   4. the built-in behaviour (auth.test, chat.postMessage, chat.update, chat.postEphemeral, apps.connections.open;
 *      any other method answers `{ ok: false, error: 'unknown_method' }`).
 * The pseudo-methods `'webhook'` and `'response'` address the two sinks in `force`/`failAll`/`handle`; `'*'` in
 * `failAll` covers every Web API method and both sinks ("Slack is unreachable").
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted HTTP reply. `body`: an object/array/number/boolean is sent as JSON; a string is sent as-is; undefined → empty. */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** How an outage fails: an HTTP reply, `'reset'` (the socket is destroyed: fetch fails, like ECONNRESET), or `'hang'` (never answered). */
export type FakeFailure = FakeReply | 'reset' | 'hang';

/** What a request ended up getting: the HTTP status, or `'reset'` / `'hang'`. Undefined while a handler is still running. */
export type FakeOutcome = number | 'reset' | 'hang';

/** One recorded Web API request (one attempt: a retried call appears once per attempt). */
export interface FakeCall {
  /** e.g. `chat.postMessage` */
  method: string;
  /** The form/JSON fields, with `blocks`, `attachments`, `metadata`, ... parsed from their JSON strings. */
  args: Record<string, any>;
  /** The Authorization header, e.g. `Bearer xoxb-...` (the app token `xapp-...` for apps.connections.open). */
  auth: string | undefined;
  /** Date.now() when the request arrived. */
  at: number;
  headers: IncomingHttpHeaders;
  outcome?: FakeOutcome;
}

/** One recorded POST to a sink (`/response/...` or `/webhook/...`). */
export interface FakePost {
  /** The full request path, e.g. `/response/1` or `/webhook/T0/B0/xyz`. */
  path: string;
  /** The part after `/response/` or `/webhook/`. */
  id: string;
  /** The parsed JSON body (or the raw string when it is not JSON). */
  body: any;
  at: number;
  headers: IncomingHttpHeaders;
  outcome?: FakeOutcome;
}

/** A message as the fake remembers it: created by chat.postMessage, changed by chat.update. */
export interface FakeMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  thread_ts: string | undefined;
  /** How many chat.update calls changed it. */
  updates: number;
}

/**
 * A custom handler. Return a plain object to answer 200 with that JSON (the Web API wants `ok: true|false` in it);
 * return `fakeReply({ status, headers, body })` for any other reply, or `'reset'` / `'hang'` to fail the request.
 */
export type FakeHandler = (call: FakeCall) => unknown;

const REPLY = Symbol('fakeReply');
type BrandedReply = FakeReply & { [REPLY]: true };

/** Wrap a full reply so a `handle()` function can return a status/headers, not just a 200 JSON body. */
export function fakeReply(reply: FakeReply): FakeReply {
  return { ...reply, [REPLY]: true } as BrandedReply;
}

/** 200 `{ ok: false, error }`: becomes a WebAPIPlatformError (never retried). */
export function okFalse(error: string, extra: Record<string, unknown> = {}): FakeReply {
  return { status: 200, body: { ok: false, error, ...extra } };
}

/** A non-200 reply (500, 502, 503...): becomes a WebAPIHTTPError (retried per retryConfig). */
export function httpError(status = 500, body: unknown = 'fake server error'): FakeReply {
  return { status, body };
}

/** 429 with `Retry-After: <seconds>`. */
export function rateLimited(retryAfterSeconds = 1): FakeReply {
  return { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
}

/** The fake channel ID the fake assigns to a `#name` (stable: 'C' + 10 uppercase hex chars of a hash of the name). IDs pass through. */
export function fakeChannelId(channel: string): string {
  if (!channel.startsWith('#')) return channel;
  return 'C' + createHash('sha1').update(channel.slice(1)).digest('hex').slice(0, 10).toUpperCase();
}

/** Form fields that WebClient serialises as JSON strings; the fake parses them back. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view', 'unfurls', 'user_auth_blocks', 'reply_broadcast_blocks']);

interface Outage {
  failure: FakeFailure;
  remaining: number; // Infinity when unlimited
  until: number; // Infinity when unlimited
}

export interface FailAllLimit {
  /** Fail only this many requests, then answer normally again. */
  times?: number;
  /** Fail only for this many milliseconds from now. */
  forMs?: number;
}

export class FakeSlackApi {
  /** Base Web API URL, ending in `/api/`: pass as `clientOptions.slackApiUrl`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly port: number;
  /** Every Web API request, in arrival order. */
  readonly calls: FakeCall[] = [];
  /** Every POST to `/response/<id>` (Bolt `respond()`). */
  readonly responses: FakePost[] = [];
  /** Every POST to `/webhook/<path>` (incoming webhooks). */
  readonly webhooks: FakePost[] = [];
  /** Messages posted through chat.postMessage, keyed `${channel}/${ts}`, kept current by chat.update. */
  readonly messages = new Map<string, FakeMessage>();
  /**
   * What apps.connections.open returns as `url`; set by startFakeSocketMode(). While undefined,
   * apps.connections.open answers `{ ok: false, error: 'no_fake_socket_mode_server' }`.
   */
  socketModeUrl: string | undefined;

  readonly #server: Server;
  readonly #forced = new Map<string, FakeFailure[]>();
  readonly #outages = new Map<string, Outage>();
  readonly #handlers = new Map<string, FakeHandler>();
  #seq = 0;
  #opens = 0;
  #closed = false;

  /** Use startFakeSlackApi(). */
  constructor(server: Server) {
    this.#server = server;
    this.port = (server.address() as AddressInfo).port;
    this.base = `http://127.0.0.1:${this.port}`;
    this.url = `${this.base}/api/`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake slack api crashed: ${String(err)}`);
        }
      });
    });
  }

  /** `${base}/response/${id}`: put this in payloads as `response_url`. */
  responseUrl(id: string | number): string {
    return `${this.base}/response/${id}`;
  }

  /** `${base}/webhook/${path}`: an incoming-webhook URL that records into `webhooks`. */
  webhookUrl(path: string | number = 'T0FAKE/B0FAKE/fakewebhook'): string {
    return `${this.base}/webhook/${path}`;
  }

  /** The channel ID the fake gives `#name` (IDs pass through). */
  channelId(channel: string): string {
    return fakeChannelId(channel);
  }

  /**
   * Queue scripted replies for `method` (or 'webhook' / 'response'), consumed one per request, in order.
   * A reply may also be `'reset'` (destroy that connection) or `'hang'` (never answer that request).
   */
  force(method: string, ...replies: FakeFailure[]): void {
    const queue = this.#forced.get(method) ?? [];
    queue.push(...replies);
    this.#forced.set(method, queue);
  }

  /**
   * Make `method` ('*' = everything, including the webhook and response sinks) fail with `failure` until `recover()`,
   * or only `times` requests / for `forMs` ms. A method-specific outage takes precedence over '*'.
   */
  failAll(method: string, failure: FakeFailure, limit: FailAllLimit = {}): void {
    this.#outages.set(method, {
      failure,
      remaining: limit.times ?? Infinity,
      until: limit.forMs === undefined ? Infinity : Date.now() + limit.forMs,
    });
  }

  /** End the outage of `method`, or every outage when called without an argument. Requests already hanging stay hung. */
  recover(method?: string): void {
    if (method === undefined) this.#outages.clear();
    else this.#outages.delete(method);
  }

  /** Replace the built-in behaviour of `method` (or 'webhook' / 'response'). See FakeHandler. */
  handle(method: string, fn: FakeHandler): void {
    this.#handlers.set(method, fn);
  }

  /** Recorded calls of one method. */
  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The current state of a message posted through the fake (channel as ID or `#name`). */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.get(`${fakeChannelId(channel)}/${ts}`);
  }

  /**
   * Poll until at least `n` calls of `method` were recorded and return them (all of them, in order).
   * On timeout, throws an error that lists every call the fake has seen.
   */
  async waitFor(method: string, n = 1, timeoutMs = 5000): Promise<FakeCall[]> {
    return this.#poll(() => this.callsOf(method), n, timeoutMs, `${n} call(s) of ${method}`);
  }

  /** Poll until at least `n` webhook posts were recorded. */
  async waitForWebhooks(n = 1, timeoutMs = 5000): Promise<FakePost[]> {
    return this.#poll(() => this.webhooks, n, timeoutMs, `${n} incoming-webhook post(s)`);
  }

  /** Poll until at least `n` response_url posts were recorded. */
  async waitForResponses(n = 1, timeoutMs = 5000): Promise<FakePost[]> {
    return this.#poll(() => this.responses, n, timeoutMs, `${n} response_url post(s)`);
  }

  /** A one-line-per-request summary of everything seen, for error messages. */
  describe(): string {
    const lines = this.calls.map((c) => `  ${c.method} -> ${c.outcome ?? 'pending'} ${summarise(c.args)}`);
    for (const p of this.responses) lines.push(`  POST /response/${p.id} -> ${p.outcome ?? 'pending'} ${summarise(p.body)}`);
    for (const p of this.webhooks) lines.push(`  POST /webhook/${p.id} -> ${p.outcome ?? 'pending'} ${summarise(p.body)}`);
    return lines.length === 0 ? '  (none)' : lines.join('\n');
  }

  /** Forget recordings, scripted replies, outages, handlers and messages. Keeps socketModeUrl and the ts sequence. */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.webhooks.length = 0;
    this.messages.clear();
    this.#forced.clear();
    this.#outages.clear();
    this.#handlers.clear();
  }

  /** Drop every connection (keep-alive and hanging ones included) and stop listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #poll<T>(get: () => T[], n: number, timeoutMs: number, what: string): Promise<T[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = get();
      if (found.length >= n) return [...found];
      if (Date.now() >= deadline) {
        throw new Error(
          `fake Slack API: timed out after ${timeoutMs} ms waiting for ${what}; got ${found.length}. Requests seen:\n${this.describe()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  #nextTs(): string {
    return `1700000000.${String(++this.#seq).padStart(6, '0')}`;
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const raw = Buffer.concat(parts).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const at = Date.now();

    if (req.method === 'POST' && (path.startsWith('/response/') || path.startsWith('/webhook/'))) {
      const sink = path.startsWith('/response/') ? 'response' : 'webhook';
      const post: FakePost = { path, id: path.slice(sink.length + 2), body: parseJsonLoose(raw), at, headers: req.headers };
      (sink === 'response' ? this.responses : this.webhooks).push(post);
      const call: FakeCall = { method: sink, args: post.body, auth: req.headers.authorization, at, headers: req.headers };
      post.outcome = await this.#answer(sink, call, res, () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' }));
      return;
    }

    if (!path.startsWith('/api/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const method = path.slice('/api/'.length);
    const call: FakeCall = { method, args: parseArgs(raw, req.headers['content-type']), auth: req.headers.authorization, at, headers: req.headers };
    this.calls.push(call);
    call.outcome = await this.#answer(method, call, res, () => this.#builtin(call));
  }

  /** Apply outage → forced → handler → default, write the reply, and return the outcome. */
  async #answer(method: string, call: FakeCall, res: ServerResponse, fallback: () => FakeReply): Promise<FakeOutcome> {
    const outage = this.#activeOutage(method);
    if (outage !== undefined) return send(res, outage);
    const forced = this.#forced.get(method)?.shift();
    if (forced !== undefined) return send(res, forced);
    const handler = this.#handlers.get(method);
    if (handler !== undefined) {
      const result = await handler(call);
      if (result === 'reset' || result === 'hang') return send(res, result);
      if (isBranded(result)) return send(res, result);
      return send(res, { status: 200, body: result ?? { ok: true } });
    }
    return send(res, fallback());
  }

  #activeOutage(method: string): FakeFailure | undefined {
    for (const key of [method, '*']) {
      const outage = this.#outages.get(key);
      if (outage === undefined) continue;
      if (outage.remaining <= 0 || Date.now() >= outage.until) {
        this.#outages.delete(key);
        continue;
      }
      outage.remaining -= 1;
      return outage.failure;
    }
    return undefined;
  }

  #builtin(call: FakeCall): FakeReply {
    const ok = (body: Record<string, unknown>): FakeReply => ({ status: 200, body: { ok: true, ...body } });
    const { args } = call;
    switch (call.method) {
      case 'auth.test':
        return ok({ url: 'https://fake.slack.com/', team: 'Fake Team', user: 'syslog-bot', team_id: 'T0FAKE', user_id: 'U0BOT', bot_id: 'B0BOT' });
      case 'chat.postMessage': {
        if (typeof args.channel !== 'string' || args.channel === '') return okFalse('channel_not_found');
        const channel = fakeChannelId(args.channel);
        const ts = this.#nextTs();
        this.messages.set(`${channel}/${ts}`, {
          channel,
          ts,
          text: args.text,
          blocks: args.blocks,
          attachments: args.attachments,
          thread_ts: args.thread_ts,
          updates: 0,
        });
        return ok({ channel, ts, message: { type: 'message', text: args.text, blocks: args.blocks, user: 'U0BOT', bot_id: 'B0BOT', ts } });
      }
      case 'chat.update': {
        const channel = typeof args.channel === 'string' ? fakeChannelId(args.channel) : args.channel;
        const message = this.messages.get(`${channel}/${args.ts}`);
        if (message !== undefined) {
          if ('text' in args) message.text = args.text;
          if ('blocks' in args) message.blocks = args.blocks;
          if ('attachments' in args) message.attachments = args.attachments;
          message.updates += 1;
        }
        return ok({ channel, ts: args.ts, text: args.text });
      }
      case 'chat.postEphemeral':
        return ok({ message_ts: this.#nextTs() });
      case 'apps.connections.open':
        if (this.socketModeUrl === undefined) return okFalse('no_fake_socket_mode_server');
        return ok({ url: `${this.socketModeUrl}${this.socketModeUrl.includes('?') ? '&' : '?'}ticket=${++this.#opens}` });
      default:
        return okFalse('unknown_method');
    }
  }
}

function isBranded(x: unknown): x is FakeReply {
  return typeof x === 'object' && x !== null && (x as Partial<BrandedReply>)[REPLY] === true;
}

function send(res: ServerResponse, reply: FakeFailure): FakeOutcome {
  if (reply === 'reset') {
    res.socket?.destroy();
    return 'reset';
  }
  if (reply === 'hang') return 'hang';
  let body = '';
  const headers: Record<string, string> = {};
  if (typeof reply.body === 'string') {
    body = reply.body;
    headers['content-type'] = 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, { ...headers, ...reply.headers }).end(body);
  return reply.status;
}

function parseJsonLoose(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, any> {
  if (contentType?.includes('application/json')) {
    const parsed = parseJsonLoose(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, any>) : { _raw: raw };
  }
  const args: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const key of Object.keys(args)) {
    if (JSON_FIELDS.has(key) && typeof args[key] === 'string') args[key] = parseJsonLoose(args[key]);
  }
  return args;
}

function summarise(args: unknown): string {
  if (typeof args !== 'object' || args === null) return JSON.stringify(args ?? null).slice(0, 80);
  const a = args as Record<string, unknown>;
  const bits: string[] = [];
  for (const key of ['channel', 'ts', 'user', 'text']) {
    if (typeof a[key] === 'string') bits.push(`${key}=${JSON.stringify((a[key] as string).slice(0, 60))}`);
  }
  return bits.length > 0 ? bits.join(' ') : JSON.stringify(args).slice(0, 80);
}

/** Start the fake on 127.0.0.1, an ephemeral port. Close it with `close()` in afterAll/afterEach. */
export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return new FakeSlackApi(server);
}
