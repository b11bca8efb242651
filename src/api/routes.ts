/**
 * The HTTP API (`http.api`), as a route hook of the metrics HTTP server (src/metrics/server.ts): POST
 * /api/v1/logs (ingest) and POST /api/v1/detect (a dry run of the rules). Every request goes through the same
 * steps, in this order: endpoint on (else 404), POST (405), bearer token (401), content type (415), body within
 * maxBodyBytes (413), the whole body parsed and validated (400/413; nothing used), then the endpoint's work.
 * The body is only read once the token is right. Once the appliance is stopping (close()), a request is answered
 * 503 and nothing of it is used, even if its body was still arriving: the alert manager and the state files
 * are being closed, so lines taken then could open incidents that are never sent or saved.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiConfig } from '../config/api-schema.js';
import type { Config } from '../config/types.js';
import { normalizeRemoteAddress } from '../ingest/source-allowlist.js';
import type { Logger } from '../log.js';
import { isLoopbackAddress } from '../simulate/target.js';
import { BearerAuth } from './auth.js';
import { readBody } from './body.js';
import { selectRules, streamDetection } from './detect-route.js';
import { ingestEntries, type Client, type IngestTarget } from './logs-route.js';
import { sendError, sendJson } from './reply.js';
import { parseEntries, type BodyFormat, type Entry, type Rejection } from './request-entries.js';

export const API_ENDPOINTS = ['logs', 'detect'] as const;
export type ApiEndpoint = (typeof API_ENDPOINTS)[number];

const PATHS: Readonly<Record<string, ApiEndpoint>> = { '/api/v1/logs': 'logs', '/api/v1/detect': 'detect' };

/** At most this many per-line errors are listed in an answer (all are counted). */
export const MAX_LISTED_ERRORS = 100;

/** Counts requests and entries; implemented by src/metrics/api-metrics.ts. */
export interface ApiObserver {
  request(endpoint: ApiEndpoint, status: number): void;
  entries(endpoint: ApiEndpoint, outcome: 'accepted' | 'rejected', count: number): void;
}

export interface ApiRoutesOptions {
  readonly api: ApiConfig;
  /** http.address: the API is plain HTTP, so anything but loopback is warned about at start. */
  readonly address: string;
  /** Where ingested lines go: the live pipeline and the ingest metrics. */
  readonly ingest: IngestTarget;
  /** The running config (its rules change on reload). */
  readonly config: () => Config;
  readonly observer: ApiObserver;
  readonly log: Logger;
  readonly now: () => number;
}

export class ApiRoutes {
  readonly #o: ApiRoutesOptions;
  readonly #auth: BearerAuth | null;
  #closed = false;

  constructor(options: ApiRoutesOptions) {
    this.#o = options;
    const { api } = options;
    // The schema requires a token whenever an endpoint is on.
    this.#auth = api.token !== undefined && (api.ingest || api.detect) ? new BearerAuth(api.token) : null;
    if (this.#auth !== null && !isLoopbackAddress(options.address)) {
      options.log.warn(
        { address: options.address, ingest: api.ingest, detect: api.detect },
        'http.api is on and http.address is not a loopback address: the server speaks plain HTTP, so the API token and the posted logs cross the network unencrypted; bind http.address to 127.0.0.1 and put a TLS reverse proxy in front',
      );
    }
  }

  get enabled(): boolean {
    return this.#auth !== null;
  }

  /** The appliance is stopping: from now on every API request is answered 503 and nothing is used. */
  close(): void {
    this.#closed = true;
  }

