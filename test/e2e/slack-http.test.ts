/**
 * Slack through the real daemon in HTTP mode: syslog bursts over UDP in, calls to a fake Slack Web API on
 * loopback out, and signed button clicks and slash commands posted to the daemon's Bolt receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';
import { httpError, rateLimited, startFakeSlackApi, type FakeCall, type FakeSlackApi } from '../helpers/fake-slack-api.js';
import { blockActionsPayload, interactiveForm, nowSeconds, postSigned, slashCommandForm } from '../helpers/slack-requests.js';
import { ALERTS_CHANNEL, buttonIn, callsAbout, HUMAN, sendUdp, SIGNING_SECRET, sleep, slackYaml, sshBurst, waitUntil } from '../helpers/slack-appliance.js';

let fake: FakeSlackApi;
let app: RunningAppliance;
let slackUrl: string;

function slackPort(a: RunningAppliance): number {
  const line = a.logs.find((l) => l.msg === 'Slack connected');
  if (line === undefined) throw new Error('no "Slack connected" log line');
  return Number(line.port);
}

beforeAll(async () => {
  fake = await startFakeSlackApi();
  app = await startAppliance(slackYaml({ mode: 'http', apiUrl: fake.url, extraSlack: `allowedUsers: [${HUMAN}, U0OTHER]` }));
  slackUrl = `http://127.0.0.1:${slackPort(app)}/slack/events`;
}, 20_000);

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

function click(actionId: string, value: string, message: FakeCall, userId = HUMAN, options: { ts?: number; signature?: string } = {}): Promise<Response> {
  const payload = blockActionsPayload({
    actionId,
    value,
    userId,
    channelId: ALERTS_CHANNEL,
    messageTs: message.args.ts as string,
    responseUrl: fake.responseUrl('click'),
    blocks: message.args.blocks,
  });
  return postSigned(slackUrl, SIGNING_SECRET, interactiveForm(payload), options);
}

async function command(text: string, options: { ts?: number; signature?: string; userId?: string } = {}): Promise<{ status: number; text: string }> {
  const form = slashCommandForm({ text, userId: options.userId ?? HUMAN, channelId: ALERTS_CHANNEL, responseUrl: fake.responseUrl('cmd') });
  const res = await postSigned(slackUrl, SIGNING_SECRET, form, options);
  const body = await res.text();
  if (res.status !== 200) return { status: res.status, text: body };
  const reply = JSON.parse(body) as { response_type: string; text: string };
  expect(reply.response_type).toBe('ephemeral');
  return { status: res.status, text: reply.text };
}

/** The one chat.postMessage about this host, once it is there. */
async function postFor(host: string): Promise<FakeCall> {
  await waitUntil(() => callsAbout(fake, 'chat.postMessage', host).length > 0, `a post about ${host}`, fake);
  return callsAbout(fake, 'chat.postMessage', host)[0]!;
}

