/**
 * An offline fake of an OpenAI-compatible chat-completions endpoint (what Ollama's /v1 and llama.cpp's server
 * speak) on 127.0.0.1, port 0. Point `triage.baseUrl` at `fake.baseUrl` (ends in /v1).
 *
 * `POST /v1/chat/completions` is recorded in `requests` when it arrives (headers, raw and parsed body) and
 * answered with the current reply (`reply()`; default: a valid triage answer). A reply can be a model answer
 * (wrapped as `choices[0].message.content`), any raw HTTP answer (status, body), or `'hang'` (never answered).
 * `hold()` parks every answer until `release()`, so a test can look at the world while a request is still open.
 * Anything else answers 404. close() destroys open connections (hanging ones included).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LlmReply =
  /** 200 with `{ choices: [{ message: { role: 'assistant', content } }] }`. */
  | { readonly content: string; readonly delayMs?: number }
  /** Any status and body (a string is sent as it is, anything else as JSON). */
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string>; readonly delayMs?: number }
  | 'hang';

export interface LlmRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  /** The parsed JSON body (undefined when it is not JSON). */
  readonly body: any;
  /** Date.now() when it arrived. */
  readonly at: number;
  /** Date.now() when the answer was sent; null while open (held, delayed or hanging). */
  answeredAt: number | null;
}

/** A model answer in the shape the triage prompt asks for. */
export function triageAnswer(summary: string, severity = 'high'): string {
  return JSON.stringify({ summary, severity });
}

export class FakeLlmApi {
  readonly requests: LlmRequest[] = [];
  readonly #server: Server;
  #reply: LlmReply | ((request: LlmRequest) => LlmReply) = { content: triageAnswer('Someone is guessing SSH user names.') };
  #held: (() => void)[] | null = null;

  constructor(server: Server) {
    this.#server = server;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      // A client that gives up (timeout, stop) mid-request resets the socket: nothing to answer then.
      this.#handle(req, res).catch(() => res.destroy());
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/v1`;
  }

  /** How every later request is answered (a function decides per request). */
  reply(reply: LlmReply | ((request: LlmRequest) => LlmReply)): void {
    this.#reply = reply;
  }

  /** Answers wait until release(). */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const answer of held) answer();
  }

  /** Requests still open (held, delayed or hanging). */
  get open(): number {
    return this.requests.filter((r) => r.answeredAt === null).length;
  }

  reset(): void {
    this.requests.length = 0;
    this.release();
    this.#reply = { content: triageAnswer('Someone is guessing SSH user names.') };
  }

  async close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const request: LlmRequest = { path: req.url, headers: req.headers, raw, body, at: Date.now(), answeredAt: null };
    this.requests.push(request);
    const reply = typeof this.#reply === 'function' ? this.#reply(request) : this.#reply;
    if (reply === 'hang') return;
    if (this.#held !== null) await new Promise<void>((resolve) => this.#held!.push(resolve));
    if (reply.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    request.answeredAt = Date.now();
    if ('content' in reply) {
      const completion = { id: 'chatcmpl-fake', object: 'chat.completion', model: (body as { model?: string } | undefined)?.model ?? '', choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: 'stop' }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion));
      return;
    }
    const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers }).end(text);
  }
}

export async function startFakeLlmApi(): Promise<FakeLlmApi> {
  const server = createServer();
  const fake = new FakeLlmApi(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return fake;
}
