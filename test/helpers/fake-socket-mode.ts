/**
 * An offline fake of Slack's Socket Mode WebSocket endpoint.
 *
 * `startFakeSocketMode(api)` listens on 127.0.0.1 (port 0) and makes the fake Web API's apps.connections.open return
 * its ws:// URL, so a Bolt app with `socketMode: true, appToken: 'xapp-…', clientOptions: { slackApiUrl: api.url }`
 * connects to it. Every connection gets `{"type":"hello"}` (which is what makes `app.start()` resolve); every message
 * the client sends is recorded; `send()` pushes an envelope and resolves with the client's ack for it.
 *
 * Teardown order: `await app.stop()` FIRST, then `await socket.close()`, then `await api.close()`. `app.stop()` resolves
 * before the close handshake has finished, and the Socket Mode client keeps a 30 s close-handshake timer until the server
 * answers its close frame; `close()` therefore waits for clients that are closing to finish, and only then terminates
 * whatever is left. Closing the fake while the app still runs makes the client schedule a reconnect instead.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { FakeSlackApi } from './fake-slack-api.js';

export type EnvelopeType = 'interactive' | 'slash_commands' | 'events_api';

/** What the client sent back for an envelope: `{ envelope_id, payload }` (payload `{}` for a bare `ack()`). */
export interface SocketAck {
  envelope_id: string;
  payload?: any;
  /** Date.now() when it arrived. */
  at: number;
}

export interface SendOptions {
  /** `accepts_response_payload` of the envelope. Default: true for slash_commands, false otherwise (as Slack does). */
  acceptsResponsePayload?: boolean;
  /** How long to wait for a connected client and then for the ack. Default 3000 ms. */
  timeoutMs?: number;
  /** Use this envelope_id instead of a fresh one. */
  envelopeId?: string;
  /** events_api only: `retry_attempt` / `retry_reason` of the envelope. */
  retryAttempt?: number;
  retryReason?: string;
}

export interface StartFakeSocketModeOptions {
  /** Send `{"type":"hello"}` on connection (default true). Without it `app.start()` does not resolve. */
  hello?: boolean;
}

