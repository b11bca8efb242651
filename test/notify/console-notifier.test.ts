import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Incident, IncidentEvent } from '../../src/alert/types.js';
import { NotifyError } from '../../src/alert/types.js';
import { ConsoleNotifier } from '../../src/notify/console-notifier.js';

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const incident: Incident = {
  id: 'inc-1', fingerprint: 'ssh|203.0.113.5', rule: 'ssh_invalid_user', ruleType: 'threshold', key: { ip: '203.0.113.5' },
  state: 'open', count: 7, threshold: 5, windowMs: 60_000, resolveAfterMs: 300_000, firstSeen: T, lastSeen: T + 30_000,
  resolvedAt: null, distinct: { user: ['admin', 'root'] }, samples: ['Invalid user admin from 203.0.113.5'],
  ackedBy: null, ackedAt: null, channel: null, refs: {},
};
const event = (over: Partial<IncidentEvent> = {}, inc: Partial<Incident> = {}): IncidentEvent => ({ event: 'fired', at: T + 30_000, incident: { ...incident, ...inc }, ...over });

describe('ConsoleNotifier', () => {
  it('writes one JSON line per event with the documented keys', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const n = new ConsoleNotifier({ stream: out });
    await n.notify(event());
    await n.notify(event({ event: 'resolved' }, { state: 'resolved', resolvedAt: T + 330_000, ackedBy: 'alice', ackedAt: T + 40_000 }));
    const lines = chunks.join('').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({
      event: 'fired', at: '2026-01-01T12:00:30.000Z', rule: 'ssh_invalid_user', ruleType: 'threshold', incident: 'inc-1',
      key: { ip: '203.0.113.5' }, count: 7, threshold: 5, windowSeconds: 60, firstSeen: '2026-01-01T12:00:00.000Z',
      lastSeen: '2026-01-01T12:00:30.000Z', distinct: { user: ['admin', 'root'] }, samples: ['Invalid user admin from 203.0.113.5'],
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({ event: 'resolved', resolvedAt: '2026-01-01T12:05:30.000Z', ackedBy: 'alice', ackedAt: '2026-01-01T12:00:40.000Z' });
  });

  it('a triaged event (and any later one) carries the triage, with its time in ISO 8601', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const n = new ConsoleNotifier({ stream: out });
    await n.notify(event({ event: 'triaged', at: T + 32_000 }, { triage: { summary: 'Password guessing.', severity: 'high', model: 'llama3.2:3b', at: T + 32_000 } }));
    const line = JSON.parse(chunks.join('').split('\n')[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'triaged', at: '2026-01-01T12:00:32.000Z', incident: 'inc-1', count: 7 });
    expect(line.triage).toEqual({ summary: 'Password guessing.', severity: 'high', model: 'llama3.2:3b', at: '2026-01-01T12:00:32.000Z' });
  });

  it('waits for drain when the stream is full instead of buffering without bound', async () => {
    const written: string[] = [];
    let release: (() => void) | null = null;
    const slow = new Writable({
      highWaterMark: 10,
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk.toString());
        release = () => cb();
      },
    });
    const n = new ConsoleNotifier({ stream: slow });
    let done = false;
    const p = n.notify(event()).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(written).toHaveLength(1);
    expect(done).toBe(false);
    release!();
    await p;
    expect(done).toBe(true);
  });

  it('fails with a non-retryable NotifyError once the stream has failed or closed', async () => {
    const broken = new Writable({ write: (_c, _e, cb) => cb(new Error('EPIPE')) });
    const n = new ConsoleNotifier({ stream: broken });
    await n.notify(event()).catch((e: unknown) => e); // the first write is accepted; its error arrives asynchronously
    await new Promise((r) => setTimeout(r, 5));
    const err = await n.notify(event()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).retryable).toBe(false);
    n.close();
    expect(broken.listenerCount('error')).toBe(0);
  });
});
