import { describe, expect, it } from 'vitest';
import { HostCounter } from '../../src/digest/host-counter.js';
import type { ReceivedMessage } from '../../src/pipeline/types.js';

const message = (host: string) => ({ host }) as ReceivedMessage;

describe('HostCounter', () => {
  it('counts messages per host (the pipeline stage reads message.host)', () => {
    const c = new HostCounter(10);
    for (const h of ['a', 'b', 'a', '10.0.0.1', 'a']) c.process(message(h));
    const counts = c.peek();
    expect(counts.total).toBe(5);
    expect([...counts.hosts]).toEqual([['a', 3], ['b', 1], ['10.0.0.1', 1]]);
    expect(counts.otherMessages).toBe(0);
  });

  it('tracks at most maxHosts hosts; messages of further hosts go to the other-hosts bucket, known hosts keep counting', () => {
    const c = new HostCounter(3);
    for (const h of ['h1', 'h2', 'h3', 'h4', 'h5', 'h4', 'h1', 'h3']) c.count(h);
    const counts = c.peek();
    expect(counts.hosts.size).toBe(3);
    expect(Object.fromEntries(counts.hosts)).toEqual({ h1: 2, h2: 1, h3: 2 });
    expect(counts.otherMessages).toBe(3);
    expect(counts.total).toBe(8);
  });

  it('stays bounded under many distinct hosts', () => {
    const c = new HostCounter(10_000);
    for (let i = 0; i < 50_000; i++) c.count(`host-${i}`);
    expect(c.peek().hosts.size).toBe(10_000);
    expect(c.peek().otherMessages).toBe(40_000);
    expect(c.peek().total).toBe(50_000);
  });

  it('take() hands the counts over and starts afresh (a new host fits again after a reset at the cap)', () => {
    const c = new HostCounter(2);
    for (const h of ['a', 'b', 'c', 'a']) c.count(h);
    const first = c.take();
    expect(first).toMatchObject({ total: 4, otherMessages: 1 });
    expect(Object.fromEntries(first.hosts)).toEqual({ a: 2, b: 1 });
    expect(c.peek()).toMatchObject({ total: 0, otherMessages: 0 });
    expect(c.peek().hosts.size).toBe(0);
    c.count('c');
    const second = c.take();
    expect(Object.fromEntries(second.hosts)).toEqual({ c: 1 });
    // The first period's map is not touched by later counting.
    expect(Object.fromEntries(first.hosts)).toEqual({ a: 2, b: 1 });
  });

  it('cuts absurdly long host values to 255 characters, so they count under one key', () => {
    const c = new HostCounter(5);
    const long = 'x'.repeat(300);
    c.count(long);
    c.count(`${long}y`);
    expect([...c.peek().hosts]).toEqual([['x'.repeat(255), 2]]);
  });

  it('keeps hosts with lone surrogates as they are (one key, not two)', () => {
    const c = new HostCounter(5);
    c.count('h\ud800');
    c.count('h\ud800');
    expect([...c.peek().hosts]).toEqual([['h\ud800', 2]]);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new HostCounter(0)).toThrow(RangeError);
    expect(() => new HostCounter(1.5)).toThrow(RangeError);
  });
});
