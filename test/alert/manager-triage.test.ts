/** AlertManager.attachTriage: the LLM triage stored on an open incident, a `triaged` event, persistence. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertManager } from '../../src/alert/manager.js';
import type { IncidentTriage } from '../../src/alert/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { RecordingNotifier } from '../helpers/recording-notifier.js';
import { thresholdSignal } from '../helpers/signals.js';
import { testAlerting } from '../helpers/alerting.js';

const MIN = 60_000;
const ALERTING = testAlerting();

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alert-triage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function create(clock: FakeClock, stateDir: string | null = dir) {
  const notifier = new RecordingNotifier();
  let ids = 0;
  const manager = new AlertManager({
    alerting: ALERTING, stateDir, notifiers: [notifier], log: pino({ level: 'silent' }), keyFields: () => ['ip'], now: clock.now, newId: () => `id-${++ids}`, minWriteIntervalMs: 60_000,
  });
  const signal = (ip: string) => thresholdSignal(clock.t, { ip }, { sample: `Invalid user admin from ${ip}` });
  return { manager, notifier, signal };
}

/** One open incident without a triage, saved by a stopped manager: incidents.json and what it holds. */
async function savedWithoutTriage(clock: FakeClock): Promise<{ file: string; doc: { incidents: Record<string, unknown>[] } }> {
  const first = create(clock);
  await first.manager.load();
  first.manager.handle(first.signal('192.0.2.1'));
  await first.manager.stop();
  const file = join(dir, 'incidents.json');
  return { file, doc: JSON.parse(await readFile(file, 'utf8')) as { incidents: Record<string, unknown>[] } };
}

const triage = (at: number): IncidentTriage => ({ summary: 'Password guessing from one address.', severity: 'high', model: 'llama3.2:3b', at });

describe('AlertManager.attachTriage', () => {
  it('stores the triage on the open incident and sends a triaged event after the fired one', async () => {
    const clock = new FakeClock();
    const { manager, notifier, signal } = create(clock, null);
    manager.handle(signal('192.0.2.1'));
    const id = manager.openIncidents()[0]!.id;
    expect(manager.incident(id)!.triage).toBeUndefined();
    clock.advance(2000);
    expect(manager.attachTriage(id, triage(clock.t))).toBe(true);
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'triaged']);
    expect(notifier.events[0]!.incident.triage).toBeUndefined(); // the fired event is the snapshot it was
    expect(notifier.events[1]!.incident.triage).toEqual(triage(clock.t));
    expect(notifier.events[1]!.at).toBe(clock.t);
    expect(manager.incident(id)!.triage).toEqual(triage(clock.t));
    expect(Object.isFrozen(manager.incident(id)!.triage)).toBe(true);
  });

  it('refuses an unknown or resolved incident (no event)', async () => {
    const clock = new FakeClock();
    const { manager, notifier, signal } = create(clock, null);
    manager.handle(signal('192.0.2.1'));
    const id = manager.openIncidents()[0]!.id;
    clock.advance(6 * MIN);
    manager.tick(clock.t);
    expect(manager.incident(id)!.state).toBe('resolved');
    expect(manager.attachTriage(id, triage(clock.t))).toBe(false);
    expect(manager.attachTriage('nope', triage(clock.t))).toBe(false);
    await manager.idle();
    expect(notifier.types()).toEqual(['fired', 'resolved']);
  });

  it('the triage is persisted with the incident and restored after a restart', async () => {
    const clock = new FakeClock();
    const first = create(clock);
    await first.manager.load();
    first.manager.handle(first.signal('192.0.2.1'));
    const id = first.manager.openIncidents()[0]!.id;
    first.manager.attachTriage(id, triage(clock.t));
    await first.manager.stop();
    const saved = JSON.parse(await readFile(join(dir, 'incidents.json'), 'utf8')) as { incidents: { triage?: unknown }[] };
    expect(saved.incidents[0]!.triage).toEqual(triage(clock.t));
    const second = create(clock);
    expect((await second.manager.load()).problems).toEqual([]);
    expect(second.manager.incident(id)!.triage).toEqual(triage(clock.t));
  });

  it('a state file written before triage existed (no triage field) still loads', async () => {
    const clock = new FakeClock();
    const { file, doc } = await savedWithoutTriage(clock);
    expect('triage' in doc.incidents[0]!).toBe(false);
    await writeFile(file, JSON.stringify(doc));
    const second = create(clock);
    expect(await second.manager.load()).toEqual({ incidents: 1, mutes: 0, problems: [] });
    expect(second.manager.openIncidents()[0]!.triage).toBeUndefined();
  });

  it('a state file with a malformed triage is refused as corrupt, not half-loaded', async () => {
    const clock = new FakeClock();
    const { file, doc } = await savedWithoutTriage(clock);
    doc.incidents[0]!.triage = { summary: 'x', severity: 'apocalyptic', model: 'm', at: 0 };
    await writeFile(file, JSON.stringify(doc));
    const second = create(clock);
    const loaded = await second.manager.load();
    expect(loaded.incidents).toBe(0);
    expect(loaded.problems).toHaveLength(1);
  });
});
