/**
 * The UDP half of the fuzz run: bodies from generators.ts, one datagram each, paced so that the appliance's own
 * handling is measured and not only the kernel's receive buffer: at most so many datagrams and bytes per second,
 * and at most a window of datagrams the appliance has not yet counted (received, dropped or dropped by the
 * kernel; read from its metrics), the window sized to half its socket's receive buffer. Every
 * datagram is classified here, by the rules the README gives for a UDP listener, into what the appliance must
 * count for it: received, or dropped as empty, oversize or denied (a kernel drop can stand in for any of them).
 */
import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { Random } from '../simulate/prng.js';
import { generatePayload, pickFamily, udpLimits, type PayloadFamily } from './generators.js';

export type UdpOutcome = 'received' | 'empty' | 'oversize' | 'denied';

export interface UdpTally {
  readonly sent: number;
  /** Sends the local kernel refused (not on the wire; not expected at the appliance). */
  readonly sendErrors: number;
  readonly outcomes: Record<UdpOutcome, number>;
  /** Message bytes of the datagrams the appliance must receive (without trailing LF/CR/NUL). */
  readonly receivedBytes: number;
  readonly bytesSent: number;
  readonly families: Partial<Record<PayloadFamily, number>>;
  /** Times the sender waited for the appliance to catch up (its window was full). */
  readonly windowStalls: number;
  /** Why sending stopped early, if it did (besides the deadline). */
  readonly error: string | null;
}

export interface UdpSendOptions {
  readonly port: number;
  /** A listener whose allow list excludes loopback: everything sent there is 'denied'. */
  readonly deniedPort: number;
  readonly datagrams: number;
  readonly seed: number;
  readonly maxMessageBytes: number;
  readonly datagramsPerSecond: number;
  readonly bytesPerSecond: number;
  /** Share of datagrams sent to deniedPort. */
  readonly deniedShare: number;
  /** What the appliance has counted so far (see UdpProgress); polled while the window is full. */
  readonly progress: () => Promise<UdpProgress>;
  readonly signal: AbortSignal;
}

export interface UdpProgress {
  /** Datagrams the appliance has counted: received, dropped for any reason, or dropped by the kernel. */
  readonly counted: number;
  /** The smallest receive buffer the kernel granted a UDP listener. */
  readonly receiveBufferBytes: number;
}

const BATCH = 32;
const MIN_WINDOW = 64;
const MAX_WINDOW = 4000;
const WINDOW_POLL_MS = 10;

/** How many uncounted datagrams may be in flight: half the receive buffer, in datagrams of the average size so far. */
export function udpWindow(receiveBufferBytes: number, averageDatagramBytes: number): number {
  // The kernel charges a datagram its buffer's true size, about twice its payload for small ones: use 2x + 512.
  const perDatagram = 2 * averageDatagramBytes + 512;
  return Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, Math.floor(receiveBufferBytes / 2 / perDatagram)));
}

/** What a UDP listener with this maxMessageBytes does with a datagram (README "Configuration reference"). */
export function classifyDatagram(bytes: Buffer, maxMessageBytes: number, denied: boolean): { outcome: UdpOutcome; length: number } {
  if (denied) return { outcome: 'denied', length: 0 };
  let end = bytes.length;
  while (end > 0) {
    const b = bytes[end - 1];
    if (b !== 0x0a && b !== 0x0d && b !== 0x00) break;
    end--;
  }
  if (end === 0) return { outcome: 'empty', length: 0 };
  if (end > maxMessageBytes) return { outcome: 'oversize', length: 0 };
  return { outcome: 'received', length: end };
}

export async function sendUdp(options: UdpSendOptions): Promise<UdpTally> {
  const rng = new Random(options.seed);
  const limits = udpLimits(options.maxMessageBytes);
  const socket = dgram.createSocket('udp4');
  const outcomes: Record<UdpOutcome, number> = { received: 0, empty: 0, oversize: 0, denied: 0 };
  const families: Partial<Record<PayloadFamily, number>> = {};
  let sent = 0;
  let sendErrors = 0;
  let receivedBytes = 0;
  let bytesSent = 0;
  const started = performance.now();
  // The appliance's count, read again only when the window looks full by the last reading.
  let counted = 0;
  let window = MIN_WINDOW;
  let windowStalls = 0;
  let error: string | null = null;
  try {
    while (sent + sendErrors < options.datagrams && !options.signal.aborted) {
      if (sent - counted > window) {
        for (;;) {
          let p: UdpProgress;
          try {
            p = await options.progress();
          } catch (err) {
            error = `udp: the appliance's metrics could not be read while sending: ${err instanceof Error ? err.message : String(err)}`;
            break;
          }
          counted = p.counted;
          window = udpWindow(p.receiveBufferBytes, bytesSent / Math.max(1, sent));
          if (sent - counted <= window || options.signal.aborted) break;
          windowStalls++;
          await sleep(WINDOW_POLL_MS);
        }
        if (error !== null) break;
      }
      const batch: Promise<void>[] = [];
      for (let i = 0; i < BATCH && sent + sendErrors + batch.length < options.datagrams; i++) {
        const family = pickFamily(rng);
        families[family] = (families[family] ?? 0) + 1;
        const body = generatePayload(rng, family, limits);
        const denied = rng.chance(options.deniedShare);
        const c = classifyDatagram(body, options.maxMessageBytes, denied);
        batch.push(
          new Promise<void>((resolve) => {
            socket.send(body, denied ? options.deniedPort : options.port, '127.0.0.1', (err) => {
              if (err) {
                sendErrors++;
              } else {
                sent++;
                bytesSent += body.length;
                outcomes[c.outcome]++;
                receivedBytes += c.length;
              }
              resolve();
            });
          }),
        );
      }
      await Promise.all(batch);
      // Pace: never ahead of either budget.
      const dueMs = Math.max((sent / options.datagramsPerSecond) * 1000, (bytesSent / options.bytesPerSecond) * 1000);
      const aheadMs = dueMs - (performance.now() - started);
      if (aheadMs >= 1) await sleep(aheadMs);
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
  return { sent, sendErrors, outcomes, receivedBytes, bytesSent, families, windowStalls, error };
}
