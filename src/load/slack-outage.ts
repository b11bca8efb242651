/**
 * The Slack Web API answers 500 and 429 (with Retry-After), alternately, for the whole outage (10 minutes by
 * default, 20 s with --quick), then recovers. Incidents fire, update and resolve before, during and at the end
 * of it (one new host per incident, over TCP). After recovery: every incident's message is posted once, edited
 * in order up to its last event (checkDelivery), every 429's Retry-After was waited out, nothing failed or
 * overflowed, each successful call is one outbox `sent`, every event handed to the outbox was sent or merged
 * into one that was, and the outbox is empty (`syslog_outbox_depth` 0).
 */
import { startAppliance } from './appliance.js';
import { applianceYaml, slackHttpNotify } from './appliance-config.js';
import { checkDelivery, type IncidentEventLine } from './delivery-order.js';
import { startFakeSlack } from './fake-slack.js';
import type { Scenario } from './scenario.js';
import { sendLines, syslogLine } from './tcp-client.js';
import type { Figure } from './verdict.js';
import { sleep, waitUntil } from './wait-until.js';

const LISTENER = 'load-tcp';
const RULE = 'outage';
/** A 429 answer's Retry-After may be beaten by this much (timer and clock granularity between two processes). */
const RETRY_AFTER_SLACK_MS = 50;