  /** The HttpServer route hook: true when the request was answered here. */
  handle = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== '/api' && !path.startsWith('/api/')) return false;
    const endpoint = PATHS[path];
    if (endpoint === undefined || !this.#isOn(endpoint)) {
      const hint = endpoint === undefined ? 'the API has POST /api/v1/logs and POST /api/v1/detect' : `POST ${path} is off (http.api.${endpoint === 'logs' ? 'ingest' : 'detect'}: true turns it on)`;
      sendError(res, 404, `not found: ${hint}`);
      return true;
    }
    res.once('close', () => this.#o.observer.request(endpoint, res.statusCode));
    await this.#serve(endpoint, req, res);
    return true;
  };

  #isOn(endpoint: ApiEndpoint): boolean {
    return this.#auth !== null && (endpoint === 'logs' ? this.#o.api.ingest : this.#o.api.detect);
  }

  async #serve(endpoint: ApiEndpoint, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendError(res, 405, 'method not allowed: use POST', {}, { allow: 'POST' });
      return;
    }
    if (!this.#auth!.allows(req.headers.authorization)) {
      const challenge = req.headers.authorization === undefined ? 'Bearer realm="syslog-sentinel"' : 'Bearer realm="syslog-sentinel", error="invalid_token"';
      sendError(res, 401, 'unauthorized: send Authorization: Bearer <http.api.token>', {}, { 'www-authenticate': challenge });
      return;
    }
    const format = bodyFormat(req.headers['content-type']);
    if (format === null) {
      sendError(res, 415, 'unsupported Content-Type: send text/plain (syslog lines) or application/x-ndjson (JSON entries), one per line');
      return;
    }
    if (this.#refusedWhileStopping(res)) return;
    const { api } = this.#o;
    const body = await readBody(req, api.maxBodyBytes);
    // Checked again: the appliance may have begun stopping while the body arrived.
    if (this.#refusedWhileStopping(res)) return;
    if (!body.ok) {
      // Closing the connection spares reading the rest of a body that is refused anyway.
      sendError(res, body.reason === 'too_large' ? 413 : 400, `${body.message}; nothing was used`, {}, { connection: 'close' });
      return;
    }
    const parsed = parseEntries(body.body, format, api);
    if (!parsed.ok) {
      sendError(res, parsed.status, parsed.message);
      return;
    }
    const client: Client = { address: normalizeRemoteAddress(req.socket.remoteAddress ?? 'unknown'), port: req.socket.remotePort ?? 0 };
    if (endpoint === 'logs') {
      ingestEntries(parsed.entries, client, this.#o.ingest, this.#o.now);
      this.#count(endpoint, parsed.entries.length, parsed.rejected.length);
      sendJson(res, 202, { accepted: parsed.entries.length, rejected: parsed.rejected.length, errors: listed(parsed.rejected) });
      return;
    }
    await this.#detect(req, res, parsed.entries, parsed.rejected, client);
  }

  async #detect(req: IncomingMessage, res: ServerResponse, entries: readonly Entry[], rejected: readonly Rejection[], client: Client): Promise<void> {
    // A dry run answers about every line or none: with entries left out, the incidents shown would mislead.
    if (rejected.length > 0) {
      this.#count('detect', 0, rejected.length);
      sendError(res, 400, `${rejected.length} line${rejected.length > 1 ? 's' : ''} cannot be used; nothing was run`, { rejected: rejected.length, errors: listed(rejected) });
      return;
    }
    const config = this.#o.config();
    const selection = selectRules(config.rules, new URL(req.url ?? '/', 'http://api').searchParams.get('rules'));
    if (!selection.ok) {
      sendError(res, 400, selection.message);
      return;
    }
    this.#count('detect', entries.length, 0);
    const log = this.#o.log.child({ endpoint: 'detect' });
    try {
      const outcome = await streamDetection({ config, rules: selection.rules, entries, client, now: this.#o.now(), log }, res);
      if (!outcome.complete) log.info({ client: client.address, events: outcome.events }, 'detect: the client went away before the answer was complete');
    } catch (err) {
      // After the 200 and some events, an error can only cut the answer short: the client sees no clean end.
      log.error({ err }, 'detect failed while streaming');
      res.destroy();
    }
  }

  #refusedWhileStopping(res: ServerResponse): boolean {
    if (!this.#closed) return false;
    sendError(res, 503, 'the appliance is stopping; nothing was used: send again once it is back', {}, { 'retry-after': '10', connection: 'close' });
    return true;
  }

  #count(endpoint: ApiEndpoint, accepted: number, rejected: number): void {
    if (accepted > 0) this.#o.observer.entries(endpoint, 'accepted', accepted);
    if (rejected > 0) this.#o.observer.entries(endpoint, 'rejected', rejected);
  }
}

function listed(rejected: readonly Rejection[]): readonly Rejection[] {
  return rejected.slice(0, MAX_LISTED_ERRORS);
}

function bodyFormat(contentType: string | undefined): BodyFormat | null {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'text/plain') return 'text';
  if (media === 'application/x-ndjson' || media === 'application/ndjson') return 'ndjson';
  return null;
}
