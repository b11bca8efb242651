import { getTasks } from 'node-cron';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { AlertManager, type AlertManagerOptions } from '../../src/alert/manager.js';
import { NotifyError } from '../../src/alert/types.js';
import type { Signal } from '../../src/detect/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { thresholdSignal } from '../helpers/signals.js';
import { testAlerting } from '../helpers/alerting.js';

const ALERTING = testAlerting();
const MIN = 60_000;

function setup(over: Partial<AlertManagerOptions> = {}) {
  const clock = new FakeClock();
  const notifier = new RecordingNotifier();
  let n = 0;
  const manager = new AlertManager({
    alerting: ALERTING,
    stateDir: null,
    notifiers: [notifier],
    log: pino({ level: 'silent' }),
    keyFields: () => ['host', 'ip'],
    now: clock.now,
    newId: () => `id-${++n}`,
    ...over,
  });
  /** A Signal for 203.0.113.5 at the clock's time. */
  const signal = (s: Partial<Signal> = {}): Signal => {
    const ip = s.key?.ip ?? '203.0.113.5';
    return thresholdSignal(clock.t, { ip }, { fields: { user: 'admin', ip, host: 'web01', appname: 'sshd' }, sample: `sshd: Invalid user admin at ${clock.t}`, ...s });
  };
  /** Advances the clock second by second, ticking like the live timer, for `ms`; `every` ms a signal is handled. */
  const run = (ms: number, every = 0, s: Partial<Signal> = {}): void => {
    for (let elapsed = 1000; elapsed <= ms; elapsed += 1000) {
      clock.advance(1000);
      if (every > 0 && elapsed % every === 0) manager.handle(signal(s));
      manager.tick(clock.t);
    }
  };
  return { clock, notifier, manager, signal, run };
}

