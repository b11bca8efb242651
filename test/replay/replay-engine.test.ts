import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../src/alert/types.js';
import { loadConfigText } from '../../src/config/load.js';
import { ReplayEngine } from '../../src/replay/replay-engine.js';

const CONFIG = `
listeners: [{ protocol: udp, port: 5514 }]
timezone: UTC
rules:
  - { name: ssh, preset: sshd-invalid-user, window: 60s, threshold: 5, resolveAfter: 5m }
`;

function engine(events: IncidentEvent[], now = Date.UTC(2026, 10, 21, 12)) {
  return new ReplayEngine({
    config: loadConfigText(CONFIG),
    notifiers: [{ name: 'rec', notify: async (e) => void events.push(e) }],
    log: pino({ level: 'silent' }),
    now,
    sender: '192.0.2.200',
  });
}

const line = (stamp: string, user: string, host = 'gw') => Buffer.from(`<38>${stamp} ${host} sshd[1]: Invalid user ${user} from 203.0.113.1 port 22`);

describe('ReplayEngine', () => {
  it('a burst across a minute boundary fires a 5-in-60 s rule (3 at :55-:57, 2 at 1:02-1:03)', async () => {
    const events: IncidentEvent[] = [];
    const e = engine(events);
    for (const [t, u] of [['Nov 21 10:00:55', 'a'], ['Nov 21 10:00:56', 'b'], ['Nov 21 10:00:57', 'c'], ['Nov 21 10:01:02', 'd'], ['Nov 21 10:01:03', 'e']] as const) e.feed(line(t, u));
    const summary = await e.finish();
    expect(events.map((x) => x.event)).toEqual(['fired', 'resolved']);
    expect(summary).toMatchObject({ lines: 5, incidents: 1, matchesPerRule: { ssh: 5 }, parsed: { rfc3164: 5, rfc5424: 0, unknown: 0 } });
  });

  it('the same five matches spread wider than the window fire nothing', async () => {
    const events: IncidentEvent[] = [];
    const e = engine(events);
    for (const [t, u] of [['Nov 21 10:00:00', 'a'], ['Nov 21 10:00:30', 'b'], ['Nov 21 10:00:59', 'c'], ['Nov 21 10:01:01', 'd'], ['Nov 21 10:01:31', 'e']] as const) e.feed(line(t, u));
    expect((await e.finish()).incidents).toBe(0);
    expect(events).toEqual([]);
  });

  it('lines without a timestamp take the previous line time; before any, --now', async () => {
    const e = engine([], Date.UTC(2026, 0, 1));
    expect(e.feed(Buffer.from('no header at all')).at).toBe(Date.UTC(2026, 0, 1));
    expect(e.feed(line('Nov 21 10:00:00', 'x')).at).toBe(Date.UTC(2025, 10, 21, 10));
    expect(e.feed(Buffer.from('still no header')).at).toBe(Date.UTC(2025, 10, 21, 10));
    // an earlier stamp does not move the clock back
    expect(e.feed(line('Nov 21 09:00:00', 'y')).at).toBe(Date.UTC(2025, 10, 21, 10));
    const summary = await e.finish();
    expect(summary.unmatchedSample).toEqual(['no header at all', 'still no header']);
  });

  it('keys lines without a hostname by the given sender', async () => {
    const e = engine([]);
    const out = e.feed(Buffer.from('<38>Nov 21 10:00:00 sshd[1]: Invalid user z from 203.0.113.1 port 22'));
    expect(out.matches[0]!.key).toEqual({ host: '192.0.2.200' });
    await e.finish();
  });
});
