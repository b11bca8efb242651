/**
 * The simulator feeding the real appliance (started as a process, with config/default.yaml's rules on loopback
 * ports): `simulate --scenario ssh-burst` over UDP opens an sshd-invalid-user incident for the burst's host,
 * `--scenario keyword` over TCP a keyword incident, and the appliance counts exactly the lines the summary
 * reports sent.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficGenerator, type GeneratorOptions } from '../../src/simulate/scenarios.js';
import type { SimulationSummary } from '../../src/simulate/simulator.js';
import { eventually, metricValue, runCli, startAppliance, type RunningAppliance } from '../helpers/appliance-process.js';

const DEFAULT_YAML = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'), 'utf8');
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The shipped rules, notifier and log level, with loopback listeners on free ports. */
const CONFIG = `
listeners:
  - { name: udp-sim, protocol: udp, address: 127.0.0.1, port: 0 }
  - { name: tcp-sim, protocol: tcp, address: 127.0.0.1, port: 0 }
http: { address: 127.0.0.1, port: 0 }
stateDir: ./state
timezone: "${LOCAL_ZONE}"
alerting: { updateInterval: 300ms }
${DEFAULT_YAML.slice(DEFAULT_YAML.indexOf('\nrules:'))}`;

interface Event {
  event: string;
  rule: string;
  key: Record<string, string>;
  count: number;
  distinct: Record<string, string[]>;
}

let app: RunningAppliance;
beforeAll(async () => {
  app = await startAppliance(CONFIG);
});
afterAll(async () => {
  await app?.stop();
});

const events = () => app.stdout.map((l) => JSON.parse(l) as Event);

/** The hosts and source addresses of the lines of `kind` the simulator will send with these options. */
function injected(options: GeneratorOptions, lines: number, kind: string): { hosts: Set<string>; texts: string[] } {
  const g = new TrafficGenerator(options);
  const picked = Array.from({ length: lines }, () => g.next(new Date())).filter((l) => l.kind === kind);
  return { hosts: new Set(picked.map((l) => l.host)), texts: picked.map((l) => l.text) };
}

async function received(transport: 'udp' | 'tcp'): Promise<number> {
  return metricValue(await app.metrics(), `syslog_messages_received_total{transport="${transport}"}`) ?? 0;
}

describe('simulate → appliance', () => {
  it('ssh-burst over UDP fires the shipped sshd-invalid-user rule for the burst host', async () => {
    const before = await received('udp');
    const port = app.ports.get('udp-sim')!;
    const r = await runCli(['simulate', '--target', `udp://127.0.0.1:${port}`, '--rate', '50', '--duration', '2s', '--scenario', 'ssh-burst', '--seed', '2024']);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/^syslog-sentinel simulate: ssh-burst to udp:\/\/127\.0\.0\.1:\d+ \(127\.0\.0\.1\) at 50 lines\/s for 2 s, seed 2024\n$/)]);
    const summary = JSON.parse(r.stdout) as SimulationSummary;
    expect(summary).toMatchObject({ sent: 100, errors: 0, kinds: { 'ssh-burst': 8 } });

    const burst = injected({ scenario: 'ssh-burst', hosts: 50, seed: 2024, format: 'mixed', rate: 50 }, 100, 'ssh-burst');
    expect(burst.hosts.size).toBe(1);
    const host = [...burst.hosts][0]!;
    await eventually(() => events().some((e) => e.event === 'fired' && e.rule === 'ssh_invalid_user'), 5000, 'sshd incident');
    const fired = events().filter((e) => e.event === 'fired');
    expect(fired.map((e) => [e.rule, e.key])).toEqual([['ssh_invalid_user', { host }]]);
    expect(fired[0]!.count).toBe(4);
    expect(fired[0]!.distinct['ip']).toEqual([/from (\S+) port/.exec(burst.texts[0]!)![1]]);
    await eventually(async () => (await received('udp')) - before === summary.sent, 3000, 'every datagram counted');
  });

  it('keyword over TCP (octet counted) fires the shipped keyword rule', async () => {
    const before = await received('tcp');
    const port = app.ports.get('tcp-sim')!;
    const r = await runCli(['simulate', '--target', `tcp://127.0.0.1:${port}`, '--rate', '40', '--duration', '1s', '--scenario', 'keyword', '--seed', '77']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as SimulationSummary;
    expect(summary).toMatchObject({ sent: 40, errors: 0, kinds: { keyword: 1 } });
    const { hosts } = injected({ scenario: 'keyword', hosts: 50, seed: 77, format: 'mixed', rate: 40 }, 40, 'keyword');
    await eventually(() => events().some((e) => e.event === 'fired' && e.rule === 'keywords'), 5000, 'keyword incident');
    expect(events().filter((e) => e.rule === 'keywords').map((e) => e.key)).toEqual([{ host: [...hosts][0] }]);
    await eventually(async () => (await received('tcp')) - before === summary.sent, 3000, 'every frame counted');
  });
});
