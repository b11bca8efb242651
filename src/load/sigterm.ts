/**
 * SIGTERM while a sender is mid-stream. The sender numbers its lines (`LOADSEQ n`) and keeps writing until the
 * appliance's FIN reaches it (a cooperative sender, like rsyslog's omfwd); every line then matches one keyword
 * rule with one key, so the persisted incident's `count` is the number of lines the detector processed and its
 * latest sample the last one. After the exit: every line sent was processed, in order (count = last number =
 * lines sent), the state file was written at stop, and each /metrics scrape during the stop showed parsed =
 * received, never more received than the detector ended up with.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, removeDir, startAppliance } from './appliance.js';
import { applianceYaml } from './appliance-config.js';
import type { Scenario } from './scenario.js';
import { connectTcp, syslogLine } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { sleep } from './wait-until.js';

const LISTENER = 'load-tcp';
const RULE = 'sequence';
const TICK_MS = 10;

interface PersistedIncident {
  rule: string;
  state: string;
  count: number;
  samples: string[];
}

export const sigtermScenario: Scenario = {
  name: 'sigterm',
  async run(ctx) {
    const { checks } = ctx;
    const rate = ctx.quick ? 20_000 : 50_000;
    const beforeMs = ctx.quick ? 1500 : 5000;
    const figures: Record<string, Figure> = { ratePerSecond: rate, secondsBeforeSigterm: beforeMs / 1000 };
    const dir = makeTempDir('sigterm');
    ctx.defer(() => removeDir(dir));
    const app = await startAppliance(
      applianceYaml({
        listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0 }`],
        rules: [`{ name: ${RULE}, type: keyword, keywords: [LOADSEQ], groupBy: [], resolveAfter: 10m }`],
      }),
      { dir },
    );
    ctx.defer(() => app.stop('SIGKILL'));

    const socket = await connectTcp(app.port(LISTENER));
    ctx.defer(() => socket.destroy());
    let sent = 0;
    let finSeen = false;
    let closedWithError = false;
    socket.once('end', () => (finSeen = true));
    socket.once('close', (hadError) => (closedWithError = hadError));
    const perTick = Math.max(1, Math.round((rate * TICK_MS) / 1000));
    const timer = setInterval(() => {
      if (finSeen || socket.destroyed || ctx.signal.aborted) return;
      let batch = '';
      for (let i = 0; i < perTick; i++) batch += `${syslogLine('stream-host', 'loadtest', `LOADSEQ ${sent + i + 1} mid-stream`)}\n`;
      socket.write(batch);
      sent += perTick;
    }, TICK_MS);
    ctx.defer(() => clearInterval(timer));

    await sleep(beforeMs, ctx.signal);
    const before = await app.metrics();
    figures.receivedBeforeSigterm = before.count('syslog_messages_received_total', { transport: 'tcp' });
    const sigtermAt = performance.now();
    const sigtermWallMs = Date.now();
    const scrapes: { received: number; parsed: number }[] = [];
    const exit = app.stop('SIGTERM');
    // Scrape while it stops, until the HTTP server closes (it is the last thing to stop).
    for (;;) {
      const m = await app.metrics().catch(() => null);
      if (m === null || !app.running) break;
      scrapes.push({ received: m.count('syslog_messages_received_total'), parsed: m.count('syslog_messages_parsed_total') });
      await sleep(20);
    }
    const { code, signal } = await exit;
    clearInterval(timer);
    figures.stopSeconds = Number(((performance.now() - sigtermAt) / 1000).toFixed(2));
    figures.exitCode = code;
    figures.sent = sent;
    figures.senderSawFin = finSeen;
    checks.that(code === 0, `exit code ${code}${signal === null ? '' : ` (signal ${signal})`} after SIGTERM (want 0)`);
    checks.that(finSeen && !closedWithError, `the sender ${finSeen ? 'got a FIN' : 'got no FIN'}${closedWithError ? ' and a reset' : ''} (want a clean close)`);
    checks.that(app.logged('stopped').length === 1, 'the appliance logged "stopped"');

    const lastScrape = scrapes.at(-1) ?? { received: -1, parsed: -1 };
    figures.scrapesDuringStop = scrapes.length;
    figures.lastScrapeReceived = lastScrape.received;
    const unequal = scrapes.filter((s) => s.received !== s.parsed);
    checks.that(unequal.length === 0, `parsed = received in ${scrapes.length - unequal.length} of ${scrapes.length} scrapes during the stop`);

    let incident: PersistedIncident | undefined;
    try {
      const doc = JSON.parse(readFileSync(path.join(dir, 'state', 'incidents.json'), 'utf8')) as { savedAt: number; incidents: PersistedIncident[] };
      incident = doc.incidents.find((i) => i.rule === RULE);
      figures.stateSavedAfterSigterm = doc.savedAt >= sigtermWallMs;
    } catch (err) {
      checks.fail(`state/incidents.json unreadable after the stop: ${(err as Error).message}`);
    }
    const processed = incident?.count ?? 0;
    const lastSeq = Number(/LOADSEQ (\d+)/.exec(incident?.samples.at(-1) ?? '')?.[1] ?? -1);
    figures.processed = processed;
    figures.lastProcessedSeq = lastSeq;
    checks.that(figures.stateSavedAfterSigterm === true, 'incidents.json was written at the stop');
    checks.that(processed === sent, `${processed} lines processed (the persisted incident's count), ${sent} sent (want equal)`);
    checks.that(lastSeq === sent, `the last processed line is LOADSEQ ${lastSeq}, the last sent ${sent} (want equal: in order, none missing)`);
    checks.that(processed >= figures.receivedBeforeSigterm && processed >= lastScrape.received, `processed ${processed} ≥ received ${figures.receivedBeforeSigterm} before SIGTERM and ${lastScrape.received} at the last scrape during the stop`);

    const summary =
      `SIGTERM after ${beforeMs / 1000} s of a ${rate} msg/s TCP stream: sender got FIN ${finSeen ? 'yes' : 'no'}, ${sent} lines sent, ${processed} processed ` +
      `(persisted incident count; last LOADSEQ ${lastSeq}), ${figures.receivedBeforeSigterm} received at SIGTERM, ${scrapes.length - unequal.length}/${scrapes.length} scrapes during the stop with parsed = received ` +
      `(last received ${lastScrape.received}), exit ${code} after ${figures.stopSeconds} s, incidents.json written at stop`;
    return { figures, summary };
  },
};
