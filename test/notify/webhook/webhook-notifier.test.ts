/**
 * WebhookNotifier against the fake Slack API's incoming-webhook sink on loopback. The outbox paces one post per
 * second (fixed for webhooks), so tests that post twice take about a second; backoffs are kept small.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Incident, IncidentEvent } from '../../../src/alert/types.js';
import type { WebhookConfig } from '../../../src/config/notify-schema.js';
import type { CallOutcome } from '../../../src/notify/slack/slack-errors.js';
import { WEBHOOK_NOTIFIER, WebhookNotifier } from '../../../src/notify/webhook/webhook-notifier.js';
import { httpError, rateLimited, startFakeSlackApi, type FakeSlackApi } from '../../helpers/fake-slack-api.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const incident: Incident = {
  id: 'inc-1', fingerprint: 'ssh|web01', rule: 'ssh_invalid_user', ruleType: 'threshold', key: { host: 'web01' },
  state: 'open', count: 7, threshold: 5, windowMs: 60_000, resolveAfterMs: 300_000, firstSeen: T, lastSeen: T + 30_000,
  resolvedAt: null, distinct: { user: ['admin', '<!channel>'] }, samples: ['Invalid user <!channel> from 203.0.113.5'],
  ackedBy: null, ackedAt: null, channel: null, refs: {},
};
const resolvedIncident: Incident = { ...incident, state: 'resolved', resolvedAt: T + 330_000 };
const event = (type: IncidentEvent['event'], inc: Incident = incident): IncidentEvent => ({ event: type, incident: inc, at: T });

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake?.close();
});
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  fake.reset();
});

function setup(over: Partial<WebhookConfig['outbox']> = {}) {
  const config: WebhookConfig = { url: fake.webhookUrl('T0/B0/secret'), timeout: 2000, outbox: { maxEvents: 10, maxBackoff: 50, ...over } };
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const calls: { method: string; outcome: CallOutcome }[] = [];
  const webhook = new WebhookNotifier({ config, stateDir: null, calls: { call: (method, outcome) => void calls.push({ method, outcome }) }, log, now: Date.now });
  webhook.outbox.start();
  stops.push(() => webhook.outbox.stop(0));
  return { webhook, calls, lines };
}

describe('WebhookNotifier', () => {
  it('fired and resolved are each posted once, as JSON with text and blocks but no buttons; updated and suppressed are not sent', async () => {
    const { webhook, calls } = setup();
    expect(webhook.name).toBe(WEBHOOK_NOTIFIER);
    await webhook.notify(event('fired'));
    await webhook.notify(event('updated'));
    await webhook.notify(event('suppressed'));
    await webhook.notify(event('resolved', resolvedIncident));
    expect(webhook.outbox.depth).toBeLessThanOrEqual(2);
    await webhook.outbox.idle();
    const posts = fake.webhooks;
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.id)).toEqual(['T0/B0/secret', 'T0/B0/secret']);
    expect(posts[0]!.headers['content-type']).toBe('application/json');
    expect(posts[0]!.body.text).toBe('🚨 Firing: ssh_invalid_user host=web01: 7 matches');
    expect(posts[1]!.body.text).toBe('✅ Resolved: ssh_invalid_user host=web01: 7 matches');
    for (const p of posts) {
      expect(Object.keys(p.body).sort()).toEqual(['blocks', 'text']);
      expect(p.body.blocks.length).toBeGreaterThan(2);
      expect(p.body.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
      expect(JSON.stringify(p.body)).not.toContain('incident_');
      expect(JSON.stringify(p.body)).not.toContain('<!channel>'); // escaped like the app's messages
    }
    expect(calls).toEqual([
      { method: 'webhook', outcome: 'ok' },
      { method: 'webhook', outcome: 'ok' },
    ]);
    expect(webhook.outbox.stats).toMatchObject({ enqueued: 2, sent: 2, failed: 0 });
  });

  it('triaged is not posted (a webhook cannot edit); a triage that arrived by then shows in the resolved message', async () => {
    const { webhook } = setup();
    const triage = { summary: 'Password guessing from one address.', severity: 'high' as const, model: 'm', at: T };
    await webhook.notify(event('triaged', { ...incident, triage }));
    await webhook.notify(event('resolved', { ...resolvedIncident, triage }));
    await webhook.outbox.idle();
    expect(fake.webhooks).toHaveLength(1);
    expect(fake.webhooks[0]!.body.text.startsWith('✅ Resolved')).toBe(true);
    expect(JSON.stringify(fake.webhooks[0]!.body.blocks)).toContain('Triage: Password guessing from one address. (severity guess: high)');
  });

  it('a firing incident acknowledged in the meantime is still posted without buttons', async () => {
    const { webhook } = setup();
    await webhook.notify(event('fired', { ...incident, ackedBy: 'slack:U0HUMAN', ackedAt: T }));
    await webhook.outbox.idle();
    expect(fake.webhooks[0]!.body.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);
  });

  it('HTTP 500 is retried until the webhook recovers; nothing is lost', async () => {
    const { webhook, calls } = setup();
    fake.failAll('webhook', httpError(500), { times: 3 });
    await webhook.notify(event('fired'));
    await webhook.outbox.idle();
    expect(fake.webhooks.map((p) => p.outcome)).toEqual([500, 500, 500, 200]);
    expect(calls.map((c) => c.outcome)).toEqual(['http_error', 'http_error', 'http_error', 'ok']);
    expect(webhook.outbox.stats).toMatchObject({ retried: 3, sent: 1, failed: 0, depth: 0 });
  });

  it('a reset connection is a network error and is retried', async () => {
    const { webhook, calls } = setup();
    fake.force('webhook', 'reset');
    await webhook.notify(event('fired'));
    await webhook.outbox.idle();
    expect(calls.map((c) => c.outcome)).toEqual(['network_error', 'ok']);
    expect(fake.webhooks.at(-1)!.outcome).toBe(200);
  });

  it('429 waits for Retry-After before the next attempt', async () => {
    const { webhook, calls } = setup();
    fake.force('webhook', rateLimited(1));
    await webhook.notify(event('fired'));
    await webhook.outbox.idle();
    const [first, second] = fake.webhooks;
    expect([first!.outcome, second!.outcome]).toEqual([429, 200]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990); // maxBackoff is 50 ms: only Retry-After explains the wait
    expect(calls.map((c) => c.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('HTTP 400 can never succeed: dropped and counted, and the next event goes out', async () => {
    const { webhook, lines } = setup();
    fake.force('webhook', httpError(400, 'invalid_payload'));
    await webhook.notify(event('fired'));
    await webhook.notify(event('resolved', resolvedIncident));
    await webhook.outbox.idle();
    expect(fake.webhooks.map((p) => p.outcome)).toEqual([400, 200]);
    expect(fake.webhooks[1]!.body.text).toMatch(/^✅ Resolved/);
    expect(webhook.outbox.stats).toMatchObject({ failed: 1, sent: 1, retried: 0 });
    expect(lines.find((l) => l.level === 50)).toMatchObject({ reason: 'HTTP 400', item: 'inc-1:fired' });
  });

  it('404 (revoked URL) is kept and retried after maxBackoff, with an error telling what to fix', async () => {
    const { webhook, lines } = setup({ maxBackoff: 200 });
    fake.force('webhook', httpError(404, 'no_service'));
    await webhook.notify(event('fired'));
    await webhook.outbox.idle();
    const [first, second] = fake.webhooks;
    expect([first!.outcome, second!.outcome]).toEqual([404, 200]);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(190);
    expect(lines.some((l) => l.level === 50 && /check notify\.webhook\.url/.test(l.msg))).toBe(true);
    expect(webhook.outbox.stats).toMatchObject({ retried: 1, sent: 1, failed: 0 });
  });

  it('a full outbox refuses more events and counts them', async () => {
    const { webhook } = setup({ maxEvents: 2 });
    fake.failAll('webhook', 'hang');
    await webhook.notify(event('fired'));
    await webhook.notify(event('resolved', resolvedIncident));
    await webhook.notify(event('fired', { ...incident, id: 'inc-2' }));
    expect(webhook.outbox.stats).toMatchObject({ enqueued: 2, overflow: 1 });
    fake.recover();
  });
});