describe('AlertManager incidents', () => {
  it('fires once for a continuing incident, then sends at most one coalesced update per interval', async () => {
    const { manager, notifier, signal, run } = setup();
    manager.handle(signal());
    run(3 * MIN + 30_000, 10_000); // a match every 10 s for 3.5 minutes
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'updated', 'updated', 'updated']);
    const [fired, u1, u2] = notifier.events;
    expect(fired!.incident.count).toBe(5);
    expect(u1!.at - fired!.at).toBe(MIN);
    expect(u1!.incident.count).toBe(5 + 6);
    expect(u2!.at - u1!.at).toBe(MIN);
    expect(new Set(notifier.events.map((e) => e.incident.id)).size).toBe(1);
  });

  it('sends no update when nothing happened during the interval', async () => {
    const { manager, notifier, signal, run } = setup();
    manager.handle(signal());
    run(3 * MIN);
    await manager.idle();
    expect(notifier.types()).toEqual(['fired']);
  });

  it('resolves after resolveAfterMs of quiet; a later burst opens a new incident with a new id', async () => {
    const { manager, notifier, signal, run, clock } = setup();
    const t0 = clock.t;
    manager.handle(signal());
    run(5 * MIN - 1000);
    expect(manager.openCount).toBe(1);
    run(1000);
    expect(manager.openCount).toBe(0);
    manager.handle(signal());
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'resolved', 'fired']);
    const [first, resolved, second] = notifier.events;
    expect(resolved!.incident).toMatchObject({ id: first!.incident.id, state: 'resolved', resolvedAt: t0 + 5 * MIN });
    expect(second!.incident.id).not.toBe(first!.incident.id);
    expect(manager.incident(first!.incident.id)?.state).toBe('resolved');
  });

  it('ignores a non-firing signal without an open incident, and counts one for an open incident', () => {
    const { manager, signal } = setup();
    manager.handle(signal({ firing: false, count: 2 }));
    expect(manager.openIncidents()).toEqual([]);
    manager.handle(signal());
    manager.handle(signal({ firing: false, count: 4 }));
    expect(manager.openIncidents()[0]!.count).toBe(6);
  });

  it('resolves a stale incident when the next signal arrives before any tick (replay)', async () => {
    const { manager, notifier, signal, clock } = setup();
    manager.handle(signal());
    clock.advance(10 * MIN);
    manager.handle(signal());
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'resolved', 'fired']);
    expect(notifier.events[1]!.incident.resolvedAt).toBe(notifier.events[0]!.at + 5 * MIN);
  });

  it('records counts, distinct values (not key fields or appname) and samples', () => {
    const { manager, signal } = setup();
    manager.handle(signal({ sample: 'first' }));
    for (const user of ['root', 'oracle', 'root']) manager.handle(signal({ fields: { user, host: 'web02', appname: 'sshd', ip: '203.0.113.5' }, sample: user }));
    const [incident] = manager.openIncidents();
    expect(incident!.count).toBe(8);
    expect(incident!.distinct).toEqual({ user: ['admin', 'root', 'oracle'], host: ['web01', 'web02'] });
    expect(incident!.samples).toEqual(['first', 'root', 'oracle', 'root']);
  });

  it('stops updates once acknowledged, keeps counting, and still sends resolved', async () => {
    const { manager, notifier, signal, run, clock } = setup();
    manager.handle(signal());
    const id = manager.openIncidents()[0]!.id;
    run(MIN, 10_000);
    const ack = manager.acknowledge(id, 'alice', clock.t);
    expect(ack).toMatchObject({ ok: true, incident: { ackedBy: 'alice', ackedAt: clock.t } });
    expect(manager.acknowledge(id, 'bob')).toMatchObject({ ok: true, incident: { ackedBy: 'alice' } });
    run(3 * MIN, 10_000);
    run(5 * MIN);
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'updated', 'resolved']);
    expect(notifier.events[2]!.incident).toMatchObject({ ackedBy: 'alice', count: 5 + 6 + 18 });
    expect(manager.stats.ackedUpdates).toBe(3);
    expect(manager.acknowledge(id, 'carol')).toEqual({ ok: false, reason: 'resolved' });
    expect(manager.acknowledge('nope', 'carol')).toEqual({ ok: false, reason: 'not_found' });
  });

  it('closes the least recently updated incident when maxOpenIncidents is reached', async () => {
    const { manager, notifier, signal, clock } = setup({ alerting: { ...ALERTING, maxOpenIncidents: 2 } });
    manager.handle(signal({ key: { ip: '192.0.2.1' } }));
    manager.handle(signal({ key: { ip: '192.0.2.2' } }));
    clock.advance(1000);
    manager.handle(signal({ key: { ip: '192.0.2.1' } })); // .1 is now the most recently updated
    manager.handle(signal({ key: { ip: '192.0.2.3' } }));
    await manager.idle();
    expect(manager.openIncidents().map((i) => i.key.ip)).toEqual(['192.0.2.1', '192.0.2.3']);
    expect(manager.stats.evicted).toBe(1);
    expect(notifier.events.filter((e) => e.event === 'resolved').map((e) => e.incident.key.ip)).toEqual(['192.0.2.2']);
    expect(manager.stats.resolved.get('ssh_invalid_user')).toBe(1);
    expect(manager.stats.opened.get('ssh_invalid_user')).toBe(3);
  });

  it('garbage-collects resolved incidents after resolvedRetentionMs', () => {
    const { manager, signal, run, clock } = setup();
    manager.handle(signal());
    const id = manager.openIncidents()[0]!.id;
    run(5 * MIN);
    const resolvedAt = manager.incident(id)!.resolvedAt!;
    expect(manager.gc(resolvedAt + ALERTING.resolvedRetentionMs - 1)).toEqual({ incidents: 0, mutes: 0 });
    expect(manager.gc(resolvedAt + ALERTING.resolvedRetentionMs)).toEqual({ incidents: 1, mutes: 0 });
    expect(manager.incident(id)).toBeUndefined();
    expect(clock.t).toBe(resolvedAt);
  });
});

