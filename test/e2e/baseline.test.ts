/**
 * A baseline rule through the real daemon, on real time (the daemon takes no fake clock): 1 s intervals and a
 * 3-interval warm-up. Steady traffic over loopback TCP opens nothing; a surge opens one incident (one `fired`
 * line on stdout); after SIGTERM and a restart on the same stateDir the learned baseline is back, so a surge
 * fires at once on a known host, while a host the daemon has never seen is in its warm-up and does not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, metricValue, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const CONFIG = `
listeners:
  - { name: tcp-test, protocol: tcp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
stateDir: ./state
alerting: { updateInterval: 300ms }
rules:
  - name: error_rate
    type: baseline
    match: { severity: err }
    interval: 1s
    warmup: 3
    minCount: 150   # 3 s of steady lines: a daemon stalled by a busy machine reads queued lines as one bunch
    resolveAfter: 2s
notify: { console: {} }
`;

interface Event {
  event: string;
  rule: string;
  ruleType: string;
  incident: string;
  key: Record<string, string>;
  count: number;
  threshold: number;
  windowSeconds: number;
}

const running: RunningAppliance[] = [];
const sockets: Socket[] = [];
let dir = '';
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(running.splice(0).map((a) => a.stop()));
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const events = (app: RunningAppliance): Event[] => app.stdout.map((l) => JSON.parse(l) as Event);
const fired = (app: RunningAppliance, host: string) => events(app).filter((e) => e.event === 'fired' && e.key.host === host);

async function start(): Promise<RunningAppliance> {
  const app = await startAppliance(CONFIG, [], 15_000, dir);
  running.push(app);
  return app;
}

async function connect(app: RunningAppliance): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port: app.ports.get('tcp-test')! });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** `n` user.err lines from `host`, LF-framed, in one write (resolves once the kernel has taken them). */
function send(socket: Socket, host: string, n: number): Promise<void> {
  const stamp = new Date().toISOString();
  let text = '';
  for (let i = 0; i < n; i++) text += `<11>1 ${stamp} ${host} app 42 - - disk error ${i}\n`;
  return new Promise((resolve, reject) => socket.write(text, (err) => (err ? reject(err) : resolve())));
}

/** About 50 lines a second from each host for `ms`: 5 every 100 ms. */
async function steady(socket: Socket, hosts: readonly string[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const h of hosts) await send(socket, h, 5);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('baseline rule in the live daemon', () => {
  it('steady traffic is quiet, a surge fires once, and a restart keeps what was learned', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-baseline-'));
    const first = await start();
    const tcp = await connect(first);
    await steady(tcp, ['alpha', 'bravo'], 4000); // 4 intervals of ~50 lines each: past the 3-interval warm-up
    await eventually(async () => metricValue(await first.metrics(), 'syslog_rule_tracked_keys{rule="error_rate"}') === 2, 5000, 'two keys tracked');
    expect(events(first)).toEqual([]);

    await send(tcp, 'alpha', 600); // 12× the usual interval
    await eventually(() => fired(first, 'alpha').length > 0, 5000, 'alpha fires');
    await eventually(() => events(first).some((e) => e.event === 'updated'), 5000, 'a coalesced update');
    const event = fired(first, 'alpha')[0]!;
    expect(event).toMatchObject({ rule: 'error_rate', ruleType: 'baseline', windowSeconds: 1 });
    expect(event.threshold).toBeGreaterThanOrEqual(150);
    expect(event.threshold).toBeLessThan(600);
    expect(event.count).toBeGreaterThanOrEqual(event.threshold);
    expect(events(first).filter((e) => e.event === 'fired')).toHaveLength(1);
    expect(events(first).every((e) => e.incident === event.incident)).toBe(true);

    expect(await first.stop('SIGTERM')).toBe(0);
    running.splice(running.indexOf(first), 1);
    const saved = JSON.parse(readFileSync(join(dir, 'state', 'baselines.json'), 'utf8')) as { rules: { name: string; keys: { key: { host: string }; intervals: number }[] }[] };
    const bravo = saved.rules.find((r) => r.name === 'error_rate')!.keys.find((k) => k.key.host === 'bravo')!;
    expect(bravo.intervals).toBeGreaterThanOrEqual(3);

    const second = await start();
    expect(second.logs.some((l) => l.msg === 'baseline state loaded' && l.keys === 2)).toBe(true);
    expect(second.logs.filter((l) => /corrupt/.test(l.msg))).toEqual([]); // incidents.json with a baseline incident loads
    const tcp2 = await connect(second);
    await send(tcp2, 'charlie', 600); // never seen: in its warm-up, quiet
    await send(tcp2, 'bravo', 600); // learned before the restart: fires at once
    await eventually(() => fired(second, 'bravo').length > 0, 5000, 'bravo fires right after the restart');
    expect(fired(second, 'charlie')).toEqual([]);
    expect(fired(second, 'bravo')).toHaveLength(1);
  }, 30_000);
});
