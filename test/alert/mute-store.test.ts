import { describe, expect, it } from 'vitest';
import { MuteStore, muteState } from '../../src/alert/mute-store.js';
import type { MuteInput } from '../../src/alert/types.js';

const T = Date.UTC(2026, 0, 1);
const input = (over: Partial<MuteInput> = {}): MuteInput => ({ matchers: [{ name: 'host', value: 'web01', isRegex: false }], endsAt: T + 1000, createdBy: 'alice', ...over });

function store(maxMutes = 3) {
  let n = 0;
  return new MuteStore({ maxMutes, newId: () => `m${++n}`, isKnownField: (f) => f === 'host' });
}

describe('MuteStore', () => {
  it('derives the state from startsAt/endsAt and the time asked about', () => {
    const r = store().add(input({ startsAt: T + 10, endsAt: T + 20 }), T);
    if (!r.ok) throw new Error(r.problems.join());
    expect([T, T + 9, T + 10, T + 19, T + 20].map((t) => muteState(r.mute, t))).toEqual(['pending', 'pending', 'active', 'active', 'expired']);
    expect(r.mute).toMatchObject({ id: 'm1', createdAt: T, comment: '', createdBy: 'alice' });
  });

  it('refuses a mute that would already be over', () => {
    expect(store().add(input({ startsAt: T - 100, endsAt: T }), T)).toEqual({ ok: false, problems: ['endsAt: must be in the future'] });
  });

  it('expiring a pending mute ends it before it started', () => {
    const s = store();
    const r = s.add(input({ startsAt: T + 100, endsAt: T + 200 }), T);
    if (!r.ok) throw new Error();
    expect(s.expire('m1', T + 5)).toMatchObject({ startsAt: T + 5, endsAt: T + 5 });
    expect(s.list(T + 5)[0]!.state).toBe('expired');
  });

  it('at maxMutes, expired mutes make room (longest-ended first); pending and active ones never do', () => {
    const s = store(3);
    s.add(input({ endsAt: T + 100 }), T);
    s.add(input({ endsAt: T + 50 }), T);
    s.add(input({ endsAt: T + 500 }), T);
    const full = s.add(input({ endsAt: T + 1000 }), T + 10);
    expect(full).toEqual({ ok: false, problems: ['too many mutes: 3 are pending or active (alerting.maxMutes)'] });
    const next = s.add(input({ endsAt: T + 1000 }), T + 60);
    expect(next.ok).toBe(true);
    expect(s.list(T + 60).map((v) => v.mute.id)).toEqual(['m1', 'm3', 'm4']);
  });

  it('matches only active mutes', () => {
    const s = store();
    s.add(input({ startsAt: T + 10, endsAt: T + 20 }), T);
    expect(s.matching('r', { host: 'web01' }, T)).toBeUndefined();
    expect(s.matching('r', { host: 'web01' }, T + 10)?.id).toBe('m1');
    expect(s.matching('r', { host: 'web02' }, T + 10)).toBeUndefined();
    expect(s.matching('r', { host: 'web01' }, T + 20)).toBeUndefined();
  });
});
