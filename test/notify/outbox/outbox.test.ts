/**
 * The outbox in memory (file: null) under vitest fake timers: Date.now() is the outbox clock, so pacing and
 * backoff are checked to the millisecond without waiting. Persistence (stop → new Outbox → load) runs with
 * real timers and a temp stateDir at the end of the file.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Outbox, type OutboxOptions } from '../../../src/notify/outbox/outbox.js';
import { OutboxFile } from '../../../src/notify/outbox/outbox-file.js';
import { SENT, type OutboxItem, type SendResult } from '../../../src/notify/outbox/types.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { waitFor } from '../../helpers/wait-for.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

function logCapture() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const messages = (level?: number) => lines.filter((l) => level === undefined || l.level === level).map((l) => l.msg);
  return { log, lines, messages };
}
const WARN = 40;
const ERROR = 50;

interface SentCall {
  key: string;
  lane: string;
  payload: string;
  attempts: number;
  at: number;
}

/** A controllable sender: records every attempt (with Date.now()), answers with `script`. */
class Sender {
  readonly calls: SentCall[] = [];
  script: (item: Readonly<OutboxItem<string>>) => SendResult | Promise<SendResult> = () => SENT;
  readonly send = async (item: Readonly<OutboxItem<string>>): Promise<SendResult> => {
    this.calls.push({ key: item.key, lane: item.lane, payload: item.payload, attempts: item.attempts, at: Date.now() });
    return this.script(item);
  };
  payloads(): string[] {
    return this.calls.map((c) => c.payload);
  }
}

