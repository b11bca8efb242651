/**
 * 1,000 concurrent TCP connections held: all accepted and still open after the hold, each still able to deliver
 * a message; connections beyond `maxConnections` (set to exactly 1,000 here; the default is 512) are refused
 * and counted as `connection_limit` drops. Then all close cleanly (`eof`).
 */
import type net from 'node:net';
import { startAppliance } from './appliance.js';
import { applianceYaml } from './appliance-config.js';
import { mib, openFileLimit } from './process-memory.js';
import type { Scenario } from './scenario.js';
import { closeSocket, connectMany, syslogLine } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { sleep, waitUntil } from './wait-until.js';

const CONNECTIONS = 1000;
const OVER_CAP = 20;
const LISTENER = 'load-tcp';

export const connectionsScenario: Scenario = {
  name: 'connections',
  async run(ctx) {
    const { checks } = ctx;
    const holdMs = ctx.quick ? 2000 : 30_000;
    const figures: Record<string, Figure> = { connections: CONNECTIONS, maxConnections: CONNECTIONS, holdSeconds: holdMs / 1000 };

    // 1,000 client sockets here, 1,000 server sockets in the appliance (same inherited limit).
    const limit = openFileLimit();
    figures.openFileLimit = limit;
    if (limit !== null && limit < CONNECTIONS + OVER_CAP + 200) {
      checks.fail(`the open-file limit is ${limit}; ${CONNECTIONS} connections need about ${CONNECTIONS + OVER_CAP + 200} (run "ulimit -n 4096" first)`);
      return { figures, summary: `open-file limit ${limit}` };
    }

    const app = await startAppliance(
      applianceYaml({ listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0, maxConnections: ${CONNECTIONS} }`] }),
    );
    ctx.defer(() => app.stop());
    const port = app.port(LISTENER);
    const sockets: net.Socket[] = [];
    ctx.defer(() => sockets.forEach((s) => s.destroy()));

    const opening = performance.now();
    sockets.push(...(await connectMany(port, CONNECTIONS)));
    const closedEarly = new Set<net.Socket>();
    for (const s of sockets) s.once('close', () => closedEarly.add(s));
    const openGauge = async (): Promise<number> => (await app.metrics()).count('syslog_connections_open', { transport: 'tcp' });
    await waitUntil(async () => (await openGauge()) === CONNECTIONS, `syslog_connections_open = ${CONNECTIONS}`, 20_000, { signal: ctx.signal, intervalMs: 100 });
    figures.openSeconds = Number(((performance.now() - opening) / 1000).toFixed(2));

    // Over the cap: accepted by the kernel, closed at once by the appliance, counted.
    const extra = await connectMany(port, OVER_CAP);
    sockets.push(...extra);
    await waitUntil(() => extra.every((s) => s.destroyed), `the ${OVER_CAP} connections over the cap to be closed`, 10_000, { signal: ctx.signal });
    let m = await app.metrics();
    figures.refused = m.count('syslog_messages_dropped_total', { transport: 'tcp', reason: 'connection_limit' });
    checks.that(figures.refused === OVER_CAP, `${figures.refused} of ${OVER_CAP} connections over the cap counted as connection_limit`);

    // Hold, then check that every one is still open on both sides and still delivers.
    await sleep(holdMs, ctx.signal);
    const held = sockets.slice(0, CONNECTIONS);
    figures.closedDuringHold = held.filter((s) => closedEarly.has(s)).length;
    m = await app.metrics();
    figures.openAfterHold = m.count('syslog_connections_open', { transport: 'tcp' });
    figures.rssMiB = Number(mib(app.memory()?.rssBytes ?? 0));
    checks.that(figures.closedDuringHold === 0, `${figures.closedDuringHold} connections closed during the ${holdMs / 1000} s hold`);
    checks.that(figures.openAfterHold === CONNECTIONS, `syslog_connections_open ${figures.openAfterHold} after the hold (want ${CONNECTIONS})`);

    held.forEach((s, i) => s.write(`${syslogLine('conn-host', 'loadtest', `connection ${i} still alive`)}\n`));
    const received = async (): Promise<number> => (await app.metrics()).count('syslog_messages_received_total', { transport: 'tcp' });
    await waitUntil(async () => (await received()) >= CONNECTIONS, `one message from each of the ${CONNECTIONS} connections`, 15_000, { signal: ctx.signal, intervalMs: 100 }).catch((err: Error) => checks.fail(err.message));
    figures.messagesAfterHold = await received();
    checks.that(figures.messagesAfterHold === CONNECTIONS, `${figures.messagesAfterHold} messages received, one per held connection (want ${CONNECTIONS})`);

    await Promise.all(held.map((s) => closeSocket(s)));
    await waitUntil(async () => (await openGauge()) === 0, 'syslog_connections_open = 0 after the clients closed', 15_000, { signal: ctx.signal, intervalMs: 100 }).catch((err: Error) => checks.fail(err.message));
    m = await app.metrics();
    figures.closedEof = m.count('syslog_connections_closed_total', { transport: 'tcp', reason: 'eof' });
    checks.that(figures.closedEof === CONNECTIONS, `${figures.closedEof} connections closed as eof (want ${CONNECTIONS})`);

    const summary =
      `${figures.openAfterHold}/${CONNECTIONS} open after ${holdMs / 1000} s (opened in ${figures.openSeconds} s, maxConnections ${CONNECTIONS}), ` +
      `${figures.closedDuringHold} closed early, ${figures.messagesAfterHold} messages after the hold, ${figures.refused}/${OVER_CAP} over the cap refused, ` +
      `${figures.closedEof} closed as eof, appliance RSS ${figures.rssMiB} MiB`;
    return { figures, summary };
  },
};
