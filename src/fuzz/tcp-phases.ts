/**
 * TCP abuse that needs its own listener, run after the main traffic so its counts are exact:
 * - slowloris: connections trickling a frame that never ends, on a listener with a 1 s idleTimeout: closed as
 *   idle_timeout, the unfinished frame counted as truncated;
 * - connection cap: maxConnections held open on a listener with a cap of 4, then more: each extra one is
 *   closed at once and counted as connection_limit;
 * - denied: connections to a listener whose allow list excludes loopback: each counted as denied.
 */
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NO_TCP, type TcpExpectation } from './accounting.js';

export interface PhaseResult {
  readonly expected: TcpExpectation;
  readonly errors: readonly string[];
}

const TRICKLE_INTERVAL_MS = 100;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves true once the socket closed, false if it did not within timeoutMs. */
function closedWithin(socket: net.Socket, timeoutMs: number): Promise<boolean> {
  if (socket.closed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Sends `text` one byte at a time (once, then nothing) until the appliance closes the connection or timeoutMs
 * passes. No byte completes a frame, so none counts as progress.
 */
async function trickle(port: number, text: string, timeoutMs: number): Promise<string | null> {
  const socket = await connect(port);
  socket.on('error', () => undefined); // the appliance closing on us is the expected end; 'close' reports it
  const closed = closedWithin(socket, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < text.length && !socket.destroyed && Date.now() < deadline; i++) {
    socket.write(text[i]!);
    await Promise.race([sleep(TRICKLE_INTERVAL_MS), closed]);
  }
  const ok = await closed;
  socket.destroy();
  return ok ? null : `slowloris connection (${JSON.stringify(text)}) not closed by the appliance within ${timeoutMs} ms`;
}

/** Two slowloris connections on a listener with a short idleTimeout: a line that never ends, and a bare digit run. */
export async function slowlorisPhase(port: number, timeoutMs: number): Promise<PhaseResult> {
  const line = '<13>1 - - - - - - slow loris, one byte at a time, never ending its line '.repeat(4);
  const results = await Promise.all([trickle(port, line, timeoutMs), trickle(port, '12345', timeoutMs)]);
  const errors = results.filter((e): e is string => e !== null);
  return { expected: { ...NO_TCP, drops: { truncated: 2 }, connections: 2, idleTimeouts: 2 }, errors };
}

/**
 * Holds `cap` connections open on a listener with maxConnections = cap (waiting until the appliance reports them
 * open), then opens `extra` more, each of which must be closed at once; then closes the held ones cleanly.
 */
export async function connectionCapPhase(
  port: number,
  cap: number,
  extra: number,
  openConnections: () => Promise<number>,
  timeoutMs: number,
): Promise<PhaseResult> {
  const errors: string[] = [];
  const held: net.Socket[] = [];
  try {
    for (let i = 0; i < cap; i++) held.push(await connect(port));
    const deadline = Date.now() + timeoutMs;
    while ((await openConnections()) < cap && Date.now() < deadline) await sleep(20);
    for (let i = 0; i < extra; i++) {
      const s = await connect(port);
      s.on('error', () => undefined); // a reset is how the cap closes it
      if (!(await closedWithin(s, timeoutMs))) {
        errors.push(`connection over maxConnections not closed within ${timeoutMs} ms`);
        s.destroy();
      }
    }
  } catch (err) {
    errors.push(`connection cap phase: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const s of held) {
    s.on('error', (err) => errors.push(`held connection: ${err.message}`));
    s.end();
    if (!(await closedWithin(s, timeoutMs))) {
      errors.push(`held connection not closed within ${timeoutMs} ms of its FIN`);
      s.destroy();
    }
  }
  return { expected: { ...NO_TCP, drops: { connection_limit: extra }, connections: cap, finConnections: cap }, errors };
}

/** Connections to a listener that denies loopback: each one must be closed at once. */
export async function deniedPhase(port: number, count: number, timeoutMs: number): Promise<PhaseResult> {
  const errors: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      const s = await connect(port);
      s.on('error', () => undefined);
      if (!(await closedWithin(s, timeoutMs))) {
        errors.push(`denied connection not closed within ${timeoutMs} ms`);
        s.destroy();
      }
    } catch (err) {
      errors.push(`denied phase: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { expected: { ...NO_TCP, drops: { denied: count } }, errors };
}