describe('AlertManager mutes', () => {
  const byIp = (ip: string) => [{ name: 'ip', value: ip, isRegex: false }];

  it('records a muted incident but sends only a suppressed event (no updates, no resolved)', async () => {
    const { manager, notifier, signal, run, clock } = setup();
    const muted = manager.mute({ matchers: byIp('203.0.113.5'), endsAt: clock.t + 60 * MIN, createdBy: 'alice', comment: 'pentest' });
    expect(muted.ok).toBe(true);
    manager.handle(signal());
    run(3 * MIN, 10_000);
    expect(manager.openIncidents()[0]!.count).toBe(5 + 18);
    run(5 * MIN);
    await manager.idle();
    expect(notifier.types()).toEqual(['suppressed']);
    expect(manager.stats).toMatchObject({ suppressed: 1, mutedUpdates: 3 });
    expect(manager.stats.opened.get('ssh_invalid_user')).toBe(1);
    expect(manager.stats.resolved.get('ssh_invalid_user')).toBe(1);
  });

  it('does not mute other keys; a regex matcher must match the whole value', async () => {
    const { manager, notifier, signal, clock } = setup();
    manager.mute({ matchers: [{ name: 'ip', value: '192\\.0\\.2\\.\\d', isRegex: true }], endsAt: clock.t + MIN, createdBy: 'alice' });
    manager.handle(signal({ key: { ip: '192.0.2.7' } }));
    manager.handle(signal({ key: { ip: '192.0.2.77' } }));
    manager.handle(signal({ rule: 'other', fingerprint: 'other|x', key: { host: 'h' } }));
    await manager.idle();
    expect(notifier.events.map((e) => [e.event, e.incident.key])).toEqual([
      ['suppressed', { ip: '192.0.2.7' }],
      ['fired', { ip: '192.0.2.77' }],
      ['fired', { host: 'h' }],
    ]);
  });

  it('a mute created mid-incident withholds updates, but resolved is still sent', async () => {
    const { manager, notifier, signal, run, clock } = setup();
    manager.handle(signal());
    manager.mute({ matchers: [{ name: 'rule', value: 'ssh_invalid_user', isRegex: false }], endsAt: clock.t + 60 * MIN, createdBy: 'bob' });
    run(3 * MIN, 10_000);
    run(5 * MIN);
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'resolved']);
  });

  it('when the mute ends mid-incident, the next update goes out as fired', async () => {
    const { manager, notifier, signal, run, clock } = setup();
    manager.mute({ matchers: byIp('203.0.113.5'), endsAt: clock.t + 90_000, createdBy: 'alice' });
    manager.handle(signal());
    run(4 * MIN, 10_000);
    run(5 * MIN);
    await manager.idle();
    expect(notifier.types()).toEqual(['suppressed', 'fired', 'updated', 'updated', 'resolved']);
    expect(notifier.events[1]!.at - notifier.events[0]!.at).toBe(2 * MIN); // the muted update at 1 min was withheld
  });

  it('derives mute state from the clock: no timer has to fire for a mute to start or end', async () => {
    const { manager, notifier, signal, clock } = setup();
    const t0 = clock.t;
    const r = manager.mute({ matchers: byIp('203.0.113.5'), startsAt: t0 + MIN, endsAt: t0 + 2 * MIN, createdBy: 'alice' });
    if (!r.ok) throw new Error(r.problems.join());
    expect(manager.mutes(t0)[0]!.state).toBe('pending');
    expect(manager.mutes(t0 + MIN)[0]!.state).toBe('active');
    expect(manager.mutes(t0 + 2 * MIN)[0]!.state).toBe('expired');
    clock.set(t0 + MIN);
    manager.handle(signal({ key: { ip: '203.0.113.5' } }));
    clock.set(t0 + 2 * MIN);
    manager.handle(signal({ key: { ip: '203.0.113.5' }, fingerprint: 'other-fp' }));
    await manager.idle();
    expect(notifier.types()).toEqual(['suppressed', 'fired']);
  });

  it('unmute expires now (idempotent) and keeps the mute listed until GC after muteRetentionMs', () => {
    const { manager, clock } = setup();
    const r = manager.mute({ matchers: byIp('203.0.113.5'), endsAt: clock.t + 60 * MIN, createdBy: 'alice' });
    if (!r.ok) throw new Error(r.problems.join());
    clock.advance(MIN);
    expect(manager.unmute(r.mute.id)).toMatchObject({ id: r.mute.id, endsAt: clock.t });
    const ended = clock.t;
    clock.advance(MIN);
    expect(manager.unmute(r.mute.id)!.endsAt).toBe(ended);
    expect(manager.unmute('unknown')).toBeNull();
    expect(manager.mutes().map((v) => v.state)).toEqual(['expired']);
    expect(manager.gc(ended + ALERTING.muteRetentionMs - 1).mutes).toBe(0);
    expect(manager.gc(ended + ALERTING.muteRetentionMs).mutes).toBe(1);
    expect(manager.mutes()).toEqual([]);
  });

  it('rejects an invalid mute with every problem, and names unknown to the rules', () => {
    const { manager, clock } = setup();
    const r = manager.mute({
      matchers: [
        { name: 'user', value: 'root', isRegex: false },
        { name: 'host', value: '(a+)+', isRegex: true },
        { name: 'ip', value: '([', isRegex: true },
      ],
      startsAt: clock.t + MIN,
      endsAt: clock.t + MIN,
      createdBy: '',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(5);
    expect(r.problems.join('\n')).toMatch(/endsAt: must be after startsAt[\s\S]*matchers\[0\]\.name: unknown field "user"[\s\S]*nested repetition[\s\S]*invalid regular expression[\s\S]*createdBy/);
    expect(manager.mute({ matchers: [], endsAt: clock.t + MIN, createdBy: 'a' })).toEqual({ ok: false, problems: ['matchers: at least one is required'] });
    expect(manager.mutes()).toEqual([]);
  });
});