describe('Slack in HTTP mode, against the real daemon', () => {
  it('a burst makes exactly one post; more lines edit the same message', async () => {
    await sshBurst(app, 'web01', 6);
    const post = await postFor('web01');
    expect(post.auth).toBe('Bearer xoxb-test-token');
    expect(post.args.channel).toBe('#alerts');
    expect(buttonIn(post, 'incident_ack')).toBeDefined();
    expect(buttonIn(post, 'incident_mute_1h')).toBeDefined();
    expect(buttonIn(post, 'incident_mute_24h')).toBeDefined();
    expect(post.args.link_names).toBeUndefined();
    const message = [...fake.messages.values()].find((m) => m.text === post.args.text)!;
    await sshBurst(app, 'web01', 3);
    await waitUntil(() => callsAbout(fake, 'chat.update', 'web01').length > 0, 'an update about web01', fake);
    const update = callsAbout(fake, 'chat.update', 'web01').at(-1)!;
    expect(update.args.channel).toBe(fake.channelId('#alerts'));
    expect(update.args.ts).toBe(message.ts);
    expect(JSON.stringify(update.args.blocks)).toContain('9 matches');
    await sleep(1200);
    expect(callsAbout(fake, 'chat.postMessage', 'web01')).toHaveLength(1);
  });

  it('log text is escaped: no <!channel>, no disguised link', async () => {
    await sendUdp(app, [`<13>1 ${new Date().toISOString()} evilhost app - - - ALERTME <!channel> <https://example.com|click> <@U999> @here`]);
    const post = await postFor('evilhost');
    const raw = JSON.stringify(post.args);
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).toContain('&lt;https://example.com|click&gt;');
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://example.com');
    expect(raw).not.toContain('<@U999>');
    expect(String(post.args.text)).not.toMatch(/<[!@#]/);
  });

  it('Acknowledge: the update names the user, the clicker gets an ephemeral confirmation', async () => {
    await sshBurst(app, 'web02');
    const post = await postFor('web02');
    const incidentId = buttonIn(post, 'incident_ack')!.value;
    const before = fake.callsOf('chat.update').length;
    const res = await click('incident_ack', incidentId, post);
    expect(res.status).toBe(200);
    await waitUntil(() => fake.callsOf('chat.update').slice(before).some((c) => JSON.stringify(c.args).includes('Acknowledged by <@U0HUMAN>')), 'an update naming the acker', fake);
    const update = fake.callsOf('chat.update').slice(before).find((c) => JSON.stringify(c.args).includes('Acknowledged by'))!;
    expect(buttonIn(update, 'incident_ack')).toBeUndefined();
    await waitUntil(() => fake.callsOf('chat.postEphemeral').some((c) => c.args.user === HUMAN && String(c.args.text).startsWith('Acknowledged')), 'ephemeral ack confirmation', fake);
    // acknowledged: more lines make no further Slack call for it (only its resolution, on a slow machine, may edit it)
    const calls = callsAbout(fake, 'chat.update', 'web02').length;
    await sshBurst(app, 'web02', 3);
    await sleep(1000);
    expect(callsAbout(fake, 'chat.update', 'web02').slice(calls).filter((c) => !String(c.args.text).includes('Resolved'))).toEqual([]);
  });

  it('Mute 1h: the next burst on that key is recorded but not posted, another host still alerts; Unmute ends it', async () => {
    await sshBurst(app, 'web03');
    const post = await postFor('web03');
    const res = await click('incident_mute_1h', buttonIn(post, 'incident_mute_1h')!.value, post);
    expect(res.status).toBe(200);
    await waitUntil(() => callsAbout(fake, 'chat.update', 'web03').some((c) => buttonIn(c, 'incident_unmute') !== undefined), 'the message showing Unmute', fake);
    const muted = callsAbout(fake, 'chat.update', 'web03').find((c) => buttonIn(c, 'incident_unmute') !== undefined)!;
    expect(JSON.stringify(muted.args.blocks)).toMatch(/Muted until .* by <@U0HUMAN>/);
    await waitUntil(() => fake.callsOf('chat.postEphemeral').some((c) => String(c.args.text).startsWith('Muted `rule=ssh_invalid_user` `host=web03`')), 'ephemeral mute confirmation', fake);
    const unmuteValue = buttonIn(muted, 'incident_unmute')!.value;

    // the incident resolves after 6 s quiet; a new burst opens a new, suppressed incident: no post
    await waitUntil(() => callsAbout(fake, 'chat.update', 'web03').some((c) => JSON.stringify(c.args.blocks).includes('Resolved at')), 'web03 resolved', fake, 20_000);
    const suppressedBefore = metricValue(await app.metrics(), 'syslog_incidents_suppressed_total') ?? 0;
    await sshBurst(app, 'web03');
    await sshBurst(app, 'web04');
    await postFor('web04');
    const exposition = await app.metrics();
    expect(metricValue(exposition, 'syslog_incidents_suppressed_total')).toBe(suppressedBefore + 1);
    expect(callsAbout(fake, 'chat.postMessage', 'web03')).toHaveLength(1);
    expect(app.stdout.some((l) => l.includes('"suppressed"') && l.includes('web03'))).toBe(true);

    // Unmute (the button's mute id), and the next incident on web03 posts again
    const unmute = await click('incident_unmute', unmuteValue, muted);
    expect(unmute.status).toBe(200);
    await waitUntil(() => fake.callsOf('chat.postEphemeral').some((c) => String(c.args.text).startsWith('Ended the mute')), 'ephemeral unmute confirmation', fake);
    const status = await command('mutes');
    expect(status.text).toBe('No active mutes.');
    await sshBurst(app, 'web03', 2);
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'web03').length === 2, 'web03 alerting again after the unmute', fake);
  });

  it('a click by someone outside allowedUsers is refused and changes nothing', async () => {
    await sshBurst(app, 'web05');
    const post = await postFor('web05');
    const updates = callsAbout(fake, 'chat.update', 'web05').length;
    const res = await click('incident_ack', buttonIn(post, 'incident_ack')!.value, post, 'U0EVIL');
    expect(res.status).toBe(200);
    await waitUntil(() => fake.callsOf('chat.postEphemeral').some((c) => c.args.user === 'U0EVIL' && String(c.args.text).includes('not on the list')), 'the refusal', fake);
    const refused = await command('mute host=web05 1h', { userId: 'U0EVIL' });
    expect(refused.text).toContain('not on the list');
    await sleep(800);
    expect(callsAbout(fake, 'chat.update', 'web05').filter((c) => JSON.stringify(c.args).includes('Acknowledged'))).toHaveLength(0);
    expect(callsAbout(fake, 'chat.update', 'web05').length).toBeLessThanOrEqual(updates + 1);
    expect((await command('mutes')).text).toBe('No active mutes.');
    expect(app.logs.some((l) => l.msg === 'Slack action refused by the allowlist' && l.user === 'U0EVIL')).toBe(true);
  });

  it('/syslog mute, mutes, status, unmute and help', async () => {
    const muted = await command('mute host=rpi-03 2h flapping wifi');
    expect(muted.status).toBe(200);
    expect(muted.text).toMatch(/^Muted `host=rpi-03` for 2h/);
    const id = /id `([0-9a-f-]+)`/.exec(muted.text)![1]!;
    expect(app.logs.some((l) => l.msg === 'mute created from Slack' && l.by === `slack:${HUMAN}`)).toBe(true);
    const second = await command('mute rule=ssh_invalid_user host=web09 30m noisy scanner');
    expect(second.text).toMatch(/^Muted `rule=ssh_invalid_user` `host=web09` for 30m/);

    const list = await command('mutes');
    expect(list.text).toContain('*2 mutes*');
    expect(list.text).toContain('`host=rpi-03`');
    expect(list.text).toContain('flapping wifi');
    expect(list.text).toContain('<@U0HUMAN>');

    const status = await command('status');
    expect(status.text).toMatch(/\*Messages\*: \d+ received since start/);
    expect(status.text).toContain('*Active mutes*: 2');
    expect(status.text).toMatch(/\*Open incidents\*: \d+/);

    const ended = await command(`unmute ${id.slice(0, 8)}`);
    expect(ended.text).toBe(`Ended mute \`${id}\` (\`host=rpi-03\`).`);
    expect((await command('mutes')).text).toContain('*1 mute*');
    const secondId = /id `([0-9a-f-]+)`/.exec(second.text)![1]!;
    await command(`unmute ${secondId}`);

    expect((await command('help')).text).toContain('/syslog mute');
    expect((await command('')).text).toContain('/syslog unmute');
  });

  it('/syslog with bad input answers with a clear ephemeral error and changes nothing', async () => {
    const cases: [string, RegExp][] = [
      ['mute colour=red 2h', /^Not muted: .*colour/],
      ['mute host=web01 forever', /`forever` is not a duration/],
      ['mute 2h', /at least one matcher/],
      ['mute host=web01', /Missing the duration/],
      ['mute host=web01 90d', /at most 30d/],
      ['mute host=~( 1h', /^Not muted/],
      ['mute rule=sshd-typo 1h', /^Not muted: there is no rule named `sshd-typo` \(rules: `ssh_invalid_user`, `keywords`\)/],
      ['unmute', /Usage: `unmute <id>`/],
      ['unmute abcdef12', /No mute with id `abcdef12`/],
      ['frobnicate', /Unknown subcommand `frobnicate`/],
    ];
    for (const [text, expected] of cases) {
      const reply = await command(text);
      expect(reply.status, text).toBe(200);
      expect(reply.text, text).toMatch(expected);
    }
    expect((await command('mutes')).text).toBe('No active mutes.');
  });

  it('a forged signature and a 6-minute-old timestamp get 401 and change nothing', async () => {
    const form = slashCommandForm({ text: 'mute host=forged 1h', userId: HUMAN, channelId: ALERTS_CHANNEL, responseUrl: fake.responseUrl('forged') });
    const forged = await postSigned(slackUrl, 'not-the-secret', form);
    expect(forged.status).toBe(401);
    const stale = await postSigned(slackUrl, SIGNING_SECRET, form, { ts: nowSeconds() - 360 });
    expect(stale.status).toBe(401);
    const unsigned = await postSigned(slackUrl, SIGNING_SECRET, form, { signature: 'v0=deadbeef' });
    expect(unsigned.status).toBe(401);
    expect((await command('mutes')).text).toBe('No active mutes.');
    expect(metricValue(await app.metrics(), 'syslog_mutes_active')).toBe(0);
  });

  it('Slack answering 500 for a while: the alert arrives once it recovers', async () => {
    fake.failAll('chat.postMessage', httpError(500));
    await sshBurst(app, 'web06');
    await waitUntil(() => fake.callsOf('chat.postMessage').filter((c) => c.outcome === 500).length >= 2, 'two failed attempts', fake);
    const exposition = await app.metrics();
    expect(metricValue(exposition, 'syslog_outbox_depth{notifier="slack"}')).toBeGreaterThanOrEqual(1);
    expect(metricValue(exposition, 'syslog_slack_api_calls_total{method="chat.postMessage",outcome="http_error"}')).toBeGreaterThanOrEqual(2);
    fake.recover('chat.postMessage');
    await postFor('web06');
    await sleep(1200);
    expect(callsAbout(fake, 'chat.postMessage', 'web06')).toHaveLength(1);
    let depth: number | undefined;
    for (let i = 0; i < 100 && depth !== 0; i++, await sleep(50)) depth = metricValue(await app.metrics(), 'syslog_outbox_depth{notifier="slack"}');
    expect(depth, 'the outbox empties once Slack is back').toBe(0);
  });

  it('429 with Retry-After: the update waits that long', async () => {
    await sshBurst(app, 'web07');
    await postFor('web07');
    fake.force('chat.update', rateLimited(2));
    await sshBurst(app, 'web07', 2);
    await waitUntil(() => callsAbout(fake, 'chat.update', 'web07').length > 0, 'the update after the 429', fake, 10_000);
    const limited = fake.callsOf('chat.update').find((c) => c.outcome === 429)!;
    const retried = callsAbout(fake, 'chat.update', 'web07')[0]!;
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(1900);
    expect(metricValue(await app.metrics(), 'syslog_slack_api_calls_total{method="chat.update",outcome="rate_limited"}')).toBe(1);
  });
});
