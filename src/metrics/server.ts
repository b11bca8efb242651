import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { BindError } from '../errors.js';
import type { Logger } from '../log.js';

export interface HttpServerOptions {
  readonly address: string;
  readonly port: number;
  readonly registry: Registry;
  /** Whether every listener is bound and the pipeline runs; /readyz answers 503 until then. */
  readonly isReady: () => boolean;
  readonly log: Logger;
  /** Further routes (the HTTP API), asked first: true = answered there; false = handled here as before. */
  readonly routes?: RouteHook;
}

export type RouteHook = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

/** /metrics (Prometheus text format), /healthz (the process answers), /readyz (listeners bound). */
export class HttpServer {
  readonly #server: Server;
  readonly #options: HttpServerOptions;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
    this.#server.maxConnections = 64;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (this.#options.routes && (await this.#guard(path, res, () => this.#options.routes!(req, res, path)))) return;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    try {
      if (path === '/metrics') {
        const body = await this.#options.registry.metrics();
        res.writeHead(200, { 'content-type': this.#options.registry.contentType }).end(req.method === 'HEAD' ? undefined : body);
      } else if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      } else if (path === '/readyz') {
        const ready = this.#options.isReady();
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
      }
    } catch (err) {
      this.#options.log.error({ err, path }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    }
  }

  /** Runs a route; a throw is logged and answered 500 (or cuts the answer short once it has begun). */
  async #guard(path: string, res: ServerResponse, route: () => Promise<boolean>): Promise<boolean> {
    try {
      return await route();
    } catch (err) {
      this.#options.log.error({ err, path }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
      else res.destroy();
      return true;
    }
  }

  start(): Promise<AddressInfo> {
    const { address, port } = this.#options;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) =>
        reject(new BindError(`cannot bind http ${address}:${port}: ${err.code === 'EADDRINUSE' ? 'address already in use (change http.port)' : err.message}`, `http:${address}:${port}`, { cause: err }));
      this.#server.once('error', onError);
      this.#server.listen(port, address, () => {
        this.#server.off('error', onError);
        this.#server.on('error', (err) => this.#options.log.error({ err }, 'http server error'));
        resolve(this.#server.address() as AddressInfo);
      });
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
