/**
 * A full garbage collection on demand in the appliance, through the V8 inspector it was started with
 * (`--inspect=127.0.0.1:0`): HeapProfiler.collectGarbage, then process.memoryUsage() and VmRSS. V8 collects its
 * old generation lazily, so RSS between collections swings by tens of MB with garbage; right after a forced full
 * collection it is what the process really holds, which is what a leak makes grow.
 */
import WebSocket from 'ws';
import { readProcessMemory } from './process-memory.js';

export interface LiveReading {
  /** ms on the monitor's clock. */
  readonly t: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The heap V8 keeps (used or not): RSS minus this minus external is memory outside V8 (sockets, allocator). */
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  /** How long the collection paused the appliance. */
  readonly gcMs: number;
}

const CALL_TIMEOUT_MS = 15_000;

/** The inspector's WebSocket URL from the line Node prints on stderr, or null. */
export function inspectorUrl(line: string): string | null {
  const m = /^Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(line);
  return m === null ? null : m[1]!;
}

export class InspectorSession {
  readonly #ws: WebSocket;
  readonly #pid: number;
  #nextId = 1;

  private constructor(ws: WebSocket, pid: number) {
    this.#ws = ws;
    this.#pid = pid;
  }

  static connect(url: string, pid: number): Promise<InspectorSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('error', reject);
      ws.once('open', () => {
        // Once open, a broken connection (the appliance died) must not throw here: a pending call times out.
        ws.off('error', reject);
        ws.on('error', () => undefined);
        resolve(new InspectorSession(ws, pid));
      });
    });
  }

  #call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#ws.off('message', onMessage);
        reject(new Error(`inspector ${method}: no answer within ${CALL_TIMEOUT_MS} ms`));
      }, CALL_TIMEOUT_MS);
      const onMessage = (data: WebSocket.RawData): void => {
        const msg = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (msg.id !== id) return;
        clearTimeout(timer);
        this.#ws.off('message', onMessage);
        if (msg.error !== undefined) reject(new Error(`inspector ${method}: ${msg.error.message}`));
        else resolve(msg.result ?? {});
      };
      this.#ws.on('message', onMessage);
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Collects garbage fully, then reads the appliance's memory. */
  async live(t: number): Promise<LiveReading> {
    const t0 = performance.now();
    await this.#call('HeapProfiler.collectGarbage');
    const gcMs = performance.now() - t0;
    const res = await this.#call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const usage = JSON.parse(String((res.result as { value?: unknown } | undefined)?.value)) as { heapUsed: number; heapTotal: number; external: number };
    const rssBytes = readProcessMemory(this.#pid)?.rssBytes ?? null;
    if (rssBytes === null) throw new Error('the appliance is gone');
    return { t, rssBytes, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external, gcMs };
  }

  /** Disconnects (Node would otherwise wait for the debugger to go before it exits). */
  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#ws.once('close', () => resolve());
      this.#ws.close();
      setTimeout(() => {
        this.#ws.terminate();
        resolve();
      }, 1000).unref();
    });
  }
}