describe('AlertManager delivery', () => {
  it('delivers to the other notifiers when one fails, and counts failures by kind', async () => {
    const broken = new RecordingNotifier('broken');
    broken.failWith = new NotifyError('slack down', true);
    const buggy = new RecordingNotifier('buggy');
    buggy.failWith = new TypeError('oops');
    const good = new RecordingNotifier('good');
    const { manager, signal, run } = setup({ notifiers: [broken, buggy, good] });
    manager.handle(signal());
    run(5 * MIN);
    await manager.idle();
    expect(good.types()).toEqual(['fired', 'resolved']);
    expect(manager.stats.notifier('broken')).toMatchObject({ delivered: 0, failed: 2, failedRetryable: 2, errors: 0, queued: 0 });
    expect(manager.stats.notifier('buggy')).toMatchObject({ failed: 0, errors: 2 });
    expect(manager.stats.notifier('good')).toMatchObject({ delivered: 2, failed: 0 });
  });

  it('never calls a notifier from inside handle()', () => {
    const { manager, notifier, signal } = setup();
    manager.handle(signal());
    expect(notifier.events).toEqual([]);
  });

  it('keeps the order of events per incident while a notifier is slow, and a slow notifier does not hold up others', async () => {
    const slow = new RecordingNotifier('slow');
    const fast = new RecordingNotifier('fast');
    const { manager, signal, run } = setup({ notifiers: [slow, fast] });
    slow.hold();
    manager.handle(signal());
    run(2 * MIN, 10_000);
    run(5 * MIN);
    manager.handle(signal());
    await new Promise((r) => setTimeout(r, 10));
    expect(slow.events).toEqual([]);
    expect(fast.types()).toEqual(['fired', 'updated', 'updated', 'resolved', 'fired']);
    slow.release();
    await manager.idle();
    expect(slow.types()).toEqual(fast.types());
    expect(slow.events.map((e) => e.incident.id)).toEqual(fast.events.map((e) => e.incident.id));
  });

  it('stores the reference notify() returns, and later events of the incident carry it', async () => {
    const { manager, notifier, signal, run } = setup();
    notifier.ref = (e) => (e.event === 'fired' ? { channel: 'C1', ts: '1700000000.000100' } : undefined);
    notifier.hold(); // the update is queued before the fired's reference is known
    manager.handle(signal());
    run(MIN, 10_000);
    notifier.release();
    await manager.idle();
    const id = notifier.events[0]!.incident.id;
    expect(manager.incident(id)!.refs).toEqual({ recording: { channel: 'C1', ts: '1700000000.000100' } });
    expect(notifier.events[1]!.event).toBe('updated');
    expect(notifier.events[1]!.incident.refs.recording).toEqual({ channel: 'C1', ts: '1700000000.000100' });
    expect(manager.setRefs('unknown', 'x', {})).toBe(false);
  });

  it('drops and counts events beyond a notifier queue bound', async () => {
    const { manager, notifier, signal } = setup({ maxQueuedEvents: 3 });
    notifier.hold();
    for (let i = 0; i < 5; i++) manager.handle(signal({ key: { ip: `192.0.2.${i}` } }));
    expect(manager.stats.notifier('recording')).toMatchObject({ queued: 3, dropped: 2 });
    notifier.release();
    await manager.idle();
    expect(notifier.events).toHaveLength(3);
    expect(manager.stats.notifier('recording').queued).toBe(0);
  });
});

describe('AlertManager start/stop', () => {
  it('ticks on its own timer and runs GC through the injected scheduler until stopped', async () => {
    const scheduled: { schedule: string; run: () => void; stopped: boolean }[] = [];
    const { manager, notifier, signal, clock } = setup({
      tickIntervalMs: 5,
      scheduleGc: (schedule, run) => {
        const job = { schedule, run, stopped: false };
        scheduled.push(job);
        return { stop: () => void (job.stopped = true) };
      },
    });
    manager.start();
    manager.start(); // idempotent
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]!.schedule).toBe('*/10 * * * *');
    manager.handle(signal());
    clock.advance(5 * MIN);
    await new Promise((r) => setTimeout(r, 30));
    expect(notifier.types()).toEqual(['fired', 'resolved']);
    clock.advance(ALERTING.resolvedRetentionMs);
    scheduled[0]!.run();
    expect(manager.stats.gcIncidents).toBe(1);
    await manager.stop();
    expect(scheduled[0]!.stopped).toBe(true);
  });

  it('by default schedules GC as a node-cron task on gcSchedule, and stop() removes it', async () => {
    const { manager } = setup();
    const before = getTasks().size;
    manager.start({ autoTick: false });
    const task = [...getTasks().values()].find((t) => t.name === 'alert-gc');
    expect(task?.getPattern()).toBe('*/10 * * * *');
    expect(getTasks().size).toBe(before + 1);
    await manager.stop();
    expect(getTasks().size).toBe(before);
  });
});
