import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OutboxFile, type OutboxFileOptions } from '../../../src/notify/outbox/outbox-file.js';
import type { OutboxItem } from '../../../src/notify/outbox/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const Payload = z.object({ n: z.number().int() });
type P = z.infer<typeof Payload>;

describe('OutboxFile', () => {
  let dir: string;
  let items: OutboxItem<P>[];
  let writeErrors: number;
  const clock = new FakeClock(T0);
  const lines: { level: number; msg: string }[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });

  const make = (over: Partial<OutboxFileOptions<P>> = {}) =>
    new OutboxFile<P>({
      stateDir: dir,
      notifier: 'slack',
      payload: Payload,
      items: () => items,
      log,
      now: clock.now,
      minWriteIntervalMs: 10,
      onWriteError: () => void writeErrors++,
      ...over,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-file-'));
    items = [];
    writeErrors = 0;
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives at <stateDir>/outbox-<notifier>.json; a missing file loads as empty without a problem', async () => {
    const file = make();
    expect(file.path).toBe(join(dir, 'outbox-slack.json'));
    expect(await file.load()).toEqual({ items: [], problem: null });
    expect(await readdir(dir)).toEqual([]);
  });

  it('flush() writes a versioned snapshot of the items, which load() reads back', async () => {
    items = [
      { key: 'inc-1', lane: 'C1', payload: { n: 1 }, enqueuedAt: T0, attempts: 0 },
      { key: 'inc-2', lane: '#alerts', payload: { n: 2 }, enqueuedAt: T0 + 5, attempts: 3 },
    ];
    const file = make();
    file.changed();
    await file.flush();
    const doc = JSON.parse(await readFile(file.path, 'utf8')) as unknown;
    expect(doc).toEqual({ version: 1, savedAt: T0, items });
    expect(await make().load()).toEqual({ items, problem: null });
  });

  it('the snapshot is taken when the write starts (a later change is written by the next one)', async () => {
    const file = make();
    items = [{ key: 'a', lane: 'L', payload: { n: 1 }, enqueuedAt: T0, attempts: 0 }];
    file.changed();
    items = [...items, { key: 'b', lane: 'L', payload: { n: 2 }, enqueuedAt: T0, attempts: 0 }];
    await file.flush();
    expect((await make().load()).items.map((i) => i.key)).toEqual(['a', 'b']);
  });

  it.each([
    ['not JSON', 'not json at all', /not valid JSON/],
    ['a future version', JSON.stringify({ version: 2, savedAt: 1, items: [] }), /wrong shape: version/],
    ['an item without a lane', JSON.stringify({ version: 1, savedAt: 1, items: [{ key: 'k', lane: '', payload: { n: 1 }, enqueuedAt: 1, attempts: 0 }] }), /items\.0\.lane/],
    ['negative attempts', JSON.stringify({ version: 1, savedAt: 1, items: [{ key: 'k', lane: 'L', payload: { n: 1 }, enqueuedAt: 1, attempts: -1 }] }), /items\.0\.attempts/],
    ['a bad payload', JSON.stringify({ version: 1, savedAt: 1, items: [{ key: 'k', lane: 'L', payload: { n: 'x' }, enqueuedAt: 1, attempts: 0 }] }), /items\.0\.payload\.n/],
  ])('%s is moved aside and reported, and the outbox starts empty', async (_what, content, reason) => {
    await writeFile(join(dir, 'outbox-slack.json'), content);
    const loaded = await make().load();
    expect(loaded.items).toEqual([]);
    expect(loaded.problem).toMatchObject({ file: join(dir, 'outbox-slack.json'), movedTo: join(dir, 'outbox-slack.json.corrupt-2026-01-01T12-00-00.000Z') });
    expect(loaded.problem!.reason).toMatch(reason);
    expect(await readdir(dir)).toEqual(['outbox-slack.json.corrupt-2026-01-01T12-00-00.000Z']);
    expect(await readFile(join(dir, 'outbox-slack.json.corrupt-2026-01-01T12-00-00.000Z'), 'utf8')).toBe(content);
    expect(lines.some((l) => l.level === 50)).toBe(true);
  });

  it('a failed write is logged and reported through onWriteError, not thrown', async () => {
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, 'x'); // stateDir is a file: mkdir/open fail
    items = [{ key: 'a', lane: 'L', payload: { n: 1 }, enqueuedAt: T0, attempts: 0 }];
    const file = make({ stateDir: blocked });
    file.changed();
    await expect(file.flush()).resolves.toBeUndefined();
    expect(writeErrors).toBe(1);
    expect(lines.some((l) => l.level === 50 && /cannot write state file/.test(l.msg))).toBe(true);
  });

  it('each notifier has its own file', async () => {
    items = [{ key: 'a', lane: 'L', payload: { n: 1 }, enqueuedAt: T0, attempts: 0 }];
    const slack = make();
    const webhook = make({ notifier: 'webhook', items: () => [] });
    slack.changed();
    webhook.changed();
    await Promise.all([slack.flush(), webhook.flush()]);
    expect((await readdir(dir)).sort()).toEqual(['outbox-slack.json', 'outbox-webhook.json']);
    expect((await make({ notifier: 'webhook' }).load()).items).toEqual([]);
    expect((await make().load()).items).toHaveLength(1);
  });
});
