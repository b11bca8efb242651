/**
 * The TCP half of the fuzz run: a few workers, each opening one connection after another to the main TCP
 * listener and writing a planned stream (stream-plan.ts) with the socket's backpressure (a write that returns
 * false waits for 'drain'), then ending it with FIN or a reset. What the appliance must count is summed from the
 * plans; a connection the appliance breaks off, or that does not close, is an error here.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { drained } from '../harness/socket-drain.js';
import { Random } from '../simulate/prng.js';
import type { PayloadFamily } from './generators.js';
import { EMPTY_OUTCOME, addOutcomes, type StreamOutcome } from './stream-model.js';
import { planStream, type StreamEnding, type StreamFraming, type StreamPlan } from './stream-plan.js';

export interface TcpTally {
  readonly connections: number;
  readonly endings: Record<StreamEnding, number>;
  readonly payloads: number;
  readonly bytes: number;
  readonly families: Partial<Record<PayloadFamily, number>>;
  readonly framings: Partial<Record<StreamFraming, number>>;
  readonly expected: StreamOutcome;
  /** Connections that failed on our side (refused, reset by the appliance, never closed): each one a problem. */
  readonly errors: readonly string[];
}

export interface TcpSendOptions {
  readonly port: number;
  readonly payloads: number;
  readonly workers: number;
  readonly seed: number;
  readonly maxFrameBytes: number;
  readonly signal: AbortSignal;
  /** How long one connection may take to close after its last write. */
  readonly closeTimeoutMs?: number;
}

/** After the last write of a connection that will be reset: time for loopback to hand the bytes over first. */
const RST_SETTLE_MS = 25;
const MAX_ERRORS_KEPT = 20;

export async function sendTcp(options: TcpSendOptions): Promise<TcpTally> {
  const tally = {
    connections: 0,
    endings: { fin: 0, fin_mid_frame: 0, rst: 0 } as Record<StreamEnding, number>,
    payloads: 0,
    bytes: 0,
    families: {} as Partial<Record<PayloadFamily, number>>,
    framings: {} as Partial<Record<StreamFraming, number>>,
    expected: EMPTY_OUTCOME,
    errors: [] as string[],
  };
  const perWorker = Math.floor(options.payloads / options.workers);
  const workers = Array.from({ length: options.workers }, (_, w) => {
    const share = w === 0 ? options.payloads - perWorker * (options.workers - 1) : perWorker;
    return runWorker(new Random(options.seed * 7919 + w + 1), share, options, (plan) => record(tally, plan));
  });
  const errors = await Promise.all(workers);
  for (const e of errors.flat()) if (tally.errors.length < MAX_ERRORS_KEPT) tally.errors.push(e);
  return tally;
}

function record(tally: { -readonly [K in keyof TcpTally]: TcpTally[K] }, plan: StreamPlan): void {
  tally.connections++;
  tally.endings[plan.ending]++;
  tally.payloads += plan.payloads;
  tally.bytes += plan.bytes;
  for (const [k, v] of Object.entries(plan.families) as [PayloadFamily, number][]) tally.families[k] = (tally.families[k] ?? 0) + v;
  for (const [k, v] of Object.entries(plan.framings) as [StreamFraming, number][]) tally.framings[k] = (tally.framings[k] ?? 0) + v;
  tally.expected = addOutcomes(tally.expected, plan.expected);
}

async function runWorker(rng: Random, payloads: number, options: TcpSendOptions, onSent: (plan: StreamPlan) => void): Promise<string[]> {
  const errors: string[] = [];
  let left = payloads;
  while (left > 0 && !options.signal.aborted && errors.length < MAX_ERRORS_KEPT) {
    // Mostly short connections, some long ones: 1 to 2,000 bodies.
    const n = Math.min(left, Math.max(1, Math.floor(2 ** (rng.next() * 11))));
    left -= n;
    const plan = planStream(rng, { payloads: n, maxFrameBytes: options.maxFrameBytes });
    try {
      await sendStream(options.port, plan, options.closeTimeoutMs ?? 30_000);
      onSent(plan);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  return errors;
}

/**
 * Writes one planned stream and ends it; resolves once the socket is closed. `afterConnect` runs between the
 * connect and the first write.
 */
export function sendStream(port: number, plan: StreamPlan, closeTimeoutMs: number, afterConnect?: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    let failure: Error | null = null;
    let ending = false;
    let timer: NodeJS.Timeout | null = null;
    socket.on('error', (err) => {
      failure ??= err;
    });
    socket.on('close', () => {
      if (timer !== null) clearTimeout(timer);
      // Our own reset shows up as no error; anything else before we ended is the appliance breaking off.
      if (failure !== null && !(plan.ending === 'rst' && ending)) reject(new Error(`tcp connection (${plan.ending}, ${plan.bytes} bytes): ${failure.message}`));
      else if (!ending) reject(new Error(`tcp connection (${plan.ending}, ${plan.bytes} bytes) closed by the appliance before its last write`));
      else resolve();
    });
    socket.once('connect', () => {
      void (async () => {
        if (afterConnect !== undefined) {
          try {
            await afterConnect();
          } catch (err) {
            socket.destroy(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
        for (const w of plan.writes) {
          if (socket.destroyed) return;
          if (!socket.write(w)) await drained(socket);
        }
        if (socket.destroyed) return;
        ending = true;
        timer = setTimeout(() => socket.destroy(new Error(`not closed ${closeTimeoutMs} ms after its last write (left hanging)`)), closeTimeoutMs);
        if (plan.ending === 'rst') {
          await new Promise<void>((r) => socket.write(Buffer.alloc(0), () => r()));
          await sleep(RST_SETTLE_MS);
          socket.resetAndDestroy();
        } else {
          socket.end();
        }
      })();
    });
  });
}
