/**
 * SlackNotifier end to end below Bolt: a real AlertManager (fake clock, in memory) → the notifier's outbox →
 * a real WebClient (no client retries, rate-limited calls rejected, like SlackService builds it) → the fake
 * Slack Web API on loopback. Small channel intervals and backoffs keep it fast; waits are bounded polls.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlertManager } from '../../../src/alert/manager.js';
import type { Incident } from '../../../src/alert/types.js';
import type { Signal } from '../../../src/detect/types.js';
import { ACTIONS_BLOCK_ID } from '../../../src/notify/slack/action-ids.js';
import type { CallOutcome } from '../../../src/notify/slack/slack-errors.js';
import { SLACK_NOTIFIER, SlackNotifier, type IncidentSource, type SlackNotifierOptions } from '../../../src/notify/slack/slack-notifier.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { fakeChannelId, httpError, okFalse, rateLimited, startFakeSlackApi, type FakeSlackApi } from '../../helpers/fake-slack-api.js';
import { waitFor } from '../../helpers/wait-for.js';
import { thresholdSignal } from '../../helpers/signals.js';
import { testAlerting } from '../../helpers/alerting.js';

const MIN = 60_000;
const ALERTING = testAlerting();
const ALERTS = '#alerts';

function quietLogger(): webApi.Logger {
  let level = webApi.LogLevel.ERROR;
  const noop = () => {};
  return { debug: noop, info: noop, warn: noop, error: noop, setLevel: (l) => void (level = l), getLevel: () => level, setName: noop };
}

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await startFakeSlackApi();
});
afterAll(async () => {
  await fake?.close();
});

const stopAfter: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stopAfter.splice(0)) await stop();
  fake.reset();
});

function setup(over: Partial<SlackNotifierOptions> = {}, source?: (manager: AlertManager) => IncidentSource) {
  const clock = new FakeClock();
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  const calls: { method: string; outcome: CallOutcome; seconds: number }[] = [];
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logger: quietLogger(), timeout: 2000 });
  // eslint-disable-next-line prefer-const
  let manager: AlertManager;
  const incidents: IncidentSource = {
    incident: (id) => manager.incident(id),
    muteFor: (i) => manager.muteFor(i),
    setRefs: (id, n, ref) => manager.setRefs(id, n, ref),
  };
  const slack = new SlackNotifier({
    client,
    channel: ALERTS,
    incidents,
    maxEvents: 100,
    maxBackoffMs: 50,
    stateDir: null,
    calls: { call: (method, outcome, seconds) => void calls.push({ method, outcome, seconds }) },
    log,
    now: Date.now, // the outbox paces in real time; the alert manager runs on the fake clock
    channelIntervalMs: 20,
    ...over,
  });
  let n = 0;
  let ids = 0;
  let opening = false;
  manager = new AlertManager({
    alerting: ALERTING,
    stateDir: null,
    notifiers: [slack],
    log: pino({ level: 'silent' }),
    keyFields: () => ['host', 'ip'],
    now: clock.now,
    newId: () => (opening ? `inc-${++ids}` : `mute-${++n}`),
  });
  if (source) Object.assign(incidents, source(manager));
  slack.outbox.start();
  stopAfter.push(() => slack.outbox.stop(0));

  const signal = (host: string, s: Partial<Signal> = {}): Signal =>
    thresholdSignal(clock.t, { host }, { fields: { host, user: 'admin' }, sample: `sshd: Invalid user admin on ${host}`, ...s });
  /** Opens an incident (a `fired` event) and returns its id. */
  const fire = (host: string, s: Partial<Signal> = {}): string => {
    opening = true;
    manager.handle(signal(host, s));
    opening = false;
    return manager.openIncidents().find((i) => i.key.host === host)!.id;
  };
  /** One more match a minute later and the tick that sends the coalesced `updated`. */
  const update = (host: string): void => {
    clock.advance(MIN);
    manager.handle(signal(host));
    manager.tick(clock.t);
  };
  /** Everything handed to the outbox, and the outbox empty. */
  const settled = async () => {
    await manager.idle();
    await slack.outbox.idle();
  };
  return { clock, manager, slack, calls, lines, fire, update, settled, signal };
}

