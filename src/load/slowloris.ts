/**
 * Idle and slowloris connections are closed at the listener's `idleTimeout` and counted as `idle_timeout`:
 * silent ones, ones trickling a line that never ends, and ones trickling an octet-counted frame that never
 * completes. Connections that complete a frame more often than the timeout stay open. Each close is timed from
 * the client's connect: it must come no earlier than the timeout and no later than the timeout plus the
 * listener's sweep interval (idleTimeout / 4) plus a scheduling allowance.
 */
import type net from 'node:net';
import { startAppliance } from './appliance.js';
import { applianceYaml } from './appliance-config.js';
import type { Scenario } from './scenario.js';
import { closeSocket, connectMany, syslogLine } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { sleep, waitUntil } from './wait-until.js';

const LISTENER = 'load-tcp';
/** How late a close may be beyond timeout + sweep interval on a busy 2-core machine. */
const LATE_ALLOWANCE_MS = 1500;
/** A close this much before the timeout (clock granularity between two processes) is still on time. */
const EARLY_ALLOWANCE_MS = 100;
const TRICKLE_EVERY_MS = 200;

type Kind = 'silent' | 'trickle-line' | 'trickle-octet' | 'active';

interface Tracked {
  readonly kind: Kind;
  readonly socket: net.Socket;
  readonly connectedAt: number;
  closedAt: number | null;
}

