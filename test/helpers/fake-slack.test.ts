/**
 * Proves the offline Slack doubles (fake-slack-api, fake-socket-mode, slack-requests) against the real @slack/bolt 5.
 * Loopback only; every server is on 127.0.0.1 port 0 and is closed in afterAll/finally.
 */
import { App, HTTPReceiver, LogLevel, webApi, type Logger } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeChannelId, fakeReply, httpError, okFalse, rateLimited, startFakeSlackApi, type FakeSlackApi } from './fake-slack-api.js';
import { startFakeSocketMode } from './fake-socket-mode.js';
import { blockActionsPayload, interactiveForm, nowSeconds, postSigned, signSlack, slashCommandForm } from './slack-requests.js';

const SECRET = 'test-signing-secret';
const BOT_TOKEN = 'xoxb-test-token';

/** A Bolt logger that keeps lines in memory instead of printing them. */
function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  let level = LogLevel.DEBUG;
  const push = (lvl: string) => (...msg: unknown[]) => void lines.push(`${lvl} ${msg.map(String).join(' ')}`);
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

/** The rejection reason of `p`; fails the test if `p` resolves. */
async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

function clientOptions(fake: FakeSlackApi) {
  return { slackApiUrl: fake.url, retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 50 }, timeout: 2000 };
}

const ALERT_BLOCKS = [
  { type: 'section', text: { type: 'mrkdwn', text: '*burst* on web01' } },
  {
    type: 'actions',
    block_id: 'alert_actions',
    elements: [
      { type: 'button', action_id: 'alert_ack', text: { type: 'plain_text', text: 'Acknowledge' }, value: 'alert-42' },
      { type: 'button', action_id: 'alert_mute_1h', text: { type: 'plain_text', text: 'Mute 1h' }, value: 'web01' },
    ],
  },
];