interface Pending {
  resolve: (ack: SocketAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class FakeSocketMode {
  /** `ws://127.0.0.1:<port>/link/` (what apps.connections.open hands out, plus `?ticket=N`). */
  readonly url: string;
  readonly port: number;
  /** Every message any client sent, parsed (raw string when not JSON). */
  readonly received: unknown[] = [];
  /** Every message that carried an `envelope_id`. */
  readonly acks: SocketAck[] = [];
  /** Every envelope pushed with send()/sendRaw(), in order. */
  readonly sent: unknown[] = [];
  /** How many WebSocket connections were accepted in total (reconnects included). */
  connectionCount = 0;

  readonly #wss: WebSocketServer;
  readonly #api: FakeSlackApi;
  readonly #clients: WebSocket[] = [];
  readonly #pending = new Map<string, Pending>();
  readonly #connectWaiters = new Set<() => void>();
  readonly #sendHello: boolean;
  #seq = 0;
  #closed = false;

  /** Use startFakeSocketMode(). */
  constructor(wss: WebSocketServer, api: FakeSlackApi, options: StartFakeSocketModeOptions) {
    this.#wss = wss;
    this.#api = api;
    this.#sendHello = options.hello ?? true;
    this.port = (wss.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}/link/`;
    api.socketModeUrl = this.url;
    wss.on('connection', (ws) => this.#onConnection(ws));
  }

  /** The number of clients currently connected (OPEN). */
  get openClients(): number {
    return this.#clients.filter((c) => c.readyState === WebSocket.OPEN).length;
  }

  /** Resolve once a client is connected (and, by default, has been sent hello). Rejects after timeoutMs. */
  async connected(timeoutMs = 5000): Promise<void> {
    await this.#latestClient(timeoutMs);
  }

  /**
   * Push a Slack-shaped envelope `{ envelope_id, type, accepts_response_payload, payload }` to the newest connected
   * client and resolve with its ack. Rejects (with the acks seen so far) if no ack arrives within `timeoutMs`.
   * The returned promise is pre-marked as handled: not awaiting it never causes an unhandled rejection.
   */
  send(type: EnvelopeType, payload: unknown, options: SendOptions = {}): Promise<SocketAck> {
    const timeoutMs = options.timeoutMs ?? 3000;
    const envelopeId = options.envelopeId ?? `fake-env-${++this.#seq}-${randomUUID().slice(0, 8)}`;
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      accepts_response_payload: options.acceptsResponsePayload ?? type === 'slash_commands',
      payload,
    };
    if (type === 'events_api') {
      envelope.retry_attempt = options.retryAttempt ?? 0;
      envelope.retry_reason = options.retryReason ?? '';
    }
    const started = Date.now();
    const promise = (async () => {
      const client = await this.#latestClient(timeoutMs);
      const ack = new Promise<SocketAck>((resolve, reject) => {
        const remaining = Math.max(1, timeoutMs - (Date.now() - started));
        const timer = setTimeout(() => {
          this.#pending.delete(envelopeId);
          reject(
            new Error(
              `fake Socket Mode: no ack for ${type} envelope ${envelopeId} within ${timeoutMs} ms. ` +
                `Acks received: ${JSON.stringify(this.acks.map((a) => a.envelope_id))}`,
            ),
          );
        }, remaining);
        timer.unref();
        this.#pending.set(envelopeId, { resolve, reject, timer });
      });
      this.sent.push(envelope);
      client.send(JSON.stringify(envelope));
      return ack;
    })();
    promise.catch(() => {});
    return promise;
  }

  /** Send any JSON message to the newest connected client (no ack tracking). */
  async sendRaw(message: unknown, timeoutMs = 3000): Promise<void> {
    const client = await this.#latestClient(timeoutMs);
    this.sent.push(message);
    client.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /**
   * Ask the client to reconnect, as Slack does when it recycles a connection. (The Socket Mode client then waits
   * `clientPingTimeout × failures` — 5 s by default — before calling apps.connections.open again.)
   */
  async requestDisconnect(reason = 'refresh_requested'): Promise<void> {
    await this.sendRaw({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } });
  }

  /**
   * Close every connection with a proper close handshake (code 1000), wait up to graceMs for each to finish, terminate
   * whatever is left, stop the server, and reject acks still pending. Idempotent.
   * Call it after `app.stop()`: a still-running app's client would answer the close and schedule a reconnect.
   */
  async close(graceMs = 2000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`fake Socket Mode closed before envelope ${id} was acked`));
    }
    this.#pending.clear();
    const live = this.#clients.filter((c) => c.readyState !== WebSocket.CLOSED);
    await Promise.all(
      live.map(
        (c) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              c.terminate();
              resolve();
            }, graceMs);
            c.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            // Answering (or starting) the close handshake ourselves is what lets the client drop its 30 s
            // close-handshake timer; terminate() alone would leave that timer holding the process.
            if (c.readyState === WebSocket.OPEN) c.close(1000, 'fake socket mode closing');
          }),
      ),
    );
    for (const c of this.#clients) c.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    if (this.#api.socketModeUrl === this.url) this.#api.socketModeUrl = undefined;
  }

  #onConnection(ws: WebSocket): void {
    this.connectionCount += 1;
    this.#clients.push(ws);
    ws.on('close', () => {
      const i = this.#clients.indexOf(ws);
      if (i >= 0) this.#clients.splice(i, 1);
    });
    ws.on('error', () => {}); // a reset client must not crash the test process
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : String(data);
      let message: unknown = text;
      try {
        message = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      this.received.push(message);
      if (typeof message === 'object' && message !== null && typeof (message as { envelope_id?: unknown }).envelope_id === 'string') {
        const m = message as { envelope_id: string; payload?: unknown };
        const ack: SocketAck = { envelope_id: m.envelope_id, payload: m.payload, at: Date.now() };
        this.acks.push(ack);
        const pending = this.#pending.get(m.envelope_id);
        if (pending !== undefined) {
          this.#pending.delete(m.envelope_id);
          clearTimeout(pending.timer);
          pending.resolve(ack);
        }
      }
    });
    if (this.#sendHello) {
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-socket-mode' }, connection_info: { app_id: 'A0APP' } }));
    }
    for (const wake of this.#connectWaiters) wake();
  }

  async #latestClient(timeoutMs: number): Promise<WebSocket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = this.#clients.filter((c) => c.readyState === WebSocket.OPEN);
      const newest = open[open.length - 1];
      if (newest !== undefined) return newest;
      if (this.#closed) throw new Error('fake Socket Mode server is closed');
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `fake Socket Mode: no client connected within ${timeoutMs} ms ` +
            `(connections so far: ${this.connectionCount}; apps.connections.open calls: ${this.#api.callsOf('apps.connections.open').length})`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.#connectWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 50));
        this.#connectWaiters.add(wake);
      });
    }
  }
}

/** Start the fake Socket Mode server and attach it to `api` (its apps.connections.open now returns our URL). */
export async function startFakeSocketMode(api: FakeSlackApi, options: StartFakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  return new FakeSocketMode(wss, api, options);
}
