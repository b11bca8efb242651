import { describe, expect, it } from 'vitest';
import type { MuteView } from '../../src/alert/types.js';
import { DigestReporter, openedSince, topHosts } from '../../src/digest/digest-report.js';
import { HostCounter } from '../../src/digest/host-counter.js';
import { FakeClock } from '../helpers/fake-clock.js';

const DAY = 86_400_000;

function mute(id: string, endsAt: number, state: MuteView['state'] = 'active'): MuteView {
  return { state, mute: { id, matchers: [{ name: 'host', value: 'pi', isRegex: false }], startsAt: 0, endsAt, createdBy: 'slack:U123', comment: '', createdAt: 0 } };
}

function setup(top = 3) {
  const clock = new FakeClock();
  const hosts = new HostCounter(4);
  const opened = new Map<string, number>([['ssh', 2]]); // cumulative, from before the first period
  let mutes: MuteView[] = [];
  let open = 0;
  const reporter = new DigestReporter({ hosts, openedByRule: () => opened, openIncidents: () => open, mutes: () => mutes, now: clock.now }, top);
  return {
    clock, hosts, opened, reporter,
    setMutes: (m: MuteView[]) => (mutes = m),
    setOpen: (n: number) => (open = n),
  };
}

describe('topHosts', () => {
  it('orders by messages, most first, ties by name, and keeps N', () => {
    const hosts = new Map([['b', 5], ['a', 5], ['c', 9], ['d', 1], ['e', 5]]);
    expect(topHosts(hosts, 3)).toEqual([
      { host: 'c', messages: 9 },
      { host: 'a', messages: 5 },
      { host: 'b', messages: 5 },
    ]);
    expect(topHosts(hosts, 10)).toHaveLength(5);
    expect(topHosts(new Map(), 10)).toEqual([]);
  });
});

describe('openedSince', () => {
  it('takes per-rule deltas of cumulative counters, drops rules with none, orders most first', () => {
    const before = new Map([['a', 3], ['b', 1]]);
    const now = new Map([['a', 5], ['b', 1], ['c', 4]]);
    expect(openedSince(now, before)).toEqual([
      { rule: 'c', opened: 4 },
      { rule: 'a', opened: 2 },
    ]);
  });

  it('treats a counter that went down (a restarted source) as counting from zero', () => {
    expect(openedSince(new Map([['a', 2]]), new Map([['a', 7]]))).toEqual([{ rule: 'a', opened: 2 }]);
  });
});

describe('DigestReporter', () => {
  it('reports messages per host (top N, total, hosts, the other-hosts bucket) for the period and resets the counter', () => {
    const { clock, hosts, reporter } = setup();
    const start = clock.t;
    for (const [h, n] of [['pi', 5], ['router', 7], ['nas', 1], ['cam', 3], ['late1', 2], ['late2', 1]] as const) for (let i = 0; i < n; i++) hosts.count(h);
    clock.advance(DAY);
    const r = reporter.build();
    expect(r.from).toBe(start);
    expect(r.to).toBe(start + DAY);
    expect(r.messages).toEqual({
      total: 19,
      hosts: 4,
      hostsCapped: true,
      otherHostsMessages: 3,
      top: [
        { host: 'router', messages: 7 },
        { host: 'pi', messages: 5 },
        { host: 'cam', messages: 3 },
      ],
    });
    clock.advance(DAY);
    hosts.count('pi');
    const next = reporter.build();
    expect(next.from).toBe(start + DAY);
    expect(next.messages).toEqual({ total: 1, hosts: 1, hostsCapped: false, otherHostsMessages: 0, top: [{ host: 'pi', messages: 1 }] });
  });

  it('counts incidents opened per rule as the change since the previous digest', () => {
    const { opened, reporter, setOpen } = setup();
    opened.set('ssh', 5);
    opened.set('keywords', 1);
    setOpen(2);
    const first = reporter.build();
    expect(first.incidents).toEqual({ opened: 4, byRule: [{ rule: 'ssh', opened: 3 }, { rule: 'keywords', opened: 1 }], openNow: 2 });
    expect(reporter.build().incidents).toEqual({ opened: 0, byRule: [], openNow: 2 });
    opened.set('keywords', 4);
    expect(reporter.build().incidents.byRule).toEqual([{ rule: 'keywords', opened: 3 }]);
  });

  it('lists the active mutes only, soonest to end first, at most top', () => {
    const { reporter, setMutes } = setup(2);
    setMutes([mute('m3', 300), mute('m1', 100), mute('old', 50, 'expired'), mute('later', 10, 'pending'), mute('m2', 200)]);
    const r = reporter.build();
    expect(r.mutes.active).toBe(3);
    expect(r.mutes.list.map((m) => m.id)).toEqual(['m1', 'm2']);
  });
});