describe('slack-requests', () => {
  it('signs like Slack: v0= + hex HMAC-SHA256 of v0:ts:body', () => {
    // reference: printf 'v0:1531420618:token=xyz&text=mute' | openssl dgst -sha256 -hmac 8f742231b10e8888abcd99yyyzzz85a5
    expect(signSlack('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, 'token=xyz&text=mute')).toBe(
      'v0=e1110a203a12834f02e029ac17fa6bf1a8f4b0cd6097c394cdb3ba6dae377da9',
    );
    expect(signSlack('s', 1, 'b')).not.toBe(signSlack('s', 2, 'b'));
    expect(signSlack('s', 1, 'b')).not.toBe(signSlack('t', 1, 'b'));
  });

  it('builds a block_actions payload whose block_id comes from the posted blocks', () => {
    const p = blockActionsPayload({
      actionId: 'alert_mute_1h',
      value: 'web01',
      userId: 'U0HUMAN',
      channelId: 'C0ALERTS',
      messageTs: '1700000000.000001',
      responseUrl: 'http://127.0.0.1:1/response/1',
      blocks: ALERT_BLOCKS,
    });
    expect(p.actions[0]).toMatchObject({ action_id: 'alert_mute_1h', block_id: 'alert_actions', value: 'web01', type: 'button' });
    expect(p.container).toMatchObject({ type: 'message', message_ts: '1700000000.000001', channel_id: 'C0ALERTS' });
    expect(p.message.blocks).toBe(ALERT_BLOCKS);
    expect(interactiveForm(p)).toEqual({ payload: JSON.stringify(p) });
  });
});

describe('fake Slack API + Bolt 5 HTTPReceiver', () => {
  let fake: FakeSlackApi;
  let app: App;
  let eventsUrl: string;
  const log = quietLogger();
  const ran: string[] = [];

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    const receiver = new HTTPReceiver({ signingSecret: SECRET, unhandledRequestTimeoutMillis: 300, logger: log });
    app = new App({ token: BOT_TOKEN, receiver, deferInitialization: true, logger: log, clientOptions: clientOptions(fake) });
    app.action('alert_ack', async ({ ack, body, client, respond }) => {
      await ack();
      ran.push('alert_ack');
      if (body.type !== 'block_actions' || body.channel === undefined || body.message === undefined) return;
      await client.chat.update({ channel: body.channel.id, ts: body.message.ts, text: 'acknowledged', blocks: [] });
      await respond({ response_type: 'ephemeral', text: 'you acknowledged it' });
    });
    app.command('/syslog', async ({ ack, command, client }) => {
      await ack({ response_type: 'ephemeral', text: `ok: ${command.text}` });
      ran.push(`/syslog ${command.text}`);
      await client.chat.postMessage({ channel: '#alerts', text: `<@${command.user_id}> ran ${command.text}`, blocks: ALERT_BLOCKS });
    });
    await app.init();
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    eventsUrl = `http://127.0.0.1:${address.port}/slack/events`;
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('init() called auth.test exactly once, with the bot token', () => {
    const auth = fake.callsOf('auth.test');
    expect(auth).toHaveLength(1);
    expect(auth[0]?.auth).toBe(`Bearer ${BOT_TOKEN}`);
    expect(auth[0]?.outcome).toBe(200);
  });

  it('a forced invalid_auth makes init() throw catchably', async () => {
    fake.force('auth.test', okFalse('invalid_auth'));
    const other = new App({ token: 'xoxb-revoked', signingSecret: SECRET, deferInitialization: true, logger: quietLogger(), clientOptions: clientOptions(fake) });
    await expect(other.init()).rejects.toThrow(/invalid_auth/);
    expect(fake.callsOf('auth.test').at(-1)?.auth).toBe('Bearer xoxb-revoked');
  });

  it('a signed slash command: 200 with the ephemeral JSON ack, then the listener posts blocks that the fake parses', async () => {
    const before = fake.callsOf('chat.postMessage').length;
    const res = await postSigned(
      eventsUrl,
      SECRET,
      slashCommandForm({ text: 'mute web01 2h', userId: 'U0HUMAN', channelId: 'C0ALERTS', responseUrl: fake.responseUrl('cmd') }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ response_type: 'ephemeral', text: 'ok: mute web01 2h' });

    const posts = await fake.waitFor('chat.postMessage', before + 1);
    const post = posts.at(-1)!;
    expect(post.auth).toBe(`Bearer ${BOT_TOKEN}`);
    expect(post.args.channel).toBe('#alerts');
    expect(post.args.text).toBe('<@U0HUMAN> ran mute web01 2h');
    expect(post.args.blocks).toEqual(ALERT_BLOCKS); // parsed back from the form's JSON string
    expect(ran).toContain('/syslog mute web01 2h');
  });

  it('chat.postMessage maps #name to a stable channel ID and hands out increasing ts values', async () => {
    const a = await app.client.chat.postMessage({ channel: '#alerts', text: 'one' });
    const b = await app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'two' });
    expect(a.channel).toBe(fakeChannelId('#alerts'));
    expect(a.channel).toMatch(/^C[0-9A-F]{10}$/);
    expect(b.channel).toBe('C0ALERTS');
    expect(a.ts).toMatch(/^1700000000\.\d{6}$/);
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    expect(fake.message('#alerts', a.ts!)).toMatchObject({ channel: a.channel, text: 'one', updates: 0 });
  });

  it('a signed button click: 200, the listener runs, chat.update hits the same ts, respond() hits the response_url sink', async () => {
    const posted = await app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'alert', blocks: ALERT_BLOCKS });
    const payload = blockActionsPayload({
      actionId: 'alert_ack',
      value: 'alert-42',
      userId: 'U0HUMAN',
      channelId: posted.channel!,
      messageTs: posted.ts!,
      responseUrl: fake.responseUrl('click-1'),
      blocks: ALERT_BLOCKS,
    });
    const res = await postSigned(eventsUrl, SECRET, interactiveForm(payload));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');

    const [update] = await fake.waitFor('chat.update');
    expect(update?.args).toMatchObject({ channel: 'C0ALERTS', ts: posted.ts, text: 'acknowledged', blocks: [] });
    expect(fake.message('C0ALERTS', posted.ts!)).toMatchObject({ text: 'acknowledged', blocks: [], updates: 1 });
    const [response] = await fake.waitForResponses();
    expect(response).toMatchObject({ path: '/response/click-1', id: 'click-1', body: { response_type: 'ephemeral', text: 'you acknowledged it' } });
    expect(ran).toContain('alert_ack');
  });

  it('forged signature, wrong secret, no signature and a 6-minute-old timestamp are all 401, and reach no listener', async () => {
    const form = slashCommandForm({ text: 'forged', userId: 'U0EVIL', channelId: 'C0ALERTS', responseUrl: fake.responseUrl('x') });
    const callsBefore = fake.calls.length;
    const forged = await postSigned(eventsUrl, SECRET, form, { signature: 'v0=' + '0'.repeat(64) });
    const wrongSecret = await postSigned(eventsUrl, 'not-the-secret', form);
    const unsigned = await postSigned(eventsUrl, SECRET, form, { unsigned: true });
    const stale = await postSigned(eventsUrl, SECRET, form, { ts: nowSeconds() - 6 * 60 });
    expect([forged.status, wrongSecret.status, unsigned.status, stale.status]).toEqual([401, 401, 401, 401]);
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).not.toContain('/syslog forged');
    expect(fake.calls.length).toBe(callsBefore);
  });

  it('content-type with ;charset=utf-8 is a 400 even though the signature is valid', async () => {
    const form = slashCommandForm({ text: 'charset', userId: 'U0HUMAN', channelId: 'C0ALERTS', responseUrl: fake.responseUrl('y') });
    const res = await postSigned(eventsUrl, SECRET, form, { contentType: 'application/x-www-form-urlencoded; charset=utf-8' });
    expect(res.status).toBe(400);
  });

  it('a click nobody handles is a 404 after unhandledRequestTimeoutMillis', async () => {
    const payload = blockActionsPayload({ actionId: 'nobody_listens', value: 'v', userId: 'U0HUMAN', channelId: 'C0ALERTS', messageTs: '1.1', responseUrl: fake.responseUrl('z') });
    const t0 = Date.now();
    const res = await postSigned(eventsUrl, SECRET, interactiveForm(payload));
    expect(res.status).toBe(404);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
  });

  it('a forced 500 then success: WebClient retries and succeeds (2 attempts recorded)', async () => {
    fake.force('chat.postMessage', httpError(500));
    const before = fake.callsOf('chat.postMessage').length;
    const res = await app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'after a 500' });
    expect(res.ok).toBe(true);
    const attempts = fake.callsOf('chat.postMessage').slice(before);
    expect(attempts.map((c) => c.outcome)).toEqual([500, 200]);
  });

  it('500 on every attempt: WebAPIHTTPError after retries + 1 attempts', async () => {
    fake.force('chat.postMessage', httpError(503), httpError(503));
    const before = fake.callsOf('chat.postMessage').length;
    const err = await rejectionOf(app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'x' }));
    expect(err).toBeInstanceOf(webApi.WebAPIHTTPError);
    expect((err as InstanceType<typeof webApi.WebAPIHTTPError>).statusCode).toBe(503);
    expect((err as { code?: string }).code).toBe(webApi.ErrorCode.HTTPError);
    expect(fake.callsOf('chat.postMessage').length - before).toBe(2);
  });

  it('ok:false is a WebAPIPlatformError and is not retried', async () => {
    fake.force('chat.postMessage', okFalse('channel_not_found'));
    const before = fake.callsOf('chat.postMessage').length;
    const err = await rejectionOf(app.client.chat.postMessage({ channel: 'C0GONE', text: 'x' }));
    expect(err).toBeInstanceOf(webApi.WebAPIPlatformError);
    expect((err as InstanceType<typeof webApi.WebAPIPlatformError>).data.error).toBe('channel_not_found');
    expect(fake.callsOf('chat.postMessage').length - before).toBe(1);
  });

  it('429 + Retry-After: 1 with rejectRateLimitedCalls → WebAPIRateLimitedError(retryAfter 1), no retry', async () => {
    const client = new webApi.WebClient(BOT_TOKEN, { ...clientOptions(fake), rejectRateLimitedCalls: true, logger: quietLogger() });
    fake.force('chat.postMessage', rateLimited(1));
    const before = fake.callsOf('chat.postMessage').length;
    const t0 = Date.now();
    const err = await rejectionOf(client.chat.postMessage({ channel: 'C0ALERTS', text: 'x' }));
    expect(err).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    expect((err as InstanceType<typeof webApi.WebAPIRateLimitedError>).retryAfter).toBe(1);
    expect((err as { code?: string }).code).toBe(webApi.ErrorCode.RateLimitedError);
    expect(fake.callsOf('chat.postMessage').length - before).toBe(1);
    expect(Date.now() - t0).toBeLessThan(900);
  });

  it('failAll(reset) makes Slack unreachable (WebAPIRequestError after retries) until recover()', async () => {
    fake.failAll('*', 'reset');
    const before = fake.callsOf('chat.postMessage').length;
    const err = await rejectionOf(app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'during outage' }));
    expect(err).toBeInstanceOf(webApi.WebAPIRequestError);
    expect((err as { code?: string }).code).toBe(webApi.ErrorCode.RequestError);
    expect(fake.callsOf('chat.postMessage').slice(before).map((c) => c.outcome)).toEqual(['reset', 'reset']);
    // the sinks are down too
    await expect(fetch(fake.webhookUrl(), { method: 'POST', body: '{}' })).rejects.toThrow();

    fake.recover();
    const ok = await app.client.chat.postMessage({ channel: 'C0ALERTS', text: 'after outage' });
    expect(ok.ok).toBe(true);
  });

  it('failAll with a limit: 500 for the next 3 requests only, and a method-specific outage wins over *', async () => {
    fake.failAll('chat.update', httpError(500), { times: 3 });
    await expect(app.client.chat.update({ channel: 'C1', ts: '1.1', text: 'a' })).rejects.toBeInstanceOf(webApi.WebAPIHTTPError); // 2 attempts
    await expect(app.client.chat.update({ channel: 'C1', ts: '1.1', text: 'b' })).resolves.toMatchObject({ ok: true }); // 500, then ok
    await expect(app.client.chat.update({ channel: 'C1', ts: '1.1', text: 'c' })).resolves.toMatchObject({ ok: true });

    fake.failAll('*', httpError(502));
    fake.failAll('auth.test', okFalse('invalid_auth'));
    await expect(app.client.auth.test()).rejects.toBeInstanceOf(webApi.WebAPIPlatformError);
    fake.recover('auth.test');
    await expect(app.client.auth.test()).rejects.toBeInstanceOf(webApi.WebAPIHTTPError);
    fake.recover();
  });

  it('failAll(hang) + the client timeout → WebAPIRequestError', async () => {
    const client = new webApi.WebClient(BOT_TOKEN, { slackApiUrl: fake.url, retryConfig: { retries: 0 }, timeout: 100, logger: quietLogger() });
    fake.failAll('chat.postEphemeral', 'hang');
    const err = await rejectionOf(client.chat.postEphemeral({ channel: 'C0ALERTS', user: 'U0HUMAN', text: 'x' }));
    expect(err).toBeInstanceOf(webApi.WebAPIRequestError);
    expect(fake.callsOf('chat.postEphemeral').at(-1)?.outcome).toBe('hang');
    fake.recover();
    const ok = await client.chat.postEphemeral({ channel: 'C0ALERTS', user: 'U0HUMAN', text: 'y' });
    expect(ok.message_ts).toMatch(/^1700000000\.\d{6}$/);
  });

  it('handle() replaces a method; fakeReply() returns any status; unknown methods are unknown_method', async () => {
    fake.handle('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'alerts' } }));
    await expect(app.client.conversations.info({ channel: 'C0ALERTS' })).resolves.toMatchObject({ channel: { id: 'C0ALERTS' } });
    fake.handle('conversations.info', () => fakeReply({ status: 503, body: 'down' }));
    await expect(app.client.conversations.info({ channel: 'C0ALERTS' })).rejects.toBeInstanceOf(webApi.WebAPIHTTPError);
    const err = await rejectionOf(app.client.apiCall('no.such.method'));
    expect((err as InstanceType<typeof webApi.WebAPIPlatformError>).data.error).toBe('unknown_method');
  });

  it('waitFor times out with a message that lists the requests seen', async () => {
    const err = await rejectionOf(fake.waitFor('chat.delete', 1, 100));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('timed out after 100 ms waiting for 1 call(s) of chat.delete; got 0');
    expect(err.message).toContain('auth.test -> 200');
    expect(err.message).toMatch(/chat\.postMessage -> 500 channel="C0ALERTS" text="after a 500"/);
  });
});