export const slowlorisScenario: Scenario = {
  name: 'slowloris',
  async run(ctx) {
    const { checks } = ctx;
    const idleMs = ctx.quick ? 2000 : 5000;
    const sweepMs = Math.min(Math.max(Math.floor(idleMs / 4), 10), 5000);
    const per = ctx.quick ? { silent: 40, line: 30, octet: 30, active: 10 } : { silent: 150, line: 75, octet: 75, active: 20 };
    const figures: Record<string, Figure> = { idleTimeoutMs: idleMs, silent: per.silent, trickleLine: per.line, trickleOctet: per.octet, active: per.active };

    const app = await startAppliance(
      applianceYaml({ listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0, idleTimeout: ${idleMs}ms }`] }),
    );
    ctx.defer(() => app.stop());
    const port = app.port(LISTENER);
    const tracked: Tracked[] = [];
    const timers: NodeJS.Timeout[] = [];
    ctx.defer(() => {
      timers.forEach((t) => clearInterval(t));
      tracked.forEach((t) => t.socket.destroy());
    });

    const open = async (kind: Kind, n: number): Promise<Tracked[]> => {
      const sockets = await connectMany(port, n);
      const now = performance.now();
      const group = sockets.map((socket) => ({ kind, socket, connectedAt: now, closedAt: null as number | null }));
      for (const t of group) t.socket.once('close', () => (t.closedAt = performance.now()));
      tracked.push(...group);
      return group;
    };
    let trickled = 0;
    let activeFrames = 0;
    const every = (ms: number, group: readonly Tracked[], write: (t: Tracked) => void): void => {
      const timer = setInterval(() => {
        for (const t of group) if (t.closedAt === null && !t.socket.destroyed) write(t);
      }, ms);
      timers.push(timer);
    };

    await open('silent', per.silent);
    const lines = await open('trickle-line', per.line);
    const octets = await open('trickle-octet', per.octet);
    const active = await open('active', per.active);
    // A line that never ends; an octet count of 5000 whose bytes arrive one at a time.
    for (const t of lines) t.socket.write('<38>1 2026-01-01T00:00:00Z slow loris - - - ');
    for (const t of octets) t.socket.write('5000 <38>1 2026-01-01T00:00:00Z slow loris - - - ');
    every(TRICKLE_EVERY_MS, [...lines, ...octets], (t) => {
      t.socket.write('x');
      trickled++;
    });
    every(Math.floor(idleMs / 4), active, (t) => {
      t.socket.write(`${syslogLine('active-host', 'loadtest', 'a complete frame well inside the idle timeout')}\n`);
      activeFrames++;
    });

    const idle = tracked.filter((t) => t.kind !== 'active');
    await waitUntil(() => idle.every((t) => t.closedAt !== null), `the ${idle.length} idle and slowloris connections to be closed`, idleMs * 2 + 10_000, {
      signal: ctx.signal,
      describe: () => `${idle.filter((t) => t.closedAt !== null).length} closed`,
    }).catch((err: Error) => checks.fail(err.message));
    // The active ones must outlive two timeouts.
    const activeSince = Math.min(...active.map((t) => t.connectedAt));
    await sleep(2 * idleMs - (performance.now() - activeSince), ctx.signal);

    const lifetimes = idle.filter((t) => t.closedAt !== null).map((t) => t.closedAt! - t.connectedAt);
    const earliest = Math.min(...lifetimes);
    const latest = Math.max(...lifetimes);
    figures.closedIdle = lifetimes.length;
    figures.earliestCloseMs = Math.round(earliest);
    figures.latestCloseMs = Math.round(latest);
    figures.bytesTrickled = trickled;
    checks.that(earliest >= idleMs - EARLY_ALLOWANCE_MS, `earliest idle close after ${Math.round(earliest)} ms (timeout ${idleMs} ms)`);
    checks.that(latest <= idleMs + sweepMs + LATE_ALLOWANCE_MS, `latest idle close after ${Math.round(latest)} ms (timeout ${idleMs} + sweep ${sweepMs} + ${LATE_ALLOWANCE_MS} ms allowance)`);
    figures.activeOpen = active.filter((t) => t.closedAt === null).length;
    checks.that(figures.activeOpen === per.active, `${figures.activeOpen}/${per.active} active connections still open after ${(2 * idleMs) / 1000} s`);

    // Stop writing; every frame written must arrive.
    timers.forEach((t) => clearInterval(t));
    const received = async (): Promise<number> => (await app.metrics()).count('syslog_messages_received_total', { transport: 'tcp' });
    await waitUntil(async () => (await received()) >= activeFrames, `the ${activeFrames} frames of the active connections`, 10_000, { signal: ctx.signal }).catch(() => undefined);
    const m = await app.metrics();
    figures.countedIdleTimeout = m.count('syslog_connections_closed_total', { transport: 'tcp', reason: 'idle_timeout' });
    figures.countedTruncated = m.count('syslog_messages_dropped_total', { transport: 'tcp', reason: 'truncated' });
    figures.openGauge = m.count('syslog_connections_open', { transport: 'tcp' });
    figures.activeFramesSent = activeFrames;
    figures.received = m.count('syslog_messages_received_total', { transport: 'tcp' });
    checks.that(figures.countedIdleTimeout === idle.length, `syslog_connections_closed_total{reason="idle_timeout"} ${figures.countedIdleTimeout} (want ${idle.length})`);
    checks.that(figures.countedTruncated === per.line + per.octet, `${figures.countedTruncated} unfinished frames counted as truncated (want ${per.line + per.octet})`);
    checks.that(figures.openGauge === per.active, `syslog_connections_open ${figures.openGauge} (want the ${per.active} active ones)`);
    checks.that(figures.received === activeFrames, `${figures.received} frames received, ${activeFrames} sent on the active connections`);

    await Promise.all(active.map((t) => closeSocket(t.socket)));
    const summary =
      `${figures.closedIdle}/${idle.length} idle or slowloris connections closed ${figures.earliestCloseMs}-${figures.latestCloseMs} ms after connect ` +
      `(idleTimeout ${idleMs} ms, ${per.silent} silent, ${per.line} trickling a line, ${per.octet} an octet-counted frame; ${trickled} bytes trickled), ` +
      `counted idle_timeout ${figures.countedIdleTimeout}, truncated ${figures.countedTruncated}; ${figures.activeOpen}/${per.active} active kept open, ${figures.received}/${activeFrames} of their frames received`;
    return { figures, summary };
  },
};