export const slackOutageScenario: Scenario = {
  name: 'slack-outage',
  async run(ctx) {
    const { checks } = ctx;
    const outageMs = ctx.slackOutageMs;
    const long = outageMs >= 120_000;
    const resolveAfterMs = long ? 30_000 : 3000;
    const retryAfterS = long ? 5 : 2;
    const maxBackoffMs = long ? 60_000 : 3000;
    const maxBackoff = `${maxBackoffMs / 1000}s`;
    const waves = long ? 10 : 1;
    const figures: Record<string, Figure> = { outageSeconds: outageMs / 1000, retryAfterSeconds: retryAfterS, maxBackoff, resolveAfterSeconds: resolveAfterMs / 1000 };

    const fake = await startFakeSlack();
    ctx.defer(() => fake.close());
    const app = await startAppliance(
      applianceYaml({
        listeners: [`{ name: ${LISTENER}, protocol: tcp, address: 127.0.0.1, port: 0 }`],
        rules: [`{ name: ${RULE}, type: keyword, keywords: [OUTAGE], groupBy: [host], resolveAfter: ${resolveAfterMs}ms }`],
        notify: slackHttpNotify(fake.url, maxBackoff),
        extra: ['alerting: { updateInterval: 1s }'],
      }),
    );
    ctx.defer(() => app.stop());
    const port = app.port(LISTENER);
    let hosts = 0;
    const line = (host: string, n: number): string => syslogLine(host, 'app', `OUTAGE line ${n} from ${host}`);
    /** A new incident: fires now, is updated a little later (the update is sent by the next tick after 1 s). */
    const wave = async (): Promise<void> => {
      const batch = [`outage-${++hosts}`, `outage-${++hosts}`];
      await sendLines(port, batch.map((h) => line(h, 1)));
      await sleep(1200, ctx.signal);
      await sendLines(port, batch.flatMap((h) => [line(h, 2), line(h, 3)]));
    };

    // Before the outage: one incident, posted normally.
    await sendLines(port, [line('outage-0', 1)]);
    await waitUntil(() => fake.delivered('chat.postMessage').length === 1, 'the first incident posted before the outage', 15_000, { signal: ctx.signal });

    const outageStart = Date.now();
    fake.outage(outageMs, retryAfterS);
    ctx.note(`Slack outage for ${outageMs / 1000} s (500 and 429 with Retry-After ${retryAfterS} s)`);
    await sendLines(port, [line('outage-0', 2)]); // the pre-outage incident is updated during the outage
    const waveTimes = [...Array.from({ length: waves }, (_, k) => (k * outageMs) / waves), outageMs - 2500];
    for (const at of waveTimes) {
      await sleep(outageStart + at - Date.now(), ctx.signal);
      await wave();
      if (long) ctx.note(`${Math.round((Date.now() - outageStart) / 1000)} s into the outage: ${hosts + 1} incidents, ${fake.calls.filter((c) => c.status !== 200).length} failed calls`);
    }
    await sleep(outageStart + outageMs - Date.now(), ctx.signal);
    const recoveredAt = Date.now();
    ctx.note('Slack recovered');

    const incidents = hosts + 1;
    const events = (): IncidentEventLine[] => app.events.filter((e) => e.rule === RULE) as unknown as IncidentEventLine[];
    const resolvedCount = (): number => events().filter((e) => e.event === 'resolved').length;
    const delivered = () => [...fake.delivered('chat.postMessage'), ...fake.delivered('chat.update')].sort((a, b) => a.at - b.at);
    const report = () =>
      checkDelivery(
        events(),
        delivered().map((c) => ({ method: c.method, ts: String(c.method === 'chat.postMessage' ? c.reply?.ts : c.args.ts), text: String(c.args.text) })),
      );
    const depth = async (): Promise<number> => (await app.metrics()).count('syslog_outbox_depth', { notifier: 'slack' });
    // After recovery: the longest backoff, the last incident's quiet time, one call per second per event, a margin.
    const budget = maxBackoffMs + resolveAfterMs + incidents * 4 * 1000 + 30_000;
    await waitUntil(async () => resolvedCount() === incidents && (await depth()) === 0 && report().problems.length === 0, 'every incident resolved and its final state delivered', budget, {
      signal: ctx.signal,
      intervalMs: 250,
      describe: () => `${resolvedCount()}/${incidents} resolved; ${report().problems.slice(0, 3).join('; ')}`,
    }).catch((err: Error) => checks.fail(err.message));
    const lastDelivery = delivered().at(-1)?.at ?? recoveredAt;

    const r = report();
    const failedCalls = fake.calls.filter((c) => c.status !== 200);
    const answered429 = failedCalls.filter((c) => c.status === 429);
    // One channel, so one lane: calls are made one at a time, and the call after a 429 is that lane's retry.
    const gapsAfter429 = fake.calls.flatMap((c, i) => (c.status === 429 && i + 1 < fake.calls.length ? [fake.calls[i + 1]!.at - c.at] : []));
    const minGap = Math.min(...gapsAfter429);
    const m = await app.metrics();
    const outbox = (outcome: string): number => m.count('syslog_outbox_events_total', { notifier: 'slack', outcome });
    const handed = m.count('syslog_notifications_total', { notifier: 'slack', outcome: 'delivered' });
    Object.assign(figures, {
      incidents,
      events: events().length,
      posts: r.posts,
      updates: r.updates,
      failedAnswers500: failedCalls.length - answered429.length,
      failedAnswers429: answered429.length,
      minGapAfter429Ms: Number.isFinite(minGap) ? Math.round(minGap) : null,
      outboxSent: outbox('sent'),
      outboxCoalesced: outbox('coalesced'),
      outboxRetried: outbox('retried'),
      outboxFailed: outbox('failed'),
      outboxOverflow: outbox('overflow'),
      outboxDepth: m.count('syslog_outbox_depth', { notifier: 'slack' }),
      eventsHandedToSlack: handed,
      lastDeliverySecondsAfterRecovery: Number(((lastDelivery - recoveredAt) / 1000).toFixed(1)),
    });
    checks.that(r.problems.length === 0, r.problems.length === 0 ? `${incidents} incidents delivered in order` : `delivery: ${r.problems.slice(0, 5).join('; ')}`);
    checks.that(r.incidents === incidents, `${r.incidents} incidents fired on the console (want ${incidents})`);
    checks.that(failedCalls.length - answered429.length > 0 && answered429.length > 0, `the outage answered ${failedCalls.length - answered429.length} × 500 and ${answered429.length} × 429`);
    checks.that(minGap >= retryAfterS * 1000 - RETRY_AFTER_SLACK_MS, `the shortest wait after a 429 was ${Math.round(minGap)} ms (Retry-After ${retryAfterS} s)`);
    checks.that(figures.outboxDepth === 0, `syslog_outbox_depth ${figures.outboxDepth} (want 0)`);
    checks.that(figures.outboxFailed === 0 && figures.outboxOverflow === 0, `outbox failed ${figures.outboxFailed}, overflow ${figures.outboxOverflow} (want 0)`);
    checks.that(figures.outboxSent === r.posts + r.updates, `outbox sent ${figures.outboxSent}, successful Slack calls ${r.posts + r.updates} (want equal: each sent once)`);
    checks.that(handed === outbox('sent') + outbox('coalesced'), `events handed to Slack ${handed} = sent ${outbox('sent')} + merged ${outbox('coalesced')}`);

    const summary =
      `${outageMs / 1000} s outage (${figures.failedAnswers500} × 500, ${figures.failedAnswers429} × 429 Retry-After ${retryAfterS} s, shortest wait after a 429 ${figures.minGapAfter429Ms} ms, maxBackoff ${maxBackoff}): ` +
      `${incidents} incidents, ${events().length} events, delivered as ${r.posts} posts + ${r.updates} edits, ${r.problems.length} out of order or missing; outbox sent ${figures.outboxSent}, merged ${figures.outboxCoalesced}, ` +
      `retried ${figures.outboxRetried}, failed ${figures.outboxFailed}, overflow ${figures.outboxOverflow}, depth ${figures.outboxDepth}; last delivery ${figures.lastDeliverySecondsAfterRecovery} s after recovery`;
    return { figures, summary };
  },
};
