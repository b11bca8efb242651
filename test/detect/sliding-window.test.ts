import { describe, expect, it } from 'vitest';
import { DistinctWindow, SlidingWindow } from '../../src/detect/sliding-window.js';

const S = 1000;

describe('SlidingWindow', () => {
  it('counts the matches inside the window, this one included, up to the capacity', () => {
    const w = new SlidingWindow(3);
    expect(w.record(0, 60 * S)).toBe(1);
    expect(w.record(10 * S, 60 * S)).toBe(2);
    expect(w.record(20 * S, 60 * S)).toBe(3);
    expect(w.record(30 * S, 60 * S)).toBe(3); // saturates at the capacity (the threshold)
  });

  it('is exact at the edge: a match exactly one window old is outside', () => {
    const w = new SlidingWindow(2);
    w.record(0, 60 * S);
    expect(w.count(60 * S - 1, 60 * S)).toBe(1);
    expect(w.count(60 * S, 60 * S)).toBe(0);
    expect(w.record(60 * S, 60 * S)).toBe(1);
  });

  it('forgets old matches as the window slides (matches spread wider than the window never add up)', () => {
    const w = new SlidingWindow(3);
    const counts = [0, 31, 62, 93, 124].map((s) => w.record(s * S, 60 * S));
    expect(counts).toEqual([1, 2, 2, 2, 2]);
  });

  it('the ring keeps only the newest times', () => {
    const w = new SlidingWindow(2);
    w.record(0, 100 * S);
    w.record(50 * S, 100 * S);
    w.record(99 * S, 100 * S); // overwrites t=0
    expect(w.count(120 * S, 100 * S)).toBe(2);
    expect(w.count(151 * S, 100 * S)).toBe(1);
  });

  it('a clock that steps back still counts the later times as inside', () => {
    const w = new SlidingWindow(3);
    w.record(100 * S, 60 * S);
    expect(w.record(90 * S, 60 * S)).toBe(2);
  });
});

describe('DistinctWindow', () => {
  it('counts distinct values; a repeated value counts once', () => {
    const w = new DistinctWindow();
    expect(w.record('root', 0, 60 * S, 5)).toBe(1);
    expect(w.record('root', 1 * S, 60 * S, 5)).toBe(1);
    expect(w.record('admin', 2 * S, 60 * S, 5)).toBe(2);
    expect(w.record('pi', 3 * S, 60 * S, 5)).toBe(3);
  });

  it('a value counts from its last sighting and leaves the window after that', () => {
    const w = new DistinctWindow();
    w.record('a', 0, 60 * S, 5);
    w.record('b', 10 * S, 60 * S, 5);
    w.record('a', 50 * S, 60 * S, 5); // refreshes a
    expect(w.record('c', 65 * S, 60 * S, 5)).toBe(3); // b (10 s) is still inside at 65 s
    expect(w.record('c', 71 * S, 60 * S, 5)).toBe(2); // b left at 70 s
    expect(w.count(200 * S, 60 * S)).toBe(0);
  });

  it('keeps at most `capacity` values, the most recently seen, which still answers "at least capacity" exactly', () => {
    const w = new DistinctWindow();
    for (let i = 0; i < 100; i++) expect(w.record(`user${i}`, i, 60 * S, 4)).toBe(Math.min(i + 1, 4));
    expect(w.count(100, 60 * S)).toBe(4);
  });
});
