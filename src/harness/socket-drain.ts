/** Waiting out TCP backpressure on the client side of the proof scripts. */
import type net from 'node:net';

/**
 * Resolves once a socket whose write() returned false can take more ('drain'), or has closed (a closed socket
 * never drains; the caller sees it as destroyed).
 */
export function drained(socket: net.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
