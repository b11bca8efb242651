import { describe, expect, it } from 'vitest';
import { createRecord, mergeSignal, MAX_DISTINCT_VALUES, toIncident } from '../../src/alert/incident-record.js';
import type { Signal } from '../../src/detect/types.js';

const base: Signal = {
  rule: 'r', ruleType: 'keyword', fingerprint: 'r|h', key: { host: 'h' }, at: 1000, firstAt: 1000, count: 1, firing: true, threshold: 1,
  windowMs: 0, resolveAfterMs: 1000, fields: { host: 'h', appname: 'kernel', sourceIp: '192.0.2.1' }, sample: 's0', channel: null,
};

describe('incident record', () => {
  it('firstSeen is when the burst began (the oldest match in the firing window), lastSeen the firing match', () => {
    const r = createRecord({ ...base, at: 5000, firstAt: 2000 }, 'i');
    expect([r.firstSeen, r.lastSeen]).toEqual([2000, 5000]);
  });

  it('keeps the first two samples and the latest three', () => {
    const r = createRecord(base, 'i');
    for (let n = 1; n < 10; n++) mergeSignal(r, { ...base, sample: `s${n}` });
    expect(r.samples).toEqual(['s0', 's1', 's7', 's8', 's9']);
  });

  it('caps distinct values per field and skips key fields and appname', () => {
    const r = createRecord(base, 'i');
    for (let n = 0; n < 30; n++) mergeSignal(r, { ...base, fields: { ...base.fields, user: `u${n}`, sourceIp: '192.0.2.1' } });
    expect(Object.keys(r.distinct).sort()).toEqual(['sourceIp', 'user']);
    expect(r.distinct.user).toHaveLength(MAX_DISTINCT_VALUES);
    expect(r.distinct.user![0]).toBe('u0');
    expect(r.distinct.sourceIp).toEqual(['192.0.2.1']);
  });

  it('does not move lastSeen backwards on an out-of-order signal', () => {
    const r = createRecord(base, 'i');
    mergeSignal(r, { ...base, at: 500 });
    expect(r).toMatchObject({ lastSeen: 1000, count: 2, pending: true });
  });

  it('snapshots are frozen copies', () => {
    const r = createRecord(base, 'i');
    const snap = toIncident(r);
    mergeSignal(r, { ...base, sample: 'later' });
    expect(snap.samples).toEqual(['s0']);
    expect(Object.isFrozen(snap.samples)).toBe(true);
    expect(Object.isFrozen(snap.key)).toBe(true);
  });
});