describe('fake Slack API sinks and reset', () => {
  let fake: FakeSlackApi;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('the incoming-webhook sink records JSON bodies and answers 200 ok; force() makes it 500 or 429', async () => {
    const url = fake.webhookUrl('T0/B0/secret');
    const post = (body: object) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const ok = await post({ text: 'first', blocks: ALERT_BLOCKS });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');

    fake.force('webhook', httpError(500, 'rollup_error'), rateLimited(2));
    const failed = await post({ text: 'second' });
    expect([failed.status, await failed.text()]).toEqual([500, 'rollup_error']);
    const limited = await post({ text: 'third' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    await limited.body?.cancel();

    const hooks = await fake.waitForWebhooks(3);
    expect(hooks.map((h) => [h.id, h.body.text, h.outcome])).toEqual([
      ['T0/B0/secret', 'first', 200],
      ['T0/B0/secret', 'second', 500],
      ['T0/B0/secret', 'third', 429],
    ]);
    expect(hooks[0]?.body.blocks).toEqual(ALERT_BLOCKS);
    expect(fake.calls).toHaveLength(0); // sinks are not Web API calls
  });

  it('apps.connections.open without a socket server is a clear platform error; reset() forgets everything', async () => {
    const client = new webApi.WebClient('xapp-1-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 }, logger: quietLogger() });
    const err = await rejectionOf(client.apps.connections.open());
    expect((err as InstanceType<typeof webApi.WebAPIPlatformError>).data.error).toBe('no_fake_socket_mode_server');
    fake.force('auth.test', okFalse('invalid_auth'));
    fake.reset();
    expect([fake.calls.length, fake.webhooks.length, fake.responses.length]).toEqual([0, 0, 0]);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0FAKE' });
  });
});

describe('fake Socket Mode + Bolt 5 socketMode', () => {
  it('connects through apps.connections.open, acks envelopes with their envelope_id and ack payload, and shuts down cleanly', async () => {
    const fake = await startFakeSlackApi();
    const socket = await startFakeSocketMode(fake);
    const log = quietLogger();
    const app = new App({
      token: BOT_TOKEN,
      appToken: 'xapp-1-test',
      socketMode: true,
      deferInitialization: true,
      logger: log,
      clientOptions: clientOptions(fake),
    });
    const seen: string[] = [];
    app.command('/syslog', async ({ ack, command }) => {
      seen.push(command.text);
      await ack({ response_type: 'ephemeral', text: `muted: ${command.text}` });
    });
    app.action('alert_ack', async ({ ack }) => {
      seen.push('alert_ack');
      await ack();
    });
    try {
      await app.init();
      await app.start();
      await socket.connected();
      const open = fake.callsOf('apps.connections.open');
      expect(open).toHaveLength(1);
      expect(open[0]?.auth).toBe('Bearer xapp-1-test');

      const slash = await socket.send(
        'slash_commands',
        slashCommandForm({ text: 'mute db02 2h', userId: 'U0HUMAN', channelId: 'C0ALERTS', responseUrl: fake.responseUrl('sm') }),
        { acceptsResponsePayload: true },
      );
      expect(slash.envelope_id).toMatch(/^fake-env-/);
      expect(slash.payload).toEqual({ response_type: 'ephemeral', text: 'muted: mute db02 2h' });

      const click = await socket.send(
        'interactive',
        blockActionsPayload({ actionId: 'alert_ack', value: 'alert-42', userId: 'U0HUMAN', channelId: 'C0ALERTS', messageTs: '1700000000.000001', responseUrl: fake.responseUrl('sm2'), blocks: ALERT_BLOCKS }),
        { envelopeId: 'e-click' },
      );
      expect(click).toMatchObject({ envelope_id: 'e-click', payload: {} });
      expect(seen).toEqual(['mute db02 2h', 'alert_ack']);
      expect(socket.acks.map((a) => a.envelope_id)).toEqual([slash.envelope_id, 'e-click']);

      // an envelope nobody acks: the promise rejects with a clear message (there is no ack timer in Socket Mode)
      const unacked = await rejectionOf(
        socket.send(
          'interactive',
          blockActionsPayload({ actionId: 'nobody', value: 'v', userId: 'U0HUMAN', channelId: 'C0ALERTS', messageTs: '1.1', responseUrl: fake.responseUrl('n') }),
          { timeoutMs: 200 },
        ),
      );
      expect(unacked.message).toMatch(/no ack for interactive envelope fake-env-\S+ within 200 ms/);
    } finally {
      const t0 = Date.now();
      await app.stop();
      await socket.close();
      await fake.close();
      expect(Date.now() - t0).toBeLessThan(1500); // the close handshake completed; nothing waited for a 30 s timer
    }
    expect(socket.openClients).toBe(0);
  });
});
