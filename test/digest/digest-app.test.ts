/**
 * The digest through the real app (createApp in-process): UDP lines in, digestNow(), and the digest out as a
 * console JSON line and as a chat.postMessage to the fake Slack Web API.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigText } from '../../src/config/load.js';
import type { DigestScheduler } from '../../src/digest/digest-scheduler.js';
import { startFakeSlackApi, type FakeSlackApi } from '../helpers/fake-slack-api.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Scheduled {
  schedule: string;
  timezone: string;
  run: () => unknown;
  stopped: boolean;
}

async function startApp(notify: string, digest = 'digest: { top: 2 }') {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-digest-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfigText(`
listeners: [{ protocol: udp, address: 127.0.0.1, port: 0, name: udp }]
http: { address: 127.0.0.1, port: 0 }
stateDir: ${JSON.stringify(dir)}
timezone: Europe/Berlin
rules:
  - name: crashes
    type: keyword
    keywords: [segfault]
${notify}
${digest}
`);
  const out = new PassThrough();
  const lines: string[] = [];
  let buffered = '';
  out.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  const scheduled: Scheduled[] = [];
  const scheduleDigest: DigestScheduler = (schedule, timezone, run) => {
    const s: Scheduled = { schedule, timezone, run, stopped: false };
    scheduled.push(s);
    return { stop: () => void (s.stopped = true) };
  };
  const app = createApp(config, { log: pino({ level: 'silent' }), registry: new Registry(), processMetrics: false, eventStream: out, scheduleDigest });
  await app.start();
  cleanups.push(() => app.stop());
  return { app, lines, scheduled, port: app.listenerPorts().get('udp')! };
}

async function sendLines(app: App, port: number, lines: readonly string[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  const before = app.metrics.receivedTotal();
  for (const line of lines) await new Promise<void>((resolve, reject) => s.send(line, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => s.close(() => resolve()));
  await waitFor(() => app.metrics.receivedTotal() === before + lines.length, `${lines.length} messages through the pipeline`);
}

const LINES = [
  '<13>Jan  1 07:00:00 router kernel: link up',
  '<13>Jan  1 07:00:01 router kernel: link down',
  '<13>Jan  1 07:00:02 router kernel: segfault at 0',
  '<13>Jan  1 07:00:03 pi app: hello',
  '<13>Jan  1 07:00:04 pi app: hello again',
  '<13>Jan  1 07:00:05 nas smbd: started',
  '<13>Jan  1 07:00:06 router kernel: link up',
];

describe('digest in the app', () => {
  it('schedules on the configured cron in the top-level zone; digestNow() writes one {"event":"digest"} line and resets the counts', async () => {
    const { app, lines, scheduled, port } = await startApp('notify: { console: {} }');
    expect(scheduled).toMatchObject([{ schedule: '0 8 * * *', timezone: 'Europe/Berlin', stopped: false }]);
    await sendLines(app, port, LINES);
    app.alerts.mute({ matchers: [{ name: 'rule', value: 'crashes', isRegex: false }], endsAt: Date.now() + 3_600_000, createdBy: 'cli:test' });
    const report = await app.digestNow();
    expect(report?.messages.total).toBe(7);
    await waitFor(() => lines.some((l) => l.includes('"event":"digest"')), 'the digest line');
    const digestLines = lines.filter((l) => l.includes('"event":"digest"'));
    expect(digestLines).toHaveLength(1);
    const record = JSON.parse(digestLines[0]!) as Record<string, any>;
    expect(record).toMatchObject({
      event: 'digest',
      messages: { total: 7, hosts: 3, hostsCapped: false, otherHostsMessages: 0, top: [{ host: 'router', messages: 4 }, { host: 'pi', messages: 2 }] },
      incidents: { opened: 1, byRule: [{ rule: 'crashes', opened: 1 }], openNow: 1 },
      mutes: { active: 1, list: [{ matchers: [{ name: 'rule', value: 'crashes', isRegex: false }], createdBy: 'cli:test' }] },
    });
    expect(record.at).toBe(record.to);
    expect(Date.parse(record.to)).toBeGreaterThanOrEqual(Date.parse(record.from));
    // The incident event itself went to the same stream, as before.
    expect(lines.some((l) => l.includes('"event":"fired"'))).toBe(true);

    // The scheduled run is the same thing; the counts started again after the previous digest.
    await sendLines(app, port, ['<13>Jan  1 07:10:00 nas smbd: again']);
    await scheduled[0]!.run();
    const second = JSON.parse(lines.filter((l) => l.includes('"event":"digest"'))[1]!) as Record<string, any>;
    expect(second.messages).toEqual({ total: 1, hosts: 1, hostsCapped: false, otherHostsMessages: 0, top: [{ host: 'nas', messages: 1 }] });
    expect(second.incidents).toMatchObject({ opened: 0, byRule: [] });
    expect(second.from).toBe(record.to);

    await app.stop();
    expect(scheduled[0]!.stopped).toBe(true);
  });

  it('is off without a digest section: no stage, no schedule, digestNow() gives null', async () => {
    const { app, lines, scheduled, port } = await startApp('notify: { console: {} }', '');
    await sendLines(app, port, LINES.slice(0, 2));
    expect(await app.digestNow()).toBeNull();
    expect(scheduled).toEqual([]);
    expect(lines.some((l) => l.includes('"event":"digest"'))).toBe(false);
  });

  describe('with Slack', () => {
    let fake: FakeSlackApi;

    async function startWithSlack(console: boolean) {
      fake = await startFakeSlackApi();
      cleanups.push(() => fake.close());
      const slack = `{ mode: http, signingSecret: test-signing-secret, botToken: xoxb-test, channel: "#alerts", apiUrl: ${JSON.stringify(fake.url)}, port: 0, address: 127.0.0.1 }`;
      return startApp(`notify: { ${console ? 'console: {}, ' : ''}slack: ${slack} }`);
    }

    it('posts the digest to the default channel with chat.postMessage, host names escaped', async () => {
      const { app, lines, port } = await startWithSlack(false);
      await sendLines(app, port, [...LINES, '<13>1 2026-01-01T07:00:00Z <!channel> app - - - hi', '<13>1 2026-01-01T07:00:01Z <!channel> app - - - hi', '<13>1 2026-01-01T07:00:02Z <!channel> app - - - hi']);
      await app.digestNow();
      // The incident's own message goes out through the outbox on its own; the digest is the other post.
      const posts = fake.callsOf('chat.postMessage').filter((c) => String(c.args.text).startsWith('Syslog digest'));
      expect(posts).toHaveLength(1);
      const args = posts[0]!.args;
      expect(posts[0]!.auth).toBe('Bearer xoxb-test');
      expect(args.channel).toBe('#alerts');
      expect(args.text).toBe('Syslog digest: 10 messages from 4 hosts, 1 incident opened, 0 mutes active');
      expect(args.blocks[0]).toMatchObject({ type: 'header' });
      const body = JSON.stringify(args.blocks);
      expect(body).toContain('1. router: 4 messages');
      expect(body).toContain('2. &lt;!channel&gt;: 3 messages');
      expect(body).not.toContain('<!channel>');
      expect(posts[0]!.outcome).toBe(200);
      // No console output configured: nothing on the stream.
      expect(lines.some((l) => l.includes('"event":"digest"'))).toBe(false);
    });

    it('still writes the console line when Slack refuses the post', async () => {
      const { app, lines, port } = await startWithSlack(true);
      await sendLines(app, port, LINES.slice(0, 3));
      fake.failAll('chat.postMessage', { status: 200, body: { ok: false, error: 'not_in_channel' } });
      const report = await app.digestNow();
      expect(report?.messages.total).toBe(3);
      expect(lines.filter((l) => l.includes('"event":"digest"'))).toHaveLength(1);
      fake.recover();
    });
  });
});
