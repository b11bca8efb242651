/**
 * Slack through the real daemon in Socket Mode (the default): the daemon opens a WebSocket to a fake Socket
 * Mode server on loopback, button clicks and slash commands arrive as envelopes and must be acked with their
 * envelope_id. Also: start-up with a token Slack rejects, and with Slack unreachable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, runCli, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';
import { httpError, okFalse, rateLimited, startFakeSlackApi, type FakeCall, type FakeSlackApi } from '../helpers/fake-slack-api.js';
import { startFakeSocketMode, type FakeSocketMode } from '../helpers/fake-socket-mode.js';
import { blockActionsPayload, slashCommandForm } from '../helpers/slack-requests.js';
import { ALERTS_CHANNEL, buttonIn, callsAbout, HUMAN, sendUdp, sleep, slackYaml, sshBurst, waitUntil } from '../helpers/slack-appliance.js';

describe('Slack in Socket Mode, against the real daemon', () => {
  let fake: FakeSlackApi;
  let socket: FakeSocketMode;
  let app: RunningAppliance;

  beforeAll(async () => {
    fake = await startFakeSlackApi();
    socket = await startFakeSocketMode(fake);
    app = await startAppliance(slackYaml({ mode: 'socket', apiUrl: fake.url }));
    await socket.connected();
  }, 20_000);

  afterAll(async () => {
    await app?.stop();
    await socket?.close();
    await fake?.close();
  });

  const clickEnvelope = (actionId: string, value: string, message: FakeCall, userId = HUMAN) =>
    socket.send(
      'interactive',
      blockActionsPayload({ actionId, value, userId, channelId: ALERTS_CHANNEL, messageTs: String(message.args.ts ?? '1.1'), responseUrl: fake.responseUrl('s'), blocks: message.args.blocks }),
    );

  const commandEnvelope = async (text: string): Promise<string> => {
    const ack = await socket.send('slash_commands', slashCommandForm({ text, userId: HUMAN, channelId: ALERTS_CHANNEL, responseUrl: fake.responseUrl('c') }));
    expect(ack.payload.response_type).toBe('ephemeral');
    return ack.payload.text as string;
  };

  it('connects with the app-level token', () => {
    const open = fake.callsOf('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.auth).toBe('Bearer xapp-1-test-token');
    expect(fake.callsOf('auth.test')[0]!.auth).toBe('Bearer xoxb-test-token');
    expect(app.logs.some((l) => l.msg === 'Slack connected' && l.mode === 'socket')).toBe(true);
  });

  it('a burst posts once; an Acknowledge envelope is acked and the update names the user', async () => {
    await sshBurst(app, 'sock01', 5);
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'sock01').length === 1, 'the post', fake);
    const post = callsAbout(fake, 'chat.postMessage', 'sock01')[0]!;
    const ack = await clickEnvelope('incident_ack', buttonIn(post, 'incident_ack')!.value, post);
    expect(ack.payload).toEqual({});
    await waitUntil(() => callsAbout(fake, 'chat.update', 'sock01').some((c) => JSON.stringify(c.args.blocks).includes('Acknowledged by <@U0HUMAN>')), 'the acknowledged message', fake);
    await sleep(1100);
    expect(callsAbout(fake, 'chat.postMessage', 'sock01')).toHaveLength(1);
  });

  it('Mute 24h from the message silences the next incident on that host only', async () => {
    await sshBurst(app, 'sock02');
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'sock02').length === 1, 'the post', fake);
    const post = callsAbout(fake, 'chat.postMessage', 'sock02')[0]!;
    await clickEnvelope('incident_mute_24h', buttonIn(post, 'incident_mute_24h')!.value, post);
    await waitUntil(() => fake.callsOf('chat.postEphemeral').some((c) => String(c.args.text).includes('for 1d')), 'the ephemeral confirmation', fake);
    expect(await commandEnvelope('mutes')).toContain('`host=sock02`');
    await waitUntil(() => callsAbout(fake, 'chat.update', 'sock02').some((c) => JSON.stringify(c.args.blocks).includes('Resolved at')), 'sock02 resolved', fake, 20_000);
    const suppressed = metricValue(await app.metrics(), 'syslog_incidents_suppressed_total') ?? 0;
    await sshBurst(app, 'sock02');
    await sshBurst(app, 'sock03');
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'sock03').length === 1, 'sock03 alerting', fake);
    expect(metricValue(await app.metrics(), 'syslog_incidents_suppressed_total')).toBe(suppressed + 1);
    expect(callsAbout(fake, 'chat.postMessage', 'sock02')).toHaveLength(1);
  });

  it('a dropped connection while Slack is down: the daemon stays up and reconnects once Slack is back', async () => {
    const connections = socket.connectionCount;
    fake.failAll('apps.connections.open', 'reset');
    await socket.requestDisconnect();
    await waitUntil(() => fake.callsOf('apps.connections.open').filter((c) => c.outcome === 'reset').length >= 2, 'two failed reconnects', fake, 10_000);
    expect(app.child.exitCode).toBeNull();
    expect((await fetch(`${app.httpBase}/healthz`)).status).toBe(200);
    fake.recover('apps.connections.open');
    await waitUntil(() => socket.connectionCount > connections && socket.openClients > 0, 'a new connection', fake, 10_000);
    expect(app.logs.some((l) => l.msg === 'Slack Socket Mode connection lost; reconnecting')).toBe(true);
    expect(await commandEnvelope('mutes')).toContain('`host=sock02`');
  }, 20_000);

  it('log text is escaped in Socket Mode too', async () => {
    await sendUdp(app, [`<13>1 ${new Date().toISOString()} sockevil app - - - ALERTME <!channel> <https://example.com|click>`]);
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'sockevil').length === 1, 'the post', fake);
    const raw = JSON.stringify(callsAbout(fake, 'chat.postMessage', 'sockevil')[0]!.args);
    expect(raw).toContain('&lt;!channel&gt; &lt;https://example.com|click&gt;');
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<https://example.com');
  });

  it('a 500 outage and a 429 delay the alert; it arrives once, in order, and nothing is lost', async () => {
    fake.failAll('chat.postMessage', httpError(503));
    await sshBurst(app, 'sock04');
    await waitUntil(() => fake.callsOf('chat.postMessage').filter((c) => c.outcome === 503).length >= 2, 'failed attempts', fake);
    fake.recover('chat.postMessage');
    fake.force('chat.postMessage', rateLimited(1));
    await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'sock04').length === 1, 'the post after the outage', fake, 10_000);
    const limited = fake.callsOf('chat.postMessage').find((c) => c.outcome === 429)!;
    expect(callsAbout(fake, 'chat.postMessage', 'sock04')[0]!.at - limited.at).toBeGreaterThanOrEqual(900);
    await sleep(1100);
    expect(callsAbout(fake, 'chat.postMessage', 'sock04')).toHaveLength(1);
  });

  it('slash commands come back in the ack envelope', async () => {
    expect(await commandEnvelope('mute host=rpi-03 2h')).toMatch(/^Muted `host=rpi-03` for 2h/);
    expect(await commandEnvelope('status')).toContain('*Active mutes*: 2');
    for (const [text, expected] of [
      ['mute colour=red 1h', /^Not muted: .*colour/],
      ['mute host=web01 forever', /`forever` is not a duration/],
      ['mute 2h', /at least one matcher/],
      ['unmute abcdef12', /No mute with id `abcdef12`/],
      ['frobnicate', /Unknown subcommand `frobnicate`/],
    ] as const) {
      expect(await commandEnvelope(text), text).toMatch(expected);
    }
    const id = /id `([0-9a-f-]+)`/.exec(await commandEnvelope('mute host=tmp-01 1h'))![1]!;
    expect(await commandEnvelope(`unmute ${id.slice(0, 8)}`)).toMatch(/^Ended mute/);
    expect(await commandEnvelope('help')).toContain('/syslog status');
  });
});

describe('Slack at start-up (Socket Mode)', () => {
  it.each([
    ['bot token', 'auth.test'],
    ['app-level token', 'apps.connections.open'],
  ])('Slack rejecting the %s is a clean start-up error', async (_what, method) => {
    const fake = await startFakeSlackApi();
    const socket = method === 'apps.connections.open' ? await startFakeSocketMode(fake) : null;
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-slack-auth-'));
    try {
      fake.failAll(method, okFalse('invalid_auth'));
      const config = join(dir, 'config.yaml');
      writeFileSync(config, slackYaml({ mode: 'socket', apiUrl: fake.url }));
      const result = await runCli(['run', '--config', config], { cwd: dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Slack refused a token (invalid_auth)');
      expect(result.stderr).not.toContain('xoxb-test-token');
      expect(result.stderr).not.toContain('xapp-1-test-token');
      expect(result.stderr).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
    } finally {
      await socket?.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('Slack unreachable at start: the appliance still starts, and the alert arrives once Slack is back', async () => {
    const fake = await startFakeSlackApi();
    fake.failAll('*', 'reset');
    const app = await startAppliance(slackYaml({ mode: 'socket', apiUrl: fake.url }));
    try {
      expect(app.logs.some((l) => l.msg === 'cannot reach Slack; alerts wait in the outbox, retrying')).toBe(true);
      await sshBurst(app, 'offline01');
      await waitUntil(() => fake.callsOf('chat.postMessage').some((c) => c.outcome === 'reset'), 'a failed attempt', fake);
      const udp = metricValue(await app.metrics(), 'syslog_messages_received_total{transport="udp"}');
      expect(udp).toBe(4);
      fake.recover();
      await waitUntil(() => callsAbout(fake, 'chat.postMessage', 'offline01').length === 1, 'the alert after recovery', fake, 10_000);
    } finally {
      await app.stop();
      await fake.close();
    }
  }, 30_000);
});
