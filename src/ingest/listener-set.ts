/** Builds every configured listener, starts them all or none, stops them all. */
import type { ListenerConfig } from '../config/types.js';
import { TcpListener, type TcpListenerDeps } from './tcp-listener.js';
import { UdpListener, type UdpListenerDeps } from './udp-listener.js';
import type { UdpSocketEndpoint } from './udp-kernel-drops.js';
import type { IngestListener } from './types.js';

export type ListenerSetDeps = UdpListenerDeps & TcpListenerDeps;

function createListener(config: ListenerConfig, deps: ListenerSetDeps): UdpListener | TcpListener {
  return config.protocol === 'udp' ? new UdpListener(config, deps) : new TcpListener(config, deps);
}

export class ListenerSet {
  readonly listeners: readonly (UdpListener | TcpListener)[];
  #started: IngestListener[] = [];
  #stopping: Promise<void> | null = null;

  constructor(configs: readonly ListenerConfig[], deps: ListenerSetDeps) {
    this.listeners = configs.map((c) => createListener(c, deps));
  }

  /**
   * Starts the listeners in config order. If one fails (BindError, bad TLS material), the ones already
   * started are stopped and the promise rejects with that first error.
   */
  async start(): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener.start();
      } catch (err) {
        await this.#stopStarted();
        throw err;
      }
      this.#started.push(listener);
    }
  }

  /** Stops every started listener (in parallel); idempotent. Never rejects. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stopStarted();
    return this.#stopping;
  }

  /** The bound UDP sockets, for readUdpKernelDrops at each scrape. */
  udpEndpoints(): UdpSocketEndpoint[] {
    const out: UdpSocketEndpoint[] = [];
    for (const l of this.listeners) {
      const e = l instanceof UdpListener ? l.kernelDropEndpoint() : null;
      if (e !== null) out.push(e);
    }
    return out;
  }

  async #stopStarted(): Promise<void> {
    const started = this.#started;
    this.#started = [];
    await Promise.allSettled(started.map((l) => l.stop()));
  }
}
