/**
 * Draining a UDP socket before it closes: UDP cannot refuse new datagrams, so stop() keeps reading what is
 * already queued in the kernel's receive buffer until the socket has been quiet for `quietMs` (bounded by
 * `maxMs`, for senders that never pause). A quiet spell seen by a timer is confirmed by one more turn of the
 * event loop (setImmediate runs after the poll phase), so a timer that fired late, after the loop was busy,
 * cannot mistake unread datagrams for an empty queue.
 */
import type dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

export type DatagramHandler = (msg: Buffer, rinfo: dgram.RemoteInfo) => void;

export interface DrainResult {
  readonly received: number;
  readonly ms: number;
  readonly timedOut: boolean;
}

/**
 * Swaps `handler` (the hot-path one) for a counting wrapper while draining, and removes it afterwards; the
 * caller closes the socket. The hot-path handler itself stays free of drain bookkeeping.
 */
export function drainSocket(socket: dgram.Socket, handler: DatagramHandler, quietMs: number, maxMs: number): Promise<DrainResult> {
  const started = performance.now();
  let received = 0;
  let lastAt = started;
  const counting: DatagramHandler = (msg, rinfo) => {
    received++;
    lastAt = performance.now();
    handler(msg, rinfo);
  };
  socket.off('message', handler);
  socket.on('message', counting);
  return new Promise((resolve) => {
    const finish = (timedOut: boolean): void => {
      socket.off('message', counting);
      resolve({ received, ms: performance.now() - started, timedOut });
    };
    const check = (): void => {
      const now = performance.now();
      if (now - started >= maxMs) return finish(true);
      if (now - lastAt < quietMs) {
        setTimeout(check, Math.max(1, Math.min(quietMs - (now - lastAt), maxMs - (now - started))));
        return;
      }
      const seen = received;
      setImmediate(() => (received === seen ? finish(false) : check()));
    };
    setTimeout(check, Math.min(quietMs, maxMs));
  });
}