/** A promise the test resolves by hand (a call held in flight). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(over: Partial<OutboxOptions<string>> = {}) {
  const sender = new Sender();
  const { log, lines, messages } = logCapture();
  const outbox = new Outbox<string>({
    name: 'test',
    maxItems: 100,
    laneIntervalMs: 1000,
    minBackoffMs: 100,
    maxBackoffMs: 1000,
    send: sender.send,
    merge: (queued, next) => `${queued}+${next}`,
    file: null,
    log,
    now: () => Date.now(),
    ...over,
  });
  return { outbox, sender, lines, messages };
}

/** Lets pending promise callbacks run and fires timers due now (fake time does not move). */
const settle = () => vi.advanceTimersByTimeAsync(0);
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('Outbox (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends nothing before start(), then the items of one lane in FIFO order, one per lane interval', async () => {
    const { outbox, sender } = setup();
    outbox.put('a', 'L', 'a1');
    outbox.put('b', 'L', 'b1');
    outbox.put('c', 'L', 'c1');
    await advance(5000);
    expect(sender.calls).toEqual([]);
    outbox.start();
    await settle();
    expect(sender.payloads()).toEqual(['a1']);
    await advance(999);
    expect(sender.payloads()).toEqual(['a1']); // paced: not before the lane interval
    await advance(1);
    expect(sender.payloads()).toEqual(['a1', 'b1']);
    await advance(1000);
    expect(sender.calls.map((c) => [c.payload, c.at - (T0 + 5000)])).toEqual([
      ['a1', 0],
      ['b1', 1000],
      ['c1', 2000],
    ]);
    expect(outbox.depth).toBe(0);
    expect(outbox.stats).toMatchObject({ enqueued: 3, sent: 3, depth: 0, oldestAt: null, retried: 0, failed: 0, coalesced: 0, overflow: 0 });
  });

  it('paces each lane on its own: two lanes both send at once, each one per interval', async () => {
    const { outbox, sender } = setup();
    outbox.start();
    outbox.put('a1', 'A', 'a1');
    outbox.put('a2', 'A', 'a2');
    outbox.put('b1', 'B', 'b1');
    outbox.put('b2', 'B', 'b2');
    await advance(2500);
    expect(sender.calls.map((c) => [c.payload, c.at - T0])).toEqual([
      ['a1', 0],
      ['b1', 0],
      ['a2', 1000],
      ['b2', 1000],
    ]);
  });

  it('an item put into an idle lane of a running outbox goes out at once, and only one call is in flight at a time', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 0 });
    outbox.start();
    const gate = deferred<SendResult>();
    sender.script = () => gate.promise;
    outbox.put('a', 'A', 'a1');
    outbox.put('b', 'B', 'b1');
    await settle();
    expect(sender.payloads()).toEqual(['a1']); // B waits although its lane is free: one call at a time
    sender.script = () => SENT;
    gate.resolve(SENT);
    await settle();
    expect(sender.payloads()).toEqual(['a1', 'b1']);
  });

  it('a failing head holds its own lane only; the lane keeps its order once the head goes through', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 10, minBackoffMs: 1000, maxBackoffMs: 1000 });
    let failA1 = true;
    sender.script = (item) => (item.payload === 'a1' && failA1 ? { outcome: 'retry', reason: 'HTTP 500' } : SENT);
    outbox.put('a1', 'A', 'a1');
    outbox.put('a2', 'A', 'a2');
    outbox.put('b1', 'B', 'b1');
    outbox.put('b2', 'B', 'b2');
    outbox.start();
    await advance(500);
    expect(sender.payloads()).toEqual(['a1', 'b1', 'b2']);
    expect(outbox.items().map((i) => i.payload)).toEqual(['a1', 'a2']);
    await advance(500); // backoff over: a1 again, still failing
    expect(sender.payloads()).toEqual(['a1', 'b1', 'b2', 'a1']);
    failA1 = false;
    await advance(1000);
    await advance(10);
    expect(sender.payloads()).toEqual(['a1', 'b1', 'b2', 'a1', 'a1', 'a2']);
    expect(outbox.stats).toMatchObject({ sent: 4, retried: 2, failed: 0, depth: 0 });
  });

  it('backs off exponentially from minBackoffMs, capped at maxBackoffMs, and counts attempts on the item', async () => {
    const { outbox, sender, lines } = setup({ minBackoffMs: 100, maxBackoffMs: 1000 });
    sender.script = () => ({ outcome: 'retry', reason: 'HTTP 503' });
    outbox.put('k', 'L', 'p');
    outbox.start();
    await advance(5500);
    const gaps = sender.calls.slice(1).map((c, i) => c.at - sender.calls[i]!.at);
    expect(gaps.slice(0, 7)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(sender.calls.map((c) => c.attempts).slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(outbox.stats.retried).toBe(sender.calls.length);
    expect(outbox.stats.sent).toBe(0);
    expect(outbox.depth).toBe(1);
    // the first failure of a streak is a warning, the repeats are debug
    const failures = lines.filter((l) => l.msg.startsWith('delivery failed'));
    expect(failures[0]).toMatchObject({ level: WARN, notifier: 'test', lane: 'L', reason: 'HTTP 503', attempts: 1, retryInMs: 100 });
    expect(failures.slice(1).every((l) => l.level === 20)).toBe(true);
  });

  it('honours a Retry-After longer than the backoff: the next attempt is not before afterMs', async () => {
    const { outbox, sender } = setup({ minBackoffMs: 100, maxBackoffMs: 1000 });
    let n = 0;
    sender.script = () => (++n === 1 ? { outcome: 'retry', reason: 'rate limited', afterMs: 5000 } : SENT);
    outbox.put('k', 'L', 'p');
    outbox.start();
    await advance(4999);
    expect(sender.calls).toHaveLength(1);
    await advance(1);
    expect(sender.calls.map((c) => c.at - T0)).toEqual([0, 5000]);
    expect(outbox.stats).toMatchObject({ sent: 1, retried: 1 });
  });

  it('a Retry-After shorter than the current backoff does not shorten it', async () => {
    const { outbox, sender } = setup({ minBackoffMs: 400, maxBackoffMs: 1000 });
    sender.script = () => ({ outcome: 'retry', reason: 'rate limited', afterMs: 50 });
    outbox.put('k', 'L', 'p');
    outbox.start();
    await advance(399);
    expect(sender.calls).toHaveLength(1);
    await advance(1);
    expect(sender.calls).toHaveLength(2);
  });

  it('the backoff starts over after a success, and recovery is logged', async () => {
    const { outbox, sender, messages } = setup({ minBackoffMs: 100, maxBackoffMs: 10_000, laneIntervalMs: 0 });
    const answers: SendResult[] = [
      { outcome: 'retry', reason: 'x' },
      { outcome: 'retry', reason: 'x' },
      { outcome: 'retry', reason: 'x' },
      SENT,
      { outcome: 'retry', reason: 'x' },
      SENT,
    ];
    sender.script = () => answers.shift() ?? SENT;
    outbox.put('a', 'L', 'a');
    outbox.start();
    await advance(700); // 0, +100, +200, +400 → sent at 700
    outbox.put('b', 'L', 'b');
    await settle();
    await advance(100);
    expect(sender.calls.map((c) => [c.payload, c.at - T0])).toEqual([
      ['a', 0],
      ['a', 100],
      ['a', 300],
      ['a', 700],
      ['b', 700],
      ['b', 800], // 100 again, not 800
    ]);
    expect(messages().filter((m) => m === 'delivery recovered')).toHaveLength(2);
  });

  it('drop removes the item, counts it as failed, logs an error and frees the lane', async () => {
    const { outbox, sender, lines } = setup({ laneIntervalMs: 0 });
    sender.script = (item) => (item.key === 'bad' ? { outcome: 'drop', reason: 'channel_not_found' } : SENT);
    outbox.put('bad', 'L', 'x');
    outbox.put('good', 'L', 'y');
    outbox.start();
    await settle();
    expect(sender.payloads()).toEqual(['x', 'y']);
    expect(outbox.stats).toMatchObject({ failed: 1, sent: 1, retried: 0, depth: 0 });
    expect(lines.find((l) => l.level === ERROR)).toMatchObject({ notifier: 'test', item: 'bad', reason: 'channel_not_found', msg: expect.stringMatching(/cannot succeed/) });
  });

  it('a sender that throws is a bug: the item is dropped (counted as failed), logged at error level, and the outbox goes on', async () => {
    const { outbox, sender, lines } = setup({ laneIntervalMs: 0 });
    sender.script = (item) => {
      if (item.key === 'boom') throw new TypeError('cannot read x of undefined');
      return SENT;
    };
    outbox.put('boom', 'L', 'x');
    outbox.put('next', 'L', 'y');
    outbox.start();
    await settle();
    expect(sender.payloads()).toEqual(['x', 'y']);
    expect(outbox.stats).toMatchObject({ failed: 1, sent: 1, depth: 0 });
    const bug = lines.find((l) => /send threw/.test(l.msg));
    expect(bug).toMatchObject({ level: ERROR, item: 'boom', notifier: 'test' });
    expect(JSON.stringify(bug)).toContain('cannot read x of undefined');
  });

  it('coalesces a burst for a queued key into one item carrying the merged payload', async () => {
    const { outbox, sender } = setup();
    expect(outbox.put('inc-1', 'L', 'fired')).toBe(true);
    expect(outbox.put('inc-1', 'L', 'u1')).toBe(true);
    expect(outbox.put('inc-1', 'L', 'u2')).toBe(true);
    outbox.put('inc-2', 'L', 'other');
    expect(outbox.depth).toBe(2);
    expect(outbox.stats).toMatchObject({ enqueued: 2, coalesced: 2 });
    outbox.start();
    await advance(1000);
    expect(sender.payloads()).toEqual(['fired+u1+u2', 'other']);
  });

  it('a new event for the key in flight becomes a new item (the payload being sent is not changed); later events merge into that one', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 0 });
    const gate = deferred<SendResult>();
    sender.script = () => gate.promise;
    outbox.put('inc-1', 'L', 'fired');
    outbox.start();
    await settle();
    expect(sender.payloads()).toEqual(['fired']);
    outbox.put('inc-1', 'L', 'u1');
    outbox.put('inc-1', 'L', 'u2');
    expect(outbox.items().map((i) => i.payload)).toEqual(['fired', 'u1+u2']);
    expect(outbox.stats).toMatchObject({ enqueued: 2, coalesced: 1, depth: 2 });
    sender.script = () => SENT;
    gate.resolve(SENT);
    await settle();
    expect(sender.payloads()).toEqual(['fired', 'u1+u2']);
  });

  it('after a failed attempt the item takes merges again; a newer item made during the flight stays behind it', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 0, minBackoffMs: 100 });
    // 1) no put during the flight: the retried item is the key's queued item again
    sender.script = () => ({ outcome: 'retry', reason: 'x' });
    outbox.put('k', 'L', 'fired');
    outbox.start();
    await settle();
    outbox.put('k', 'L', 'u1');
    expect(outbox.items().map((i) => i.payload)).toEqual(['fired+u1']);
    // 2) a put during the flight makes a second item; the retried head keeps its place
    const gate = deferred<SendResult>();
    sender.script = () => gate.promise;
    await advance(100);
    expect(sender.payloads()).toEqual(['fired', 'fired+u1']);
    outbox.put('k', 'L', 'u2');
    gate.resolve({ outcome: 'retry', reason: 'x' });
    await settle();
    outbox.put('k', 'L', 'u3');
    expect(outbox.items().map((i) => i.payload)).toEqual(['fired+u1', 'u2+u3']);
    sender.script = () => SENT;
    await advance(200);
    expect(sender.payloads().slice(2)).toEqual(['fired+u1', 'u2+u3']);
  });

  it('without merge every put is its own item, in order', async () => {
    const { outbox, sender } = setup({ merge: null, laneIntervalMs: 0 });
    outbox.put('k', 'L', 'one');
    outbox.put('k', 'L', 'two');
    expect(outbox.depth).toBe(2);
    expect(outbox.stats.coalesced).toBe(0);
    outbox.start();
    await settle();
    expect(sender.payloads()).toEqual(['one', 'two']);
  });

  it('refuses new items when full, counts every refusal and warns at most once per 10 s', async () => {
    const { outbox, lines } = setup({ maxItems: 2 });
    expect(outbox.put('a', 'L', 'a')).toBe(true);
    expect(outbox.put('b', 'L', 'b')).toBe(true);
    expect(outbox.put('c', 'L', 'c')).toBe(false);
    expect(outbox.put('d', 'L', 'd')).toBe(false);
    await advance(9999);
    expect(outbox.put('e', 'L', 'e')).toBe(false);
    const overflowLogs = () => lines.filter((l) => l.msg === 'outbox full: events dropped');
    expect(overflowLogs()).toHaveLength(1);
    expect(overflowLogs()[0]).toMatchObject({ level: WARN, notifier: 'test', dropped: 1, maxItems: 2, item: 'c' });
    await advance(1);
    expect(outbox.put('f', 'L', 'f')).toBe(false);
    expect(overflowLogs()).toHaveLength(2);
    expect(overflowLogs()[1]).toMatchObject({ dropped: 3, item: 'f' }); // d, e, f since the last line
    expect(outbox.stats).toMatchObject({ overflow: 4, enqueued: 2, depth: 2 });
    // an event for a queued key still merges when the outbox is full
    expect(outbox.put('a', 'L', 'a2')).toBe(true);
    expect(outbox.items().map((i) => i.payload)).toEqual(['a+a2', 'b']);
    expect(outbox.stats.overflow).toBe(4);
  });

  it('keeps the gauges current: depth and the oldest waiting event', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 0 });
    expect(outbox.stats).toMatchObject({ depth: 0, oldestAt: null });
    outbox.put('a', 'L', 'a');
    await advance(5000);
    outbox.put('b', 'L', 'b');
    expect(outbox.stats).toMatchObject({ depth: 2, oldestAt: T0 });
    // coalescing keeps the item's first enqueue time
    await advance(1000);
    outbox.put('a', 'L', 'a2');
    expect(outbox.items()[0]!.enqueuedAt).toBe(T0);
    sender.script = (item) => (item.key === 'a' ? SENT : { outcome: 'retry', reason: 'x' });
    outbox.start();
    await settle();
    expect(outbox.stats).toMatchObject({ depth: 1, oldestAt: T0 + 5000, sent: 1, retried: 1 });
  });

  it('idle() resolves once everything is sent', async () => {
    const { outbox } = setup({ laneIntervalMs: 500 });
    outbox.put('a', 'L', 'a');
    outbox.put('b', 'L', 'b');
    outbox.start();
    let idle = false;
    void outbox.idle().then(() => (idle = true));
    await advance(499);
    expect(idle).toBe(false);
    await advance(1);
    expect(idle).toBe(true);
    expect(outbox.depth).toBe(0);
    await expect(outbox.idle()).resolves.toBeUndefined();
  });

  it('stop(drainTimeoutMs) waits for a drain that completes in time', async () => {
    const { outbox, sender, messages } = setup({ laneIntervalMs: 100 });
    outbox.put('a', 'L', 'a');
    outbox.put('b', 'L', 'b');
    outbox.start();
    let stopped = false;
    void outbox.stop(5000).then(() => (stopped = true));
    await advance(100);
    expect(stopped).toBe(true);
    expect(sender.payloads()).toEqual(['a', 'b']);
    expect(messages(WARN)).toEqual([]);
  });

  it('stop(drainTimeoutMs) gives up after the timeout, keeps what is left, warns, and sends nothing more', async () => {
    const { outbox, sender, lines } = setup({ laneIntervalMs: 0, minBackoffMs: 100, maxBackoffMs: 100 });
    sender.script = () => ({ outcome: 'retry', reason: 'HTTP 500' });
    outbox.put('a', 'L', 'a');
    outbox.put('b', 'L', 'b');
    outbox.start();
    let stopped = false;
    void outbox.stop(1000).then(() => (stopped = true));
    await advance(999);
    expect(stopped).toBe(false);
    await advance(1);
    expect(stopped).toBe(true);
    expect(outbox.items().map((i) => i.key)).toEqual(['a', 'b']);
    expect(lines.find((l) => /stopping with undelivered events/.test(l.msg))).toMatchObject({ level: WARN, waiting: 2 });
    const attempts = sender.calls.length;
    await advance(5000);
    expect(sender.calls.length).toBe(attempts);
  });

  it('stop() lets a call in flight finish within the drain time', async () => {
    const { outbox, sender } = setup({ laneIntervalMs: 0 });
    const gate = deferred<SendResult>();
    sender.script = () => gate.promise;
    outbox.put('a', 'L', 'a');
    outbox.start();
    await settle();
    let stopped = false;
    void outbox.stop(1000).then(() => (stopped = true));
    await advance(300);
    expect(stopped).toBe(false);
    gate.resolve(SENT);
    await settle();
    expect(stopped).toBe(true);
    expect(outbox.depth).toBe(0);
    expect(outbox.stats.sent).toBe(1);
  });
});

