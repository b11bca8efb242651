/**
 * Detection through the real daemon: logger and raw UDP lines in, incident events as JSON lines on stdout out;
 * state across a SIGTERM restart; a persisted mute; and replay of the same lines giving the same incidents.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, runCli, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const run = promisify(execFile);
const hasLogger = await run('logger', ['--version']).then(() => true, () => false);

const CONFIG = `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
stateDir: ./state
alerting: { updateInterval: 300ms }
rules:
  - { name: ssh_invalid_user, preset: sshd-invalid-user, window: 30s, resolveAfter: 2s }
  - { name: keywords, type: keyword, keywords: ["Out of memory", segfault], groupBy: [host], resolveAfter: 2s }
`;

interface Event {
  event: string;
  rule: string;
  incident: string;
  key: Record<string, string>;
  count: number;
}

const running: RunningAppliance[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function start(dir?: string, yaml = CONFIG): Promise<RunningAppliance> {
  const app = await startAppliance(yaml, [], 15_000, dir);
  running.push(app);
  return app;
}

function events(app: RunningAppliance): Event[] {
  return app.stdout.map((l) => JSON.parse(l) as Event);
}

async function sendUdp(app: RunningAppliance, lines: readonly string[]): Promise<void> {
  const socket = createSocket('udp4');
  for (const line of lines) await new Promise<void>((r) => socket.send(line, app.ports.get('udp-test')!, '127.0.0.1', () => r()));
  socket.close();
}

/** An RFC 5424 line stamped with the current time, as a device would send it now. */
function sshLine(host: string, user: string, ip: string): string {
  return `<38>1 ${new Date().toISOString()} ${host} sshd 4242 - - Invalid user ${user} from ${ip} port 50022`;
}

