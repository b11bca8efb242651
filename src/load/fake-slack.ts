/**
 * A small fake of Slack's Web API on 127.0.0.1 (a kernel-chosen port) for the load scenarios: auth.test,
 * chat.postMessage, chat.update and chat.postEphemeral, recorded with their outcome. It can be told to fail every
 * call for a while, alternating 500 and 429 with Retry-After (an outage). Point `notify.slack.apiUrl` at `url`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the appliance made it. `args` are the form (or JSON) fields, `blocks` parsed back from JSON. */
export interface SlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly at: number;
  /** The HTTP status answered: 200, or 500/429 during an outage. */
  readonly status: number;
  /** The JSON answered with a 200 (e.g. the `ts` of a posted message). */
  readonly reply: Readonly<Record<string, unknown>> | null;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly url: string;
  readonly #server: Server;
  readonly #channels = new Map<string, string>();
  #outageUntil = 0;
  #retryAfterSeconds = 1;
  #outageAnswers = 0;
  #seq = 0;

  constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.#onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  /** From now until `forMs` has passed, every call fails: 500, then 429 with Retry-After, alternately. */
  outage(forMs: number, retryAfterSeconds: number): void {
    this.#outageUntil = Date.now() + forMs;
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  get inOutage(): boolean {
    return Date.now() < this.#outageUntil;
  }

  /** Successful calls (200 with ok: true) of a method. */
  delivered(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && c.reply?.ok === true);
  }

  /** The channel ID the fake gives a `#name` (IDs pass through). */
  channelId(channel: string): string {
    if (!channel.startsWith('#')) return channel;
    let id = this.#channels.get(channel);
    if (id === undefined) {
      id = `C0LOAD${this.#channels.size + 1}`;
      this.#channels.set(channel, id);
    }
    return id;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const chunk of req) parts.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method !== 'POST' || !path.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    const method = path.slice('/api/'.length);
    const args = parseArgs(Buffer.concat(parts).toString('utf8'), req.headers['content-type']);
    const at = Date.now();
    if (at < this.#outageUntil) {
      const rateLimited = this.#outageAnswers++ % 2 === 1;
      this.calls.push({ method, args, at, status: rateLimited ? 429 : 500, reply: null });
      if (rateLimited) json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.#retryAfterSeconds) });
      else json(res, 500, { ok: false, error: 'fake_outage' });
      return;
    }
    const reply = this.#answer(method, args);
    this.calls.push({ method, args, at, status: 200, reply });
    json(res, 200, reply);
  }

  #answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof args.channel === 'string' ? this.channelId(args.channel) : undefined;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Load', user: 'sentinel', team_id: 'T0LOAD', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage':
        if (channel === undefined) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel, ts: this.#nextTs(), message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.#nextTs() };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  #nextTs(): string {
    return `1700000000.${String(++this.#seq).padStart(6, '0')}`;
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json') === true) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  if (typeof args.blocks === 'string') {
    try {
      args.blocks = JSON.parse(args.blocks);
    } catch {
      // kept as the raw string
    }
  }
  return args;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return new FakeSlack(server);
}
