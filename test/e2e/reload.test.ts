/** SIGHUP through the real daemon: a valid change keeps unchanged rules' windows; an invalid file keeps the old config. */
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const BASE = `
listeners:
  - { name: udp-test, protocol: udp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
rules:
  - { name: ssh_invalid_user, preset: sshd-invalid-user, window: 5m }
`;

let app: RunningAppliance;
beforeAll(async () => {
  app = await startAppliance(BASE);
}, 30_000);
afterAll(async () => {
  await app?.stop();
});

async function send(lines: readonly string[]): Promise<void> {
  const socket = createSocket('udp4');
  for (const l of lines) await new Promise<void>((r) => socket.send(l, app.ports.get('udp-test')!, '127.0.0.1', () => r()));
  socket.close();
}
const attempt = (user: string) => `<38>1 ${new Date().toISOString()} bastion sshd 7 - - Invalid user ${user} from 192.0.2.9 port 2222`;

async function reload(yaml: string, logsBefore: number): Promise<void> {
  // the harness runs the daemon with --config <dir>/config.yaml; listeners stay as they are (port 0 in both)
  writeFileSync(join(app.dir, 'config.yaml'), yaml);
  app.child.kill('SIGHUP');
  await eventually(() => app.logs.slice(logsBefore).some((l) => /config reload/.test(l.msg)), 5000, 'reload log line');
}

describe('SIGHUP reload', () => {
  it('keeps the window of an unchanged rule and adds a new rule', async () => {
    await send(['a', 'b', 'c'].map(attempt));
    await eventually(async () => (metricValue(await app.metrics(), 'syslog_rule_matches_total{rule="ssh_invalid_user"}') ?? 0) === 3, 5000, 'three matches');
    await reload(`${BASE}  - { name: oom, type: keyword, keywords: ["Out of memory"] }\n`, app.logs.length);
    expect(metricValue(await app.metrics(), 'syslog_sentinel_config_last_reload_successful')).toBe(1);
    await send([attempt('d')]);
    await eventually(() => app.stdout.some((l) => l.includes('"fired"') && l.includes('ssh_invalid_user')), 5000, 'fourth attempt fires: the window survived');
    await send([`<11>1 ${new Date().toISOString()} bastion kernel - - - Out of memory: Killed process 1`]);
    await eventually(() => app.stdout.some((l) => l.includes('"fired"') && l.includes('"oom"')), 5000, 'the new rule works');
  });

  it('an invalid file keeps the running config, logs every error and sets the reload gauge to 0', async () => {
    const before = app.logs.length;
    await reload('listeners: []\nrules: [{ name: "Bad Name", type: keyword }]\n', before);
    const failure = app.logs.slice(before).find((l) => l.msg === 'config reload failed; keeping the running config');
    expect(failure).toBeDefined();
    expect((failure!.problems as string[]).length).toBeGreaterThanOrEqual(2);
    expect(metricValue(await app.metrics(), 'syslog_sentinel_config_last_reload_successful')).toBe(0);
    expect((await fetch(`${app.httpBase}/healthz`)).status).toBe(200);
    expect(metricValue(await app.metrics(), 'syslog_rule_matches_total{rule="oom"}')).toBe(1);
  });
});
