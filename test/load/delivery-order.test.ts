import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/alert/types.js';
import { checkDelivery, shownIn, type DeliveredCall, type IncidentEventLine } from '../../src/load/delivery-order.js';
import { incidentMessage } from '../../src/notify/slack/incident-message.js';

const ev = (event: string, host: string, count: number): IncidentEventLine => ({ event, incident: `id-${host}`, rule: 'outage', key: { host }, count });
const post = (host: string, count: number, ts: string, label = '🚨 Firing'): DeliveredCall => ({ method: 'chat.postMessage', ts, text: `${label}: outage host=${host}: ${count} ${count === 1 ? 'match' : 'matches'}` });
const edit = (host: string, count: number, ts: string, label = '🚨 Firing'): DeliveredCall => ({ ...post(host, count, ts, label), method: 'chat.update' });

/** a fired, updated, resolved; b fired and resolved (delivered once, already resolved). */
const EVENTS = [ev('fired', 'a', 1), ev('updated', 'a', 3), ev('fired', 'b', 1), ev('resolved', 'a', 3), ev('resolved', 'b', 2)];

describe('checkDelivery', () => {
  it('accepts every incident posted once, edited in order, ending in its last event', () => {
    const r = checkDelivery(EVENTS, [post('a', 1, '1'), edit('a', 3, '1'), post('b', 2, '2', '✅ Resolved'), edit('a', 3, '1', '✅ Resolved')]);
    expect(r).toEqual({ incidents: 2, posts: 2, updates: 2, problems: [] });
  });

  it('accepts one post that already shows the resolved state (fired and resolved during an outage)', () => {
    expect(checkDelivery(EVENTS, [post('a', 3, '1', '✅ Resolved'), post('b', 2, '2', '✅ Resolved')]).problems).toEqual([]);
  });

  it('a second post of the same incident is a problem', () => {
    const r = checkDelivery(EVENTS, [post('a', 3, '1', '✅ Resolved'), post('b', 2, '2', '✅ Resolved'), post('a', 3, '3', '✅ Resolved')]);
    expect(r.problems).toContain('outage host=a: posted 2 times (want 1)');
  });

  it('an incident never delivered is a problem', () => {
    expect(checkDelivery(EVENTS, [post('a', 3, '1', '✅ Resolved')]).problems).toContain('outage host=b: posted 0 times (want 1)');
  });

  it('an edit before the post, or of another message, is a problem', () => {
    const r = checkDelivery(EVENTS, [edit('a', 1, '1'), post('a', 3, '1', '✅ Resolved'), post('b', 2, '2'), edit('b', 2, '9', '✅ Resolved')]);
    expect(r.problems).toContain('outage host=a: edited before it was posted');
    expect(r.problems).toContain('outage host=b: 1 edits of another message than the one posted (2)');
  });

  it('a count that goes down, or firing after resolved, is out of order', () => {
    const r = checkDelivery(EVENTS, [post('a', 3, '1'), edit('a', 1, '1'), edit('a', 3, '1', '✅ Resolved'), edit('a', 3, '1'), edit('a', 3, '1', '✅ Resolved'), post('b', 2, '2', '✅ Resolved')]);
    expect(r.problems).toContain('outage host=a: call 2 shows 1 matches after 3');
    expect(r.problems).toContain('outage host=a: call 4 shows it firing again after Resolved');
  });

  it('a last call that does not show the last event (the resolve was lost) is a problem', () => {
    const r = checkDelivery(EVENTS, [post('a', 1, '1'), edit('a', 3, '1'), post('b', 2, '2', '✅ Resolved')]);
    expect(r.problems).toEqual(['outage host=a: Slack last shows open with 3 matches; the last event was resolved with 3']);
  });

  it('posts in another order than the incidents fired are a problem', () => {
    const r = checkDelivery(EVENTS, [post('b', 2, '2', '✅ Resolved'), post('a', 3, '1', '✅ Resolved')]);
    expect(r.problems).toEqual(['posted in the order outage host=b, outage host=a; fired in the order outage host=a, outage host=b']);
  });

  it('a message for an incident that never fired, or that is not an incident message, is a problem', () => {
    const r = checkDelivery(EVENTS, [post('a', 3, '1', '✅ Resolved'), post('b', 2, '2', '✅ Resolved'), post('ghost', 1, '3'), { method: 'chat.postMessage', ts: '4', text: 'hello' }]);
    expect(r.problems).toContain('outage host=ghost: in Slack, but it never fired');
    expect(r.problems).toContain('a chat.postMessage whose text is not an incident message: "hello"');
  });

  it('refuses two incidents on one key (the scenario sends one per key)', () => {
    const events = [...EVENTS, { ...ev('fired', 'a', 1), incident: 'another' }];
    expect(checkDelivery(events, [post('a', 3, '1', '✅ Resolved'), post('b', 2, '2', '✅ Resolved')]).problems[0]).toMatch(/two incidents/);
  });
});

describe('shownIn reads the notification text the real renderer writes', () => {
  const incident: Incident = {
    id: 'i1', fingerprint: 'outage|web-01', rule: 'outage', ruleType: 'keyword', key: { host: 'web-01' }, state: 'open', count: 7,
    threshold: 1, windowMs: 60_000, resolveAfterMs: 60_000, firstSeen: 0, lastSeen: 1000, resolvedAt: null, distinct: {}, samples: ['x'],
    ackedBy: null, ackedAt: null, channel: null, refs: {},
  };

  it('firing and resolved, with the rule, key and count', () => {
    expect(shownIn(incidentMessage(incident, null).text)).toEqual({ resolved: false, rule: 'outage', key: 'host=web-01', count: 7 });
    const resolved = { ...incident, state: 'resolved' as const, resolvedAt: 2000, count: 1 };
    expect(shownIn(incidentMessage(resolved, null).text)).toEqual({ resolved: true, rule: 'outage', key: 'host=web-01', count: 1 });
  });

  it('acknowledged counts as not resolved', () => {
    expect(shownIn(incidentMessage({ ...incident, ackedBy: 'slack:U1', ackedAt: 1 }, null).text)?.resolved).toBe(false);
  });
});