describe.skipIf(!hasLogger)('incidents from the live daemon', () => {
  it('logger lines: N-1 attempts stay quiet, the Nth fires once per host, then updates, then resolves', async () => {
    const app = await start();
    const port = String(app.ports.get('udp-test'));
    // logger stamps this machine's hostname: all attempts share one key
    const attempt = (user: string) =>
      run('logger', ['-n', '127.0.0.1', '-P', port, '-d', '--rfc3164', '-t', 'sshd', '--id=999', '-p', 'auth.info', '--', `Invalid user ${user} from 203.0.113.9 port 4000`]);
    for (const user of ['admin', 'oracle', 'test']) await attempt(user);
    await new Promise((r) => setTimeout(r, 400));
    expect(events(app)).toEqual([]);
    await attempt('pi');
    await eventually(() => events(app).some((e) => e.event === 'fired'), 5000, 'fired event');
    await attempt('ubuntu');
    await eventually(() => events(app).some((e) => e.event === 'updated'), 5000, 'updated event');
    await eventually(() => events(app).some((e) => e.event === 'resolved'), 8000, 'resolved event');
    const seen = events(app);
    expect(seen.filter((e) => e.event === 'fired')).toHaveLength(1);
    const fired = seen.find((e) => e.event === 'fired')!;
    expect(fired).toMatchObject({ rule: 'ssh_invalid_user', count: 4, threshold: 4, windowSeconds: 30 });
    expect(seen.find((e) => e.event === 'resolved')).toMatchObject({ incident: fired.incident, count: 5 });
  });

  it('two hosts interleaved are counted apart; a line without hostname is keyed by its sender', async () => {
    const app = await start();
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) lines.push(sshLine('web01', `u${i}`, '198.51.100.1'), sshLine('web02', `v${i}`, '198.51.100.2'));
    await sendUdp(app, lines);
    await sendUdp(app, ['<27>Nov 21 10:00:00 kernel: Out of memory: Killed process 4242 (java)']);
    await eventually(() => events(app).some((e) => e.rule === 'keywords'), 5000, 'keyword incident');
    expect(events(app).filter((e) => e.rule === 'ssh_invalid_user')).toEqual([]);
    expect(events(app).find((e) => e.rule === 'keywords')!.key).toEqual({ host: '127.0.0.1' });
    await sendUdp(app, [sshLine('web02', 'v3', '198.51.100.2')]);
    await eventually(() => events(app).some((e) => e.rule === 'ssh_invalid_user'), 5000, 'web02 fires');
    expect(events(app).filter((e) => e.rule === 'ssh_invalid_user').map((e) => e.key)).toEqual([{ host: 'web02' }]);
  });

  it('an open incident survives SIGTERM and restart: the next line updates it instead of firing anew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-restart-'));
    dirs.push(dir);
    // a long resolveAfter: however slow the restart, the incident is still open when the next line arrives
    const slowResolve = CONFIG.replace('window: 30s, resolveAfter: 2s', 'window: 30s, resolveAfter: 5m');
    expect(slowResolve).not.toBe(CONFIG);
    const first = await start(dir, slowResolve);
    await sendUdp(first, ['admin', 'root', 'test', 'guest'].map((u) => sshLine('db01', u, '192.0.2.50')));
    await eventually(() => events(first).some((e) => e.event === 'fired'), 5000, 'fired');
    const id = events(first).find((e) => e.event === 'fired')!.incident;
    expect(await first.stop('SIGTERM')).toBe(0);
    running.splice(running.indexOf(first), 1);
    const saved = JSON.parse(readFileSync(join(dir, 'state', 'incidents.json'), 'utf8')) as { incidents: { id: string; state: string }[] };
    expect(saved.incidents.find((i) => i.id === id)?.state).toBe('open');

    const second = await start(dir, slowResolve);
    await sendUdp(second, [sshLine('db01', 'oracle', '192.0.2.50')]);
    await eventually(() => events(second).length > 0, 5000, 'an event after restart');
    expect(events(second).filter((e) => e.event === 'fired')).toEqual([]);
    await eventually(() => events(second).some((e) => e.event === 'updated' && e.incident === id), 5000, 'update of the same incident');
  });

  it('a corrupt state file is moved aside and reported, not silently reset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-corrupt-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'state', 'incidents.json'), '{"version": 1, "incidents": [ truncated');
    const app = await start(dir);
    expect(app.logs.some((l) => l.level >= 50 && /corrupt/.test(l.msg))).toBe(true);
    expect(readdirSync(join(dir, 'state')).some((f) => f.startsWith('incidents.json.corrupt-'))).toBe(true);
    expect(await app.metrics()).toMatch(/syslog_state_corrupt_files_total 1/);
  });

  it('a persisted mute blocks notification for its host while another host still alerts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-mute-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'state'));
    const now = Date.now();
    writeFileSync(join(dir, 'state', 'mutes.json'), JSON.stringify({
      version: 1, savedAt: now,
      mutes: [{ id: 'm1', matchers: [{ name: 'host', value: 'noisy', isRegex: false }], startsAt: now - 1000, endsAt: now + 3_600_000, createdBy: 'test', comment: 'scanner', createdAt: now - 1000 }],
    }));
    const app = await start(dir);
    await sendUdp(app, ['a', 'b', 'c', 'd'].map((u) => sshLine('noisy', u, '192.0.2.66')));
    await sendUdp(app, ['a', 'b', 'c', 'd'].map((u) => sshLine('quiet', u, '192.0.2.67')));
    await eventually(() => events(app).some((e) => e.key.host === 'quiet' && e.event === 'fired'), 5000, 'quiet host fires');
    await eventually(() => events(app).some((e) => e.key.host === 'noisy'), 5000, 'noisy host recorded');
    expect(events(app).filter((e) => e.key.host === 'noisy').map((e) => e.event)).toEqual(['suppressed']);
    const metrics = await app.metrics();
    expect(metrics).toMatch(/syslog_incidents_suppressed_total 1/);
    expect(metrics).toMatch(/syslog_incidents_opened_total\{rule="ssh_invalid_user"\} 2/);
  });

  it('replay of the lines the daemon received gives the same incidents', async () => {
    const app = await start();
    const lines: string[] = [];
    for (const [host, n] of [['r1', 5], ['r2', 3], ['r3', 4]] as const) for (let i = 0; i < n; i++) lines.push(sshLine(host, `user${i}`, '203.0.113.77'));
    lines.push(`<11>1 ${new Date().toISOString()} r2 app 1 - - worker segfault at 0000`);
    await sendUdp(app, lines);
    await eventually(() => events(app).filter((e) => e.event === 'resolved').length === 3, 10_000, 'three incidents resolved');
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-replay-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'lines.log'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    const replay = await runCli(['replay', '--config', join(dir, 'config.yaml'), join(dir, 'lines.log')]);
    expect(replay.code).toBe(0);
    const summarize = (evs: Event[]) => evs.filter((e) => e.event !== 'updated').map((e) => `${e.event} ${e.rule} ${JSON.stringify(e.key)}`).sort();
    const replayed = replay.stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
    expect(summarize(replayed)).toEqual(summarize(events(app)));
    expect(summarize(replayed)).toEqual([
      'fired keywords {"host":"r2"}', 'fired ssh_invalid_user {"host":"r1"}', 'fired ssh_invalid_user {"host":"r3"}',
      'resolved keywords {"host":"r2"}', 'resolved ssh_invalid_user {"host":"r1"}', 'resolved ssh_invalid_user {"host":"r3"}',
    ]);
    expect(replay.stderr).toMatch(/incidents: 3/);
  });
});
