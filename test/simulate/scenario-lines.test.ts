/**
 * The scenarios trip the shipped rules, and the background does not: generated lines, paced in schedule time
 * (line i at i / rate s), go through the real replay machinery (parser, detector, alert manager) with
 * config/default.yaml's rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../src/alert/types.js';
import { loadConfigText } from '../../src/config/load.js';
import { ReplayEngine } from '../../src/replay/replay-engine.js';
import { TrafficGenerator, type FormatChoice, type ScenarioName, type SimulatedLine } from '../../src/simulate/scenarios.js';

const DEFAULT_YAML = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'default.yaml'), 'utf8');
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

/** config/default.yaml as shipped, reading BSD stamps in this machine's zone (the simulator writes local time). */
function shippedConfig(rulesOverride?: string) {
  expect(DEFAULT_YAML).toContain('\ntimezone: UTC ');
  let yaml = DEFAULT_YAML.replace('\ntimezone: UTC ', `\ntimezone: "${LOCAL_ZONE}" `);
  if (rulesOverride !== undefined) yaml = yaml.replace(/\nrules:[\s\S]*?\nnotify:/, `\nrules:\n${rulesOverride}\nnotify:`);
  return loadConfigText(yaml);
}

interface Replayed {
  lines: SimulatedLine[];
  events: IncidentEvent[];
  matches: Record<string, number>;
  incidents: number;
}

async function replay(scenario: ScenarioName, seconds: number, options: { rate?: number; format?: FormatChoice; seed?: number; rules?: string } = {}): Promise<Replayed> {
  const rate = options.rate ?? 20;
  const events: IncidentEvent[] = [];
  const engine = new ReplayEngine({
    config: shippedConfig(options.rules),
    notifiers: [{ name: 'rec', notify: async (e) => void events.push(e) }],
    log: pino({ level: 'silent' }),
    now: T0,
    sender: '127.0.0.1',
  });
  const g = new TrafficGenerator({ scenario, hosts: 50, seed: options.seed ?? 3, format: options.format ?? 'mixed', rate });
  const lines: SimulatedLine[] = [];
  for (let i = 0; i < seconds * rate; i++) {
    const line = g.next(new Date(T0 + (i * 1000) / rate));
    lines.push(line);
    engine.feed(Buffer.from(line.text));
  }
  const summary = await engine.finish();
  return { lines, events, matches: summary.matchesPerRule, incidents: summary.incidents };
}

const hostsOf = (lines: SimulatedLine[], kind: string) => [...new Set(lines.filter((l) => l.kind === kind).map((l) => l.host))].sort();

describe('ssh-burst against the shipped sshd-invalid-user preset', () => {
  for (const format of ['rfc3164', 'rfc5424', 'mixed'] as const) {
    it(`--format ${format}: every burst line matches, every burst host fires, nothing else does`, async () => {
      const r = await replay('ssh-burst', 35, { format });
      const burst = r.lines.filter((l) => l.kind === 'ssh-burst');
      expect(burst).toHaveLength(4 * 8);
      expect(r.matches).toEqual({ ssh_invalid_user: burst.length, keywords: 0 });
      const fired = r.events.filter((e) => e.event === 'fired');
      expect(fired.every((e) => e.incident.rule === 'ssh_invalid_user')).toBe(true);
      expect(fired.map((e) => e.incident.key['host']).sort()).toEqual(hostsOf(r.lines, 'ssh-burst'));
    });
  }

  it('one burst is enough for a stricter 5-in-60 s rule too, even at 1 line/s', async () => {
    const r = await replay('ssh-burst', 10, { rate: 1, rules: '  - { name: ssh5, preset: sshd-invalid-user, threshold: 5, window: 60s }' });
    expect(r.matches).toEqual({ ssh5: 8 });
    expect(r.events.filter((e) => e.event === 'fired')).toHaveLength(1);
  });
});

describe('keyword against the shipped keyword rule', () => {
  it('every keyword line matches, each one of the four kinds appears, background stays quiet', async () => {
    const r = await replay('keyword', 100, { rate: 5, seed: 11 });
    const keywordLines = r.lines.filter((l) => l.kind === 'keyword');
    expect(keywordLines).toHaveLength(20);
    expect(r.matches).toEqual({ ssh_invalid_user: 0, keywords: 20 });
    const found = new Set(keywordLines.map((l) => /Out of memory|segfault|%SYS-5-CONFIG_I|login failure/.exec(l.text)?.[0]));
    expect([...found].sort()).toEqual(['%SYS-5-CONFIG_I', 'Out of memory', 'login failure', 'segfault']);
    expect(r.events.filter((e) => e.event === 'fired').map((e) => e.incident.key['host']).sort()).toEqual(hostsOf(r.lines, 'keyword'));
  });
});

describe('mixed background against the shipped rules', () => {
  it('a busy minute from 50 hosts matches no rule', async () => {
    const r = await replay('mixed', 60, { rate: 200, seed: 5 });
    expect(r.matches).toEqual({ ssh_invalid_user: 0, keywords: 0 });
    expect(r.incidents).toBe(0);
  });

  it('but it does carry the everyday sshd lines: logins, a few failed passwords', async () => {
    const r = await replay('mixed', 10, { rate: 200, seed: 5 });
    const sshd = r.lines.filter((l) => l.kind === 'sshd').map((l) => l.text);
    expect(sshd.some((t) => t.includes('Accepted publickey for'))).toBe(true);
    expect(sshd.some((t) => t.includes('Failed password for'))).toBe(true);
    expect(sshd.filter((t) => t.includes('Failed password for')).length).toBeLessThan(sshd.length / 4);
  });
});