describe('Outbox persistence (temp stateDir, real timers)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const Payload = z.object({ text: z.string() });
  type P = z.infer<typeof Payload>;

  function persisted(clock: FakeClock, over: Partial<OutboxOptions<P>> = {}) {
    const { log, lines } = logCapture();
    const calls: P[] = [];
    let script: (item: Readonly<OutboxItem<P>>) => SendResult | Promise<SendResult> = () => SENT;
    // eslint-disable-next-line prefer-const
    let outbox: Outbox<P>;
    const file = new OutboxFile<P>({
      stateDir: dir,
      notifier: 'unit',
      payload: Payload,
      items: () => outbox.items(),
      log,
      now: clock.now,
      minWriteIntervalMs: 20,
      onWriteError: () => {},
    });
    outbox = new Outbox<P>({
      name: 'unit',
      maxItems: 100,
      laneIntervalMs: 0,
      minBackoffMs: 10,
      maxBackoffMs: 20,
      send: async (item) => {
        calls.push(item.payload);
        return script(item);
      },
      merge: (a, b) => ({ text: `${a.text}+${b.text}` }),
      file,
      log,
      now: clock.now,
      ...over,
    });
    return { outbox, file, calls, lines, setScript: (s: typeof script) => (script = s) };
  }

  it('items survive stop() + a new Outbox + load(), in order, with key, lane, payload, enqueue time and attempts', async () => {
    const clock = new FakeClock(T0);
    const first = persisted(clock);
    first.outbox.put('k1', 'C1', { text: 'one' });
    clock.advance(1000);
    first.outbox.put('k2', 'C2', { text: 'two' });
    clock.advance(1000);
    first.outbox.put('k3', 'C1', { text: 'three' });
    first.outbox.put('k1', 'C1', { text: 'more' });
    await first.outbox.stop(0);
    expect(await readdir(dir)).toEqual(['outbox-unit.json']);

    const second = persisted(clock);
    expect(await second.outbox.load()).toEqual({ items: 3, problem: null });
    expect(second.outbox.items()).toEqual([
      { key: 'k1', lane: 'C1', payload: { text: 'one+more' }, enqueuedAt: T0, attempts: 0 },
      { key: 'k2', lane: 'C2', payload: { text: 'two' }, enqueuedAt: T0 + 1000, attempts: 0 },
      { key: 'k3', lane: 'C1', payload: { text: 'three' }, enqueuedAt: T0 + 2000, attempts: 0 },
    ]);
    expect(second.outbox.stats).toMatchObject({ depth: 3, oldestAt: T0, enqueued: 0 });
    // restored items coalesce like queued ones
    second.outbox.put('k2', 'C2', { text: 'again' });
    expect(second.outbox.depth).toBe(3);
    second.outbox.start();
    await second.outbox.idle();
    expect(second.calls.map((p) => p.text)).toEqual(['one+more', 'two+again', 'three']);
    await second.outbox.stop(0);
    const onDisk = JSON.parse(await readFile(join(dir, 'outbox-unit.json'), 'utf8')) as { version: number; items: unknown[] };
    expect(onDisk).toMatchObject({ version: 1, items: [] });
  });

  it('a failed item keeps its attempt count across a restart, and an in-flight item is kept too', async () => {
    const clock = new FakeClock(T0);
    const first = persisted(clock, { minBackoffMs: 60_000, maxBackoffMs: 60_000 });
    let n = 0;
    const hang = deferred<SendResult>();
    first.setScript(() => (++n === 1 ? { outcome: 'retry', reason: 'x' } : hang.promise));
    first.outbox.put('a', 'A', { text: 'a' });
    first.outbox.put('b', 'B', { text: 'b' });
    first.outbox.start();
    await waitFor(() => first.calls.length === 2, 'a failed, b in flight');
    await first.outbox.stop(10);
    const onDisk = JSON.parse(await readFile(join(dir, 'outbox-unit.json'), 'utf8')) as { items: OutboxItem<P>[] };
    expect(onDisk.items.map((i) => [i.key, i.attempts])).toEqual([
      ['a', 1],
      ['b', 0], // in flight when stop() gave up: kept
    ]);
    // the call in flight answers after stop(): its outcome is still recorded (and written), nothing is sent again
    hang.resolve({ outcome: 'retry', reason: 'late' });
    await new Promise((r) => setTimeout(r, 30));
    await first.file.flush();
    expect(first.calls).toHaveLength(2);

    const second = persisted(clock);
    await second.outbox.load();
    expect(second.outbox.items().map((i) => [i.key, i.lane, i.payload.text, i.attempts])).toEqual([
      ['a', 'A', 'a', 1],
      ['b', 'B', 'b', 1],
    ]);
  });

  it('writes changes without stop() (debounced), so a crash loses at most the last interval', async () => {
    const clock = new FakeClock(T0);
    const { outbox } = persisted(clock);
    outbox.put('k1', 'C1', { text: 'one' });
    const path = join(dir, 'outbox-unit.json');
    const read = async () => {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as { items: { key: string }[] };
      } catch {
        return null;
      }
    };
    let doc: Awaited<ReturnType<typeof read>> = null;
    const deadline = Date.now() + 5000;
    while ((doc = await read()) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(doc?.items.map((i) => i.key)).toEqual(['k1']);
    outbox.start();
    await outbox.idle();
    for (let i = 0; i < 500 && (await read())?.items.length !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await read())?.items).toEqual([]);
    await outbox.stop(0);
  });

  it('a corrupt outbox file is moved aside and reported; the outbox starts empty', async () => {
    const clock = new FakeClock(T0);
    await writeFile(join(dir, 'outbox-unit.json'), '{"version":1,"savedAt":1,"items":[{"key":');
    const { outbox, lines } = persisted(clock);
    const loaded = await outbox.load();
    expect(loaded.items).toBe(0);
    expect(loaded.problem).toMatch(/outbox-unit\.json: not valid JSON: .* \(moved to .*outbox-unit\.json\.corrupt-2026-01-01T12-00-00\.000Z\)$/);
    expect((await readdir(dir)).sort()).toEqual(['outbox-unit.json.corrupt-2026-01-01T12-00-00.000Z']);
    expect(lines.some((l) => l.level === ERROR && /corrupt/.test(l.msg))).toBe(true);
    expect(outbox.depth).toBe(0);
  });

  it('an outbox file of the wrong shape (a payload the schema refuses) is corrupt too', async () => {
    const clock = new FakeClock(T0);
    const bad = { version: 1, savedAt: 1, items: [{ key: 'k', lane: 'C', payload: { text: 42 }, enqueuedAt: 1, attempts: 0 }] };
    await writeFile(join(dir, 'outbox-unit.json'), JSON.stringify(bad));
    const { outbox } = persisted(clock);
    const loaded = await outbox.load();
    expect(loaded).toMatchObject({ items: 0, problem: expect.stringMatching(/wrong shape: items\.0\.payload\.text/) });
  });

  it('loading more items than maxItems keeps the first ones and counts the rest as overflow', async () => {
    const clock = new FakeClock(T0);
    const first = persisted(clock);
    for (const k of ['a', 'b', 'c', 'd']) first.outbox.put(k, 'C', { text: k });
    await first.outbox.stop(0);
    const second = persisted(clock, { maxItems: 2 });
    expect(await second.outbox.load()).toEqual({ items: 2, problem: null });
    expect(second.outbox.items().map((i) => i.key)).toEqual(['a', 'b']);
    expect(second.outbox.stats.overflow).toBe(2);
  });

  it('an outbox without a file loads nothing', async () => {
    const outbox = new Outbox<string>({
      name: 'mem', maxItems: 1, laneIntervalMs: 0, maxBackoffMs: 1000, send: async () => SENT, merge: null, file: null,
      log: pino({ level: 'silent' }), now: Date.now,
    });
    expect(await outbox.load()).toEqual({ items: 0, problem: null });
  });
});
