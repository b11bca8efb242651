import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertManager } from '../../src/alert/manager.js';
import type { Signal } from '../../src/detect/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { thresholdSignal } from '../helpers/signals.js';
import { testAlerting } from '../helpers/alerting.js';

const MIN = 60_000;
const ALERTING = testAlerting();

describe('AlertManager state across restarts', () => {
  let dir: string;
  const clock = new FakeClock();
  let ids = 0;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function create(notifier = new RecordingNotifier('slack'), log: Logger = pino({ level: 'silent' })) {
    const manager = new AlertManager({
      alerting: ALERTING,
      stateDir: dir,
      notifiers: [notifier],
      log,
      keyFields: () => ['host', 'ip'],
      now: clock.now,
      newId: () => `id-${++ids}`,
      minWriteIntervalMs: 60_000,
    });
    return { manager, notifier };
  }

  const signal = (ip: string, s: Partial<Signal> = {}): Signal =>
    thresholdSignal(clock.t, { ip }, { fields: { user: 'admin', ip }, sample: `Invalid user admin from ${ip}`, channel: '#security', ...s });

  it('restores incidents with refs and acks, and mutes; resolved goes out after the restart', async () => {
    const first = create();
    first.notifier.ref = () => ({ channel: 'C1', ts: '1.2' });
    expect(await first.manager.load()).toEqual({ incidents: 0, mutes: 0, problems: [] });
    first.manager.handle(signal('192.0.2.1'));
    first.manager.handle(signal('192.0.2.2'));
    const [a, b] = first.manager.openIncidents();
    first.manager.acknowledge(a!.id, 'alice', clock.t);
    const muted = first.manager.mute({ matchers: [{ name: 'ip', value: '198\\.51\\.100\\..*', isRegex: true }], endsAt: clock.t + 60 * MIN, createdBy: 'bob', comment: 'scanner' });
    clock.advance(MIN);
    first.manager.handle(signal('192.0.2.2'));
    first.manager.tick(clock.t);
    await first.manager.stop();
    const before = first.manager.openIncidents();
    expect(before.map((i) => i.refs.slack)).toEqual([{ channel: 'C1', ts: '1.2' }, { channel: 'C1', ts: '1.2' }]);
    expect((await readdir(dir)).sort()).toEqual(['incidents.json', 'mutes.json']);

    const second = create();
    expect(await second.manager.load()).toEqual({ incidents: 2, mutes: 1, problems: [] });
    expect(second.manager.openIncidents()).toEqual(before);
    expect(second.manager.incident(a!.id)).toMatchObject({ ackedBy: 'alice', count: 5, channel: '#security' });
    expect(second.manager.incident(b!.id)!.count).toBe(6);
    expect(second.manager.mutes(clock.t)).toEqual([{ mute: muted.ok ? muted.mute : null, state: 'active' }]);
    // the restored mute still mutes, the restored incidents still resolve (and were notified, so resolved is sent)
    second.manager.handle(signal('198.51.100.9'));
    clock.advance(5 * MIN);
    second.manager.tick(clock.t);
    await second.manager.idle();
    expect(second.notifier.events.map((e) => [e.event, e.incident.key.ip])).toEqual([
      ['suppressed', '198.51.100.9'],
      ['resolved', '192.0.2.1'],
      ['resolved', '192.0.2.2'],
    ]);
    expect(second.notifier.events[1]!.incident.refs.slack).toEqual({ channel: 'C1', ts: '1.2' });
    await second.manager.stop();
  });

  it('moves a corrupt incidents.json aside with an error, reports it, and still loads the mutes', async () => {
    const first = create();
    first.manager.mute({ matchers: [{ name: 'host', value: 'web01', isRegex: false }], endsAt: clock.t + MIN, createdBy: 'bob' });
    await first.manager.stop();
    await writeFile(join(dir, 'incidents.json'), '{"version":1,"savedAt":0,"incidents":[{"id":"x"}]}');

    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
    const second = create(undefined, log);
    const report = await second.manager.load();
    expect(report.incidents).toBe(0);
    expect(report.mutes).toBe(1);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ file: join(dir, 'incidents.json'), reason: expect.stringMatching(/^wrong shape: incidents\.0\./) });
    expect(second.manager.stats.stateCorruptFiles).toBe(1);
    expect(lines.some((l) => l.level === 50 && l.msg.includes('corrupt'))).toBe(true);
    const files = await readdir(dir);
    expect(files).toContain(report.problems[0]!.movedTo.slice(dir.length + 1));
    expect(files).not.toContain('incidents.json');
    // the next write starts a fresh file next to the moved-aside one
    second.manager.handle(signal('192.0.2.1'));
    await second.manager.stop();
    const saved = JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8')) as { version: number; incidents: unknown[] };
    expect(saved.version).toBe(1);
    expect(saved.incidents).toHaveLength(1);
  });

  it('rejects a mutes.json whose regex is unsafe (it is never compiled)', async () => {
    const mute = { id: 'm', matchers: [{ name: 'host', value: '(a+)+$', isRegex: true }], startsAt: 0, endsAt: 1, createdBy: 'x', comment: '', createdAt: 0 };
    await writeFile(join(dir, 'mutes.json'), JSON.stringify({ version: 1, savedAt: 0, mutes: [mute] }));
    const { manager } = create();
    const report = await manager.load();
    expect(report.problems[0]!.reason).toMatch(/nested repetition/);
    expect(manager.mutes()).toEqual([]);
  });
});