const textOf = (blocks: unknown): string => JSON.stringify(blocks);

describe('SlackNotifier', () => {
  it('fired: exactly one chat.postMessage to the default channel, and the message ref is stored on the incident', async () => {
    const { fire, settled, manager, calls } = setup();
    const id = fire('web01');
    await settled();
    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(fake.calls).toHaveLength(1);
    const args = posts[0]!.args;
    expect(args).toMatchObject({ channel: ALERTS, unfurl_links: 'false', unfurl_media: 'false' });
    expect(args.text).toBe('🚨 Firing: ssh_invalid_user host=web01: 5 matches');
    expect(args.blocks.at(-1)).toMatchObject({ type: 'actions', block_id: ACTIONS_BLOCK_ID });
    expect(posts[0]!.auth).toBe('Bearer xoxb-test');
    const ts = fake.messages.values().next().value!.ts;
    expect(manager.incident(id)!.refs[SLACK_NOTIFIER]).toEqual({ channel: fakeChannelId(ALERTS), ts });
    expect(calls).toEqual([{ method: 'chat.postMessage', outcome: 'ok', seconds: expect.any(Number) }]);
    expect(calls[0]!.seconds).toBeGreaterThanOrEqual(0);
  });

  it('updates edit the same message with chat.update; a burst is coalesced into one call showing the latest state', async () => {
    const { fire, update, settled, manager, clock } = setup({ channelIntervalMs: 400 });
    const id = fire('web01');
    const [post] = await fake.waitFor('chat.postMessage');
    expect(post).toBeDefined();
    update('web01');
    update('web01');
    update('web01'); // three `updated` events within the channel interval
    await settled();
    const updates = fake.callsOf('chat.update');
    expect(updates).toHaveLength(1);
    const ref = manager.incident(id)!.refs[SLACK_NOTIFIER]!;
    expect(updates[0]!.args).toMatchObject({ channel: ref.channel, ts: ref.ts });
    expect(updates[0]!.args.text).toBe('🚨 Firing: ssh_invalid_user host=web01: 8 matches');
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(fake.message(ref.channel!, ref.ts!)).toMatchObject({ updates: 1, text: '🚨 Firing: ssh_invalid_user host=web01: 8 matches' });
    // later updates keep editing the same message
    clock.advance(1000);
    update('web01');
    await settled();
    expect(fake.callsOf('chat.update').map((c) => c.args.ts)).toEqual([ref.ts, ref.ts]);
  });

  it('triaged: the posted message is edited in place (chat.update) with the triage section', async () => {
    const { fire, settled, manager, clock } = setup();
    const id = fire('web01');
    await settled();
    clock.advance(2000);
    manager.attachTriage(id, { summary: 'Password guessing against web01.', severity: 'high', model: 'llama3.2:3b', at: clock.t });
    await settled();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    const [upd] = fake.callsOf('chat.update');
    const ref = manager.incident(id)!.refs[SLACK_NOTIFIER]!;
    expect(upd!.args).toMatchObject({ channel: ref.channel, ts: ref.ts });
    expect(textOf(upd!.args.blocks)).toContain('Triage: Password guessing against web01. (severity guess: high)');
    expect(fake.message(ref.channel!, ref.ts!)).toMatchObject({ updates: 1 });
  });

  it('triaged while the fired post is still waiting for a retry: still one post, and it already shows the triage', async () => {
    const { fire, settled, manager, clock } = setup();
    fake.failAll('chat.postMessage', httpError(500), { times: 1 }); // the first attempt fails: the post waits in the outbox
    const id = fire('web02');
    await fake.waitFor('chat.postMessage');
    manager.attachTriage(id, { summary: 'A scan.', severity: 'low', model: 'm', at: clock.t });
    await settled();
    const ok = fake.callsOf('chat.postMessage').filter((c) => c.outcome === 200);
    expect(ok).toHaveLength(1);
    expect(textOf(ok[0]!.args.blocks)).toContain('Triage: A scan. (severity guess: low)'); // the post renders the incident as it is now
  });

  it('resolved: the message is edited to show it resolved, without buttons', async () => {
    const { fire, settled, manager, clock } = setup();
    const id = fire('web01');
    await settled();
    clock.advance(6 * MIN);
    manager.tick(clock.t);
    await settled();
    const [upd] = fake.callsOf('chat.update');
    expect(upd!.args.text).toMatch(/^✅ Resolved: /);
    expect(textOf(upd!.args.blocks)).not.toContain(ACTIONS_BLOCK_ID);
    expect(upd!.args.ts).toBe(manager.incident(id)!.refs[SLACK_NOTIFIER]!.ts);
  });

  it('a 500 outage delays the messages but loses none: delivered in order after recover()', async () => {
    const { fire, settled, manager, slack, calls, lines } = setup();
    fake.failAll('*', httpError(500));
    const a = fire('web01');
    const b = fire('web02');
    await waitFor(() => fake.callsOf('chat.postMessage').length >= 3, 'a few failed attempts');
    expect(fake.calls.every((c) => c.outcome === 500 || c.outcome === undefined)).toBe(true);
    expect(slack.outbox.depth).toBe(2);
    fake.recover();
    await settled();
    expect(slack.outbox.depth).toBe(0);
    expect(fake.messages.size).toBe(2);
    const delivered = fake.callsOf('chat.postMessage').filter((c) => c.outcome === 200);
    expect(delivered.map((c) => c.args.text)).toEqual([
      '🚨 Firing: ssh_invalid_user host=web01: 5 matches',
      '🚨 Firing: ssh_invalid_user host=web02: 5 matches',
    ]);
    expect(manager.incident(a)!.refs[SLACK_NOTIFIER]).toBeDefined();
    expect(manager.incident(b)!.refs[SLACK_NOTIFIER]).toBeDefined();
    expect(slack.outbox.stats.retried).toBeGreaterThanOrEqual(2);
    expect(slack.outbox.stats.sent).toBe(2);
    expect(calls.some((c) => c.outcome === 'http_error')).toBe(true);
    expect(lines.some((l) => l.msg === 'delivery recovered')).toBe(true);
  });

  it('429: the next attempt waits for Retry-After', async () => {
    const { fire, settled, slack } = setup();
    fake.force('chat.postMessage', rateLimited(1));
    fire('web01');
    await settled();
    const [first, second] = fake.callsOf('chat.postMessage');
    expect(first!.outcome).toBe(429);
    expect(second!.outcome).toBe(200);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990); // not before Retry-After (maxBackoffMs is 50)
    expect(slack.outbox.stats).toMatchObject({ retried: 1, sent: 1 });
  });

  it('message_not_found on chat.update: a new message is posted and its ref replaces the old one', async () => {
    const { fire, update, settled, manager, lines } = setup();
    const id = fire('web01');
    await settled();
    const old = manager.incident(id)!.refs[SLACK_NOTIFIER]!;
    fake.force('chat.update', okFalse('message_not_found'));
    update('web01');
    await settled();
    expect(fake.callsOf('chat.update')).toHaveLength(1);
    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.args.text).toBe('🚨 Firing: ssh_invalid_user host=web01: 6 matches');
    const now = manager.incident(id)!.refs[SLACK_NOTIFIER]!;
    expect(now.ts).not.toBe(old.ts);
    expect(fake.message(now.channel!, now.ts!)).toBeDefined();
    expect(lines.some((l) => /can no longer be edited/.test(l.msg))).toBe(true);
  });

  it('another chat.update failure is not answered with a new post', async () => {
    const { fire, update, settled, slack } = setup();
    fire('web01');
    await settled();
    fake.force('chat.update', okFalse('invalid_blocks'));
    update('web01');
    await settled();
    expect(fake.callsOf('chat.update')).toHaveLength(1);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(slack.outbox.stats.failed).toBe(1);
  });

  it('suppressed (opened while muted): no Slack call at all', async () => {
    const { fire, settled, manager, slack, clock } = setup();
    expect(manager.mute({ matchers: [{ name: 'host', value: 'web01', isRegex: false }], endsAt: clock.t + 3_600_000, createdBy: 'slack:U0HUMAN' }).ok).toBe(true);
    const id = fire('web01');
    await settled();
    expect(manager.stats.suppressed).toBe(1);
    expect(fake.calls).toEqual([]);
    expect(slack.outbox.stats.enqueued).toBe(0);
    // and a refresh of an incident without a message does nothing either
    slack.refresh(id);
    slack.refresh('no-such-incident');
    await settled();
    expect(fake.calls).toEqual([]);
    expect(slack.outbox.stats.enqueued).toBe(0);
  });

  it('a rule channel overrides the default channel', async () => {
    const { fire, settled, manager } = setup();
    const id = fire('web01', { channel: '#security' });
    fire('web02');
    await settled();
    expect(fake.callsOf('chat.postMessage').map((c) => c.args.channel)).toEqual(['#security', ALERTS]);
    expect(manager.incident(id)!.refs[SLACK_NOTIFIER]!.channel).toBe(fakeChannelId('#security'));
  });

  it('refresh() re-renders a posted message as it is now (acknowledged: the Acknowledge button is gone)', async () => {
    const { fire, settled, manager, slack } = setup();
    const id = fire('web01');
    await settled();
    manager.acknowledge(id, 'slack:U0HUMAN');
    slack.refresh(id);
    await settled();
    const [upd] = fake.callsOf('chat.update');
    expect(upd!.args.ts).toBe(manager.incident(id)!.refs[SLACK_NOTIFIER]!.ts);
    expect(upd!.args.text).toMatch(/^👀 Acknowledged: /);
    expect(textOf(upd!.args.blocks)).toContain('Acknowledged by <@U0HUMAN>');
    expect(textOf(upd!.args.blocks)).not.toContain('incident_ack');
  });

  it('refresh() after a mute: every covered message shows the Unmute button', async () => {
    const { fire, settled, manager, slack, clock } = setup();
    const a = fire('web01');
    const b = fire('web02');
    await settled();
    const result = manager.mute({ matchers: [{ name: 'host', value: 'web0[12]', isRegex: true }], endsAt: clock.t + 3_600_000, createdBy: 'slack:U0HUMAN' });
    expect(result.ok).toBe(true);
    for (const id of [a, b]) slack.refresh(id);
    await settled();
    const updates = fake.callsOf('chat.update');
    expect(updates).toHaveLength(2);
    for (const u of updates) expect(textOf(u.args.blocks)).toContain('incident_unmute');
  });

  it('an update or an ack while the `fired` is still undelivered: one message, posted once, showing the state when sent', async () => {
    const { fire, update, settled, manager, slack } = setup();
    fake.failAll('chat.postMessage', httpError(503));
    const id = fire('web01');
    await waitFor(() => fake.callsOf('chat.postMessage').length >= 2, 'failed attempts');
    update('web01'); // merges into the queued `fired` (or follows it, if it is in flight)
    manager.acknowledge(id, 'slack:U0HUMAN');
    slack.refresh(id); // no message yet: nothing to edit, nothing queued
    fake.recover();
    await settled();
    expect(fake.callsOf('chat.postMessage').filter((c) => c.outcome === 200)).toHaveLength(1);
    const ref = manager.incident(id)!.refs[SLACK_NOTIFIER]!;
    expect(fake.messages.size).toBe(1);
    expect(fake.message(ref.channel!, ref.ts!)!.text).toBe('👀 Acknowledged: ssh_invalid_user host=web01: 6 matches');
  });

  it('a token or channel problem is logged as needing attention and retried slowly, not dropped', async () => {
    const { fire, settled, slack, lines, calls } = setup({ maxBackoffMs: 100 });
    fake.force('chat.postMessage', okFalse('not_in_channel'));
    fire('web01');
    await settled();
    const posts = fake.callsOf('chat.postMessage');
    expect(posts.map((c) => c.outcome)).toEqual([200, 200]);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(90); // after maxBackoffMs
    expect(lines.find((l) => /check notify\.slack\.botToken/.test(l.msg))).toMatchObject({ level: 50, method: 'chat.postMessage', error: 'not_in_channel' });
    expect(calls.map((c) => c.outcome)).toEqual(['platform_error', 'ok']);
    expect(slack.outbox.stats).toMatchObject({ sent: 1, failed: 0, retried: 1 });
  });

  it('a malformed message (invalid_blocks) is dropped and counted', async () => {
    const { fire, settled, slack } = setup();
    fake.force('chat.postMessage', okFalse('invalid_blocks'));
    fire('web01');
    fire('web02');
    await settled();
    expect(fake.callsOf('chat.postMessage').map((c) => c.args.text)).toEqual([
      '🚨 Firing: ssh_invalid_user host=web01: 5 matches',
      '🚨 Firing: ssh_invalid_user host=web02: 5 matches',
    ]);
    expect(slack.outbox.stats).toMatchObject({ failed: 1, sent: 1 });
  });

  it('sends the incident from the queued payload when the alert manager no longer has it', async () => {
    const snapshot: Incident = {
      id: 'gone-1', fingerprint: 'f', rule: 'ssh_invalid_user', ruleType: 'threshold', key: { host: 'old01' }, state: 'resolved',
      count: 9, threshold: 5, windowMs: MIN, resolveAfterMs: 5 * MIN, firstSeen: 0, lastSeen: 1, resolvedAt: 2, distinct: {}, samples: [],
      ackedBy: null, ackedAt: null, channel: null, refs: {},
    };
    const { slack, settled } = setup();
    await slack.notify({ event: 'resolved', incident: snapshot, at: 3 });
    await settled();
    expect(fake.callsOf('chat.postMessage').map((c) => c.args.text)).toEqual(['✅ Resolved: ssh_invalid_user host=old01: 9 matches']);
  });
});

describe('SlackNotifier with a stateDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slack-notifier-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('events queued during an outage survive a restart and are posted once Slack is back', async () => {
    fake.failAll('*', 'reset');
    const first = setup({ stateDir: dir });
    first.fire('web01');
    await first.manager.idle();
    await waitFor(() => fake.calls.length >= 2, 'failed attempts');
    await first.slack.outbox.stop(0);
    const doc = JSON.parse(await readFile(join(dir, 'outbox-slack.json'), 'utf8')) as { items: { key: string; lane: string; payload: { event: string } }[] };
    expect(doc.items).toMatchObject([{ key: 'inc-1', lane: ALERTS, payload: { event: 'fired' } }]);

    fake.recover();
    const second = setup({ stateDir: dir });
    await second.slack.outbox.stop(0); // setup() started it; start again after load()
    expect(await second.slack.outbox.load()).toEqual({ items: 1, problem: null });
    second.slack.outbox.start();
    await second.slack.outbox.idle();
    const ok = fake.callsOf('chat.postMessage').filter((c) => c.outcome === 200);
    expect(ok.map((c) => c.args.text)).toEqual(['🚨 Firing: ssh_invalid_user host=web01: 5 matches']);
  });
});
